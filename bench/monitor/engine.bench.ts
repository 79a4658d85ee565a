/**
 * Monitoring benchmark (`npm run bench:monitor`), with the full default rule pack loaded:
 *
 *  1. events/s through the engine on one core, in-process (parse, every rule, windows, alerts)
 *                                                                         target ≥ 100,000/s
 *  2. memory with 1,000,000 distinct subjects in the windows (heap after a full GC, bytes per
 *     subject, the engine's own counts)                                   bounded and reported
 *  3. JetStream: durable pull consumer, explicit acks — consume-and-ack rate alone, and with
 *     the engine between the two (nats://127.0.0.1:4222, or NATS_URL; skipped if unreachable)
 *
 * Options: --quick (smaller runs), --no-jetstream, --no-memory, --only id,id (load only those rules
 * of the pack: what each rule costs on its own). Run with --expose-gc for the memory figure.
 */
import { cpus } from 'node:os';

import { AckPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

import { DEFAULT_TAXONOMY } from '../../src/core/taxonomy.js';
import { connectJetStreamBus } from '../../src/events/jetstream.js';
import { createMonitorEngine, type MonitorEngine } from '../../src/monitor/engine.js';
import type { MonitorReferenceInput } from '../../src/monitor/reference.model.js';
import { readRuleSources } from '../../src/monitor/rule-files.js';
import { loadRules } from '../../src/monitor/rule-loader.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const THROUGHPUT_N = quick ? 200_000 : 2_000_000;
const MEMORY_SUBJECTS = quick ? 100_000 : 1_000_000;
const JETSTREAM_N = quick ? 20_000 : 200_000;
const CHUNK = 100_000;
const START = Date.parse('2026-03-02T04:00:00Z');

const loaded = loadRules(await readRuleSources());
if (loaded.problems.length > 0) throw new Error(`rule pack: ${JSON.stringify(loaded.problems)}`);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter((id) => id !== '') : null;
if (only !== null) {
  const unknown = only.filter((id) => !loaded.rules.some((rule) => rule.id === id));
  if (unknown.length > 0) {
    console.error(`--only: no rule ${unknown.join(', ')} in the pack`);
    process.exit(2);
  }
}
const rules = only === null ? loaded.rules : loaded.rules.filter((rule) => only.includes(rule.id));
for (const rule of rules) {
  const missing =
    rule.kind === 'correlation' ? rule.correlation.rules.filter((id) => !only?.includes(id)) : [];
  if (only !== null && missing.length > 0) {
    console.error(`--only: ${rule.id} counts ${missing.join(', ')}: list them too`);
    process.exit(2);
  }
}

const OPERATORS = 50;
const ACTORS_PER_OPERATOR = 40;
const reference: MonitorReferenceInput = {
  honeytokens: Array.from({ length: 100 }, (_, i) => `psn-honey-${i}`),
  protectedPersons: Array.from({ length: 1_000 }, (_, i) => `psn-vip-${i}`),
  staff: Object.fromEntries(
    Array.from({ length: OPERATORS }, (_, o) => [
      `op-${o}`,
      Array.from({ length: 200 }, (_, i) => `psn-staff-${o}-${i}`),
    ]),
  ),
  terminatedActors: Object.fromEntries(
    Array.from({ length: OPERATORS }, (_, o) => [`op-${o}`, [`actor-${o}-gone`]]),
  ),
  knownDestinations: Object.fromEntries(
    Array.from({ length: OPERATORS }, (_, o) => [`sys-${o}`, ['DE']]),
  ),
  workingHours: Object.fromEntries(
    Array.from({ length: OPERATORS }, (_, o) => [
      `op-${o}`,
      { timeZone: 'Asia/Almaty', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
    ]),
  ),
  purposeCategories: Object.fromEntries(
    DEFAULT_TAXONOMY.purposes.map((p) => [p.code, p.categories]),
  ),
};
const PURPOSES = DEFAULT_TAXONOMY.purposes.map((p) => ({
  code: p.code,
  categories: p.categories.slice(0, 2),
}));

/** A pseudo-random but reproducible stream: mostly permitted reads, some denies, exports, transfers. */
function accessEvent(n: number, atMs: number, subject: string) {
  const h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const operator = h % OPERATORS;
  const purpose = PURPOSES[(h >>> 8) % PURPOSES.length]!;
  const kind = (h >>> 16) % 100;
  return {
    id: `evt-${n}`,
    type: 'access.checked',
    at: new Date(atMs).toISOString(),
    data: {
      subject,
      actor: { id: `actor-${operator}-${(h >>> 4) % ACTORS_PER_OPERATOR}` },
      system: `sys-${operator}`,
      operator: `op-${operator}`,
      purpose: purpose.code,
      categories: purpose.categories,
      action: kind < 85 ? 'read' : kind < 95 ? 'search' : kind < 98 ? 'export' : 'transfer',
      ...(kind >= 95 && kind < 98 ? { recordCount: (h >>> 20) % 2_000 } : {}),
      // As the access module reports it: DE is on the adequacy list, CN is not.
      ...(kind >= 98 ? { country: kind === 98 ? 'DE' : 'CN', countryAdequate: kind === 98 } : {}),
      decision: kind % 20 === 0 ? 'deny' : 'permit',
    },
  };
}

function heapMiB(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  // Typed arrays' stores live outside the JS heap (the slabs of `distinct-table.ts`): counted too.
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
}

/**
 * Wall-clock rate and CPU rate (events per second of this process's CPU time). The machine is
 * shared: under load the wall-clock figure measures the neighbours too; the CPU figure is what
 * one core of our own does.
 */
function runThroughput(): { rate: number; cpuRate: number; alerts: number; engine: MonitorEngine } {
  const engine = createMonitorEngine({ rules, reference });
  let elapsed = 0n;
  let cpuMicros = 0;
  let alerts = 0;
  for (let offset = 0; offset < THROUGHPUT_N; offset += CHUNK) {
    // 2,000 checks a second of event time; a subject population of 5 million.
    const events = Array.from({ length: Math.min(CHUNK, THROUGHPUT_N - offset) }, (_, i) => {
      const n = offset + i;
      return accessEvent(
        n,
        START + Math.floor(n / 2),
        `psn-${(Math.imul(n, 2654435761) >>> 0) % 5_000_000}`,
      );
    });
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    for (const event of events) {
      const result = engine.process(event);
      if (result.status === 'processed') alerts += result.alerts.length;
    }
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
    elapsed += process.hrtime.bigint() - started;
  }
  return {
    rate: THROUGHPUT_N / (Number(elapsed) / 1e9),
    cpuRate: THROUGHPUT_N / (cpuMicros / 1e6),
    alerts,
    engine,
  };
}

function runMemory(): void {
  const before = heapMiB();
  const engine = createMonitorEngine({ rules, reference });
  // Every subject distinct, all within one hour of event time: the windows hold them all.
  const spacing = 3_600_000 / MEMORY_SUBJECTS;
  for (let offset = 0; offset < MEMORY_SUBJECTS; offset += CHUNK) {
    for (let i = 0; i < CHUNK && offset + i < MEMORY_SUBJECTS; i += 1) {
      const n = offset + i;
      engine.process(accessEvent(n, START + Math.floor(n * spacing), `psn-distinct-${n}`));
    }
  }
  const after = heapMiB();
  const stats = engine.stats();
  const bytes = ((after - before) * 2 ** 20) / MEMORY_SUBJECTS;
  console.log(
    `memory, ${MEMORY_SUBJECTS.toLocaleString('en')} distinct subjects in 1 h: heap and array buffers +${(after - before).toFixed(0)} MiB ` +
      `(${bytes.toFixed(0)} B/subject${globalThis.gc ? '' : ', no --expose-gc: approximate'}), ` +
      `groups ${stats.groups.toLocaleString('en')}, window entries ${stats.windowEntries.toLocaleString('en')}, ` +
      `remembered ids ${stats.seenIds.toLocaleString('en')}, evicted groups ${stats.evictedGroups}, window overflow ${stats.windowOverflow}, ` +
      `RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
  );
}

async function runJetStream(): Promise<void> {
  const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  let nc;
  try {
    nc = await connect({ servers, timeout: 2_000 });
  } catch (error) {
    console.log(`jetstream: skipped (${servers} unreachable: ${String(error)})`);
    return;
  }
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const name = `bench_monitor_${process.pid}`;
  const subject = `bench.monitor.${process.pid}.access`;
  try {
    await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File });
    const payloads = Array.from({ length: JETSTREAM_N }, (_, n) =>
      JSON.stringify(accessEvent(n, START + n, `psn-${n % 100_000}`)),
    );
    const meanBytes = payloads.reduce((sum, p) => sum + Buffer.byteLength(p), 0) / JETSTREAM_N;
    // Core publishes into the stream's subject, then wait until the stream holds them all.
    for (const payload of payloads) nc.publish(subject, payload);
    await nc.flush();
    for (let tries = 0; (await jsm.streams.info(name)).state.messages < JETSTREAM_N; tries += 1) {
      if (tries > 600) throw new Error('the stream did not fill');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const consumeAll = async (durable: string, engine: MonitorEngine | null): Promise<number> => {
      await jsm.consumers.add(name, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        max_ack_pending: 20_000,
      });
      const consumer = await js.consumers.get(name, durable);
      const started = process.hrtime.bigint();
      const messages = await consumer.consume({ max_messages: 5_000 });
      let count = 0;
      for await (const message of messages) {
        const event: unknown = message.json();
        engine?.process(event);
        message.ack();
        if (++count === JETSTREAM_N) break;
      }
      return JETSTREAM_N / (Number(process.hrtime.bigint() - started) / 1e9);
    };
    const bare = await consumeAll('bench-bare', null);
    const withEngine = await consumeAll('bench-engine', createMonitorEngine({ rules, reference }));
    console.log(
      `jetstream (${JETSTREAM_N.toLocaleString('en')} events of ${meanBytes.toFixed(0)} B, file storage, durable pull consumer, explicit acks): ` +
        `consume+ack ${Math.round(bare).toLocaleString('en')}/s; consume+engine+ack ${Math.round(withEngine).toLocaleString('en')}/s`,
    );
  } finally {
    await jsm.streams.delete(name).catch(() => false);
    await nc.close();
  }
  await runFeedPath(servers);
}

/**
 * The monitor's own JetStream path (src/events/jetstream.ts): publish through the bus (stream ack
 * per event, Nats-Msg-Id), then the durable consumer's batches as the evaluator pulls them, acked
 * after each batch — bare, and with the engine in the handler.
 */
async function runFeedPath(servers: string): Promise<void> {
  const stream = `BENCH_FEED_${process.pid}`;
  const bus = await connectJetStreamBus({ servers, stream, prefix: `benchfeed${process.pid}` });
  try {
    await bus.ensureStream();
    const events = Array.from({ length: JETSTREAM_N }, (_, n) =>
      accessEvent(n, START + n, `psn-${n % 100_000}`),
    );
    const published = process.hrtime.bigint();
    // 200 at a time: under heavy load, 1,000 concurrent publishes waited past the 5 s ack timeout.
    for (let i = 0; i < events.length; i += 200) await bus.publish(events.slice(i, i + 200));
    const publishRate = JETSTREAM_N / (Number(process.hrtime.bigint() - published) / 1e9);
    const consume = async (durable: string, engine: MonitorEngine | null): Promise<number> => {
      await bus.ensureDurable({ durable });
      const controller = new AbortController();
      let count = 0;
      const started = process.hrtime.bigint();
      await bus.consume(durable, {
        signal: controller.signal,
        async deliver(batch) {
          if (engine) for (const delivered of batch) engine.process(delivered.input);
          count += batch.length;
          if (count >= JETSTREAM_N) controller.abort();
        },
      });
      return JETSTREAM_N / (Number(process.hrtime.bigint() - started) / 1e9);
    };
    const bare = await consume('bench-feed-bare', null);
    const withEngine = await consume(
      'bench-feed-engine',
      createMonitorEngine({ rules, reference }),
    );
    console.log(
      `jetstream, the monitor's feed path (connectJetStreamBus): publish with stream acks ${Math.round(publishRate).toLocaleString('en')}/s; ` +
        `durable batches consume+ack ${Math.round(bare).toLocaleString('en')}/s; consume+engine+ack ${Math.round(withEngine).toLocaleString('en')}/s`,
    );
  } finally {
    await bus.deleteStream();
    await bus.close();
  }
}

console.log(
  `monitor bench: ${rules.length} rules, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ` +
    `load average ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
const throughput = runThroughput();
const stats = throughput.engine.stats();
console.log(
  `engine, in-process: ${Math.round(throughput.rate).toLocaleString('en')} events/s wall clock, ` +
    `${Math.round(throughput.cpuRate).toLocaleString('en')} events per CPU second, over ${THROUGHPUT_N.toLocaleString('en')} events ` +
    `(target ≥ 100,000), ${throughput.alerts.toLocaleString('en')} alerts, ${stats.suppressed.toLocaleString('en')} suppressed, ` +
    `groups ${stats.groups.toLocaleString('en')}, window entries ${stats.windowEntries.toLocaleString('en')}, ` +
    `evicted groups ${stats.evictedGroups.toLocaleString('en')}`,
);
if (!args.includes('--no-memory')) runMemory();
if (!args.includes('--no-jetstream')) await runJetStream();
