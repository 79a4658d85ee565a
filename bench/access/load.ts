/**
 * The benchmark's load generator, run as a child process (`fork`) so the servers measured have the
 * parent's event loop to themselves: autocannon's own work (sockets, timers, histograms) would
 * otherwise be charged to every server it loads. Takes one job per message, answers its result.
 */
import http from 'node:http';
import autocannon from 'autocannon';

export interface LoadJob {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  /** Request bodies, sent in rotation (one per request). */
  readonly bodies?: readonly string[];
  readonly connections: number;
  readonly duration: number;
  readonly rate?: number;
  /**
   * With `rate`: send at a constant rate, one request every 1/rate seconds, whatever the answers
   * (open loop, as wrk2 does), and time each from when it was due. autocannon's own rate limit is
   * a budget per second per connection: every connection fires back to back until its budget is
   * spent and waits for the next second, so "half rate" there is half a second at full load.
   */
  readonly paced?: boolean;
  readonly timeout?: number;
}

export interface LoadResult {
  readonly rps: number;
  readonly p99: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const bodies = job.bodies ?? [];
  let next = 0;
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.duration,
    pipelining: 1,
    method: job.method,
    headers: job.headers,
    ...(job.timeout ? { timeout: job.timeout } : {}),
    ...(bodies.length > 0
      ? {
          setupClient: (client) => client.setBody(bodies[0]),
          requests: [
            { setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) },
          ],
        }
      : {}),
    ...(job.rate ? { overallRate: job.rate } : {}),
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** The constant-rate, open-loop generator behind `paced` (see `LoadJob.paced`). */
async function runPaced(job: LoadJob & { readonly rate: number }): Promise<LoadResult> {
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const bodies = job.bodies ?? [];
  const total = Math.round(job.rate * job.duration);
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let next = 0;
  const start = performance.now();
  const oneRequest = (due: number) =>
    new Promise<void>((resolve) => {
      const body = bodies.length > 0 ? bodies[next++ % bodies.length] : undefined;
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: job.method,
          headers: body
            ? { ...job.headers, 'content-length': Buffer.byteLength(body) }
            : job.headers,
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            latencies.push(performance.now() - due);
            if (response.statusCode !== undefined && response.statusCode < 300) ok++;
            else non2xx++;
            resolve();
          });
        },
      );
      request.on('error', () => {
        errors++;
        resolve();
      });
      request.end(body);
    });
  const inFlight: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      // Every request due by now goes now: a late tick sends the backlog, never skips it.
      while (sent < total && start + (sent * 1000) / job.rate <= now) {
        inFlight.push(oneRequest(start + (sent * 1000) / job.rate));
        sent++;
      }
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
  return {
    rps: ok / elapsed,
    p99: Math.round(p99 * 10) / 10,
    ok,
    non2xx,
    errors,
    timeouts: 0,
  };
}

process.on('message', (job: LoadJob) => {
  (job.paced && job.rate ? runPaced({ ...job, rate: job.rate }) : run(job)).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
