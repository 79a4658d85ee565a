/**
 * The benchmark's load generator, run as a child process (`fork`) so the servers measured have the
 * parent's event loop to themselves: autocannon's own work (sockets, timers, histograms) would
 * otherwise be charged to every server it loads. Takes one job per message, answers its result.
 */
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

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
