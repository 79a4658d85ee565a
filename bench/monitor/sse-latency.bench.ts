/**
 * Monitoring end to end (`npm run bench:monitor-sse`): how long from an access check's answer to
 * its alert on the SOC's live feed, with the composed server under 2,000 checks/s.
 *
 * The composed server (`createQalqan`, embedded bus, SQLite in a temporary data dir) listens on
 * loopback with a minimal registry (a bank, its core-banking system, staff tokens). The SOC plants
 * honeytoken subjects and subscribes to `/v1/monitor/alerts/stream` with a staff session cookie,
 * as the console does. A driver then sends checks over HTTP through `POST /v1/access-checks/batch`
 * in small batches paced to the target rate (the single-check path cannot carry 2,000/s on this
 * machine today); a few checks per second touch a honeytoken, each by an actor of its own — the
 * rule's dedup groups by operator and actor, so every planted check raises an alert of its own
 * (`honeytoken-touched:<checkId>`). Latency = the alert's arrival on the SSE feed minus the
 * answer of the batch that carried its check (negative when the alert beats the answer).
 *
 * Options: --rate N (checks/s, default 2000), --seconds N (default 20), --batch N (default 50),
 * --planted N (planted checks per second, default 4). Bounded: the run stops after --seconds,
 * waits at most 15 s for outstanding alerts, and never holds more than 32 batches in flight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { loadConfig } from '../../src/config/config.js';
import { createQalqan, listen } from '../../src/server.js';
import { kycCheck, loadMinimalWorld } from '../../test/support/minimal-world.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: a positive number`);
  return value;
};
const RATE = option('rate', 2000);
const SECONDS = option('seconds', 20);
const BATCH = option('batch', 50);
const PLANTED_PER_SECOND = option('planted', 4);
const MAX_IN_FLIGHT = 32;
const DRAIN_MS = 15_000;
const SUBJECTS = 500;
const ACTORS = 500;
const HONEYTOKENS = 50;

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** `n` distinct valid IINs born on `birthDate` (a serial without a valid check digit is skipped). */
function distinctIins(birthDate: string, n: number): string[] {
  const found = new Set<string>();
  for (let serial = 1; found.size < n; serial += 1) found.add(iinBornOn(birthDate, serial));
  return [...found];
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-sse-bench-'));
const qalqan = await createQalqan(
  loadConfig({ QALQAN_DATA_DIR: dataDir, QALQAN_PORT: '0', QALQAN_LOG_LEVEL: 'silent' }),
  { logger: false },
);
try {
  const base = await listen(qalqan);
  const world = await loadMinimalWorld(qalqan);
  const asSystem = {
    authorization: `Bearer ${world.apiKey}`,
    'content-type': 'application/json',
  };

  // The SOC plants the honeytokens (by IIN; kept as pseudonyms) before the load starts.
  const honeytokens = distinctIins('1971-07-07', HONEYTOKENS);
  for (const iin of honeytokens) {
    const res = await fetch(`${base}/v1/monitor/honeytokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.staff.soc}`, 'content-type': 'application/json' },
      body: JSON.stringify({ iin, label: 'bench decoy' }),
    });
    if (res.status !== 201) throw new Error(`honeytoken: ${res.status} ${await res.text()}`);
  }
  const subjects = distinctIins('1985-03-03', SUBJECTS);

  // Warm-up, not measured: every subject registered (a first check on an IIN registers it).
  for (let i = 0; i < SUBJECTS; i += BATCH) {
    const res = await fetch(`${base}/v1/access-checks/batch`, {
      method: 'POST',
      headers: asSystem,
      body: JSON.stringify({
        checks: subjects.slice(i, i + BATCH).map((subject) => kycCheck(subject, `warm-up-${i}`)),
      }),
    });
    if (res.status !== 200) throw new Error(`warm-up: ${res.status} ${await res.text()}`);
  }

  // A staff session, as the console holds it: the token once, then the cookie.
  const session = await fetch(`${base}/v1/staff/session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.staff.soc}` },
  });
  if (session.status !== 201) throw new Error(`staff session: ${session.status}`);
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!;

  // The live feed: each alert's arrival time by alert id.
  const arrived = new Map<string, number>();
  let feedEvents = 0;
  const controller = new AbortController();
  const stream = await fetch(`${base}/v1/monitor/alerts/stream`, {
    headers: { cookie, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (stream.status !== 200) throw new Error(`feed: ${stream.status}`);
  const reading = (async () => {
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const now = performance.now();
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!/^event: alert$/m.test(frame)) continue;
          feedEvents += 1;
          const id = /^id: (.*)$/m.exec(frame)?.[1];
          if (id && !arrived.has(id)) arrived.set(id, now);
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();

  // The load: batches on a fixed schedule (open loop), at most MAX_IN_FLIGHT outstanding.
  const answeredAt = new Map<string, number>(); // planted check id -> its batch's answer
  const batchMs: number[] = [];
  let sent = 0;
  let answered = 0;
  let failed = 0;
  let skipped = 0;
  let inFlight = 0;
  let planted = 0;
  const intervalMs = (BATCH / RATE) * 1000;
  const plantEvery = Math.max(1, Math.round(RATE / BATCH / PLANTED_PER_SECOND));
  const pending = new Set<Promise<void>>();
  const sendBatch = (n: number) => {
    const checks = Array.from({ length: BATCH }, (_, i) => {
      const k = n * BATCH + i;
      return kycCheck(subjects[k % SUBJECTS]!, `clerk-${k % ACTORS}`);
    });
    const plantedHere = n % plantEvery === 0;
    if (plantedHere) {
      checks[0] = kycCheck(honeytokens[planted % HONEYTOKENS]!, `planted-${planted}`);
      planted += 1;
    }
    const started = performance.now();
    inFlight += 1;
    sent += checks.length;
    const done = fetch(`${base}/v1/access-checks/batch`, {
      method: 'POST',
      headers: asSystem,
      body: JSON.stringify({ checks }),
    })
      .then(async (res) => {
        const at = performance.now();
        if (res.status !== 200) {
          failed += checks.length;
          await res.text();
          return;
        }
        const body = (await res.json()) as { results: { checkId: string }[] };
        answered += body.results.length;
        batchMs.push(at - started);
        if (plantedHere) answeredAt.set(body.results[0]!.checkId, at);
      })
      .catch(() => {
        failed += checks.length;
      })
      .finally(() => {
        inFlight -= 1;
        pending.delete(done);
      });
    pending.add(done);
  };

  console.log(
    `driving ${RATE} checks/s for ${SECONDS} s in batches of ${BATCH} (one every ${intervalMs.toFixed(1)} ms), ` +
      `${PLANTED_PER_SECOND} planted honeytoken checks/s; load before: ${load()}`,
  );
  const startedAt = performance.now();
  const total = Math.round((SECONDS * RATE) / BATCH);
  for (let n = 0; n < total; n += 1) {
    const due = startedAt + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped += BATCH; // the server is behind: the schedule is not met, and this says by how much
      continue;
    }
    sendBatch(n);
  }
  await Promise.all([...pending]);
  const elapsedS = (performance.now() - startedAt) / 1000;
  const loadDuring = load();

  // Outstanding alerts: wait (bounded) for every planted check's alert.
  const alertIdOf = (checkId: string) => `honeytoken-touched:${checkId}`;
  const drainUntil = performance.now() + DRAIN_MS;
  while (
    [...answeredAt.keys()].some((id) => !arrived.has(alertIdOf(id))) &&
    performance.now() < drainUntil
  )
    await new Promise((resolve) => setTimeout(resolve, 50));
  controller.abort();
  await reading;

  const latencies = [...answeredAt]
    .filter(([id]) => arrived.has(alertIdOf(id)))
    .map(([id, at]) => arrived.get(alertIdOf(id))! - at)
    .sort((a, b) => a - b);
  const missing = answeredAt.size - latencies.length;
  const batches = [...batchMs].sort((a, b) => a - b);

  console.log(
    `\nchecks answered   ${answered} in ${elapsedS.toFixed(1)} s = ${(answered / elapsedS).toFixed(0)} checks/s (target ${RATE})`,
  );
  console.log(
    `  not sent (server behind, ${MAX_IN_FLIGHT} batches in flight) ${skipped}; failed ${failed}; sent ${sent}`,
  );
  console.log(
    `  batch answer     p50 ${ms(percentile(batches, 50))}  p99 ${ms(percentile(batches, 99))}`,
  );
  console.log(
    `planted alerts    ${latencies.length} of ${answeredAt.size} seen on the feed (${missing} missing after ${DRAIN_MS / 1000} s); feed alert events ${feedEvents}`,
  );
  console.log(
    `  answer -> SSE    p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}  ` +
      `max ${ms(latencies.at(-1) ?? NaN)}  min ${ms(latencies[0] ?? NaN)}`,
  );
  const p99 = percentile(latencies, 99);
  const rate = answered / elapsedS;
  const met = p99 < 1000 && missing === 0 && rate >= 2000 * 0.95;
  console.log(
    `issue 13's target (p99 < 1 s at 2,000 checks/s): ${met ? 'met' : 'NOT met'} — p99 ${ms(p99)} ` +
      `at ${rate.toFixed(0)} checks/s answered`,
  );
  console.log(`load average (1, 5, 15 min) during the run: ${loadDuring}`);
} finally {
  await qalqan.close();
  rmSync(dataDir, { recursive: true, force: true });
}
