/**
 * The rule evaluator: the one instance holding the leader lock reads the event feed into the
 * engine and stores what it raises; the others stand by and try the lock again every few hundred
 * milliseconds. On taking the lead (a start, a take-over, or a rule switched between shadow and
 * active) it builds a fresh engine and replays the feed from the longest window's start, so every
 * window is whole again; alerts are stored by their stable ids, so a replay stores nothing twice
 * and only alerts never stored before reach the listeners.
 *
 * A feed delivers batches in order and moves past a batch only once `deliver` has resolved — the
 * embedded log advances its cursor, JetStream acknowledges — so a crash in between means the batch
 * comes again, and the engine's and the store's idempotency by id make that harmless.
 */
import type { AlertRecord, AlertsStore } from './alerts.store.js';
import {
  createMonitorEngine,
  type EngineLimits,
  type MonitorAlert,
  type MonitorEngine,
  type SuppressedMatch,
} from './engine.js';
import type { LeaderLock, Lease } from './leader-lock.js';
import type { MonitorStore, RuleMode } from './monitor.store.js';
import type { MonitorReferenceInput } from './reference.model.js';
import type { Rule } from './rule.model.js';

export interface FeedRun {
  /** How far back from the feed's newest event the replay starts (the longest window). */
  readonly replayMs: number;
  /** Receives each batch in order; the feed moves on only after it resolves. */
  readonly deliver: (batch: readonly unknown[]) => Promise<void>;
  readonly signal: AbortSignal;
  /** Called once the replay is done and the feed follows live events. */
  readonly caughtUp: () => void;
}

export interface EventFeed {
  /** Replays, then follows the feed until the signal aborts; rejects on a failure of the feed. */
  run(run: FeedRun): Promise<void>;
}

export interface EvaluatorLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EvaluatorObserver {
  /** After each batch: how many events, how many parked, the newest event time processed. */
  batch(info: {
    readonly events: number;
    readonly parked: number;
    readonly newestAt: string | null;
  }): void;
  /** Each alert newly stored. */
  alert(alert: AlertRecord): void;
}

export interface EvaluatorDeps {
  /** The rules in force, read at every (re)build: shipped files and stored versions. */
  readonly rules: () => Promise<readonly Rule[]>;
  /**
   * The rule-change counter, bumped in the transaction of every rule change on any instance;
   * the leader polls it and rebuilds when it moves.
   */
  readonly rulesVersion: () => Promise<number>;
  /** How often the leader polls `rulesVersion`. Default 500 ms (a change on another instance is in force within about a second). */
  readonly rulesPollMs?: number;
  /** Current per-rule modes (a rule without an entry keeps its file's `shadow`). */
  readonly modes: () => Promise<ReadonlyMap<string, RuleMode>>;
  readonly reference: () => MonitorReferenceInput;
  readonly limits?: Partial<EngineLimits>;
  readonly feed: EventFeed;
  readonly lock: LeaderLock;
  readonly store: MonitorStore;
  readonly alerts: AlertsStore;
  readonly clock: () => Date;
  readonly log: EvaluatorLog;
  /** Every newly stored alert, in order; a failing listener is logged, never retried. */
  readonly onAlert: (alert: AlertRecord) => Promise<void>;
  readonly observer?: EvaluatorObserver;
  /** How often a standby tries the lock. Default 500 ms. */
  readonly standbyRetryMs?: number;
}

export type EvaluatorRole = 'leader' | 'standby' | 'stopped';

export interface Evaluator {
  start(): void;
  /** Rebuilds the engine (after a rule change) and replays; a standby does nothing. */
  rebuild(): void;
  stop(): Promise<void>;
  readonly role: EvaluatorRole;
  /** The leader's engine, for stats; null on a standby. */
  readonly engine: MonitorEngine | null;
  setReference(reference: MonitorReferenceInput): readonly string[];
  /** Resolves once this instance leads and has replayed what the feed held (tests, start-up). */
  whenLeading(): Promise<void>;
}

/** The longest stretch of the past a rule looks at: its correlation window or its dedup window. */
export function longestWindowMs(rules: readonly Rule[]): number {
  let longest = 0;
  for (const rule of rules) {
    longest = Math.max(longest, rule.dedup.windowMs);
    if (rule.kind === 'correlation') longest = Math.max(longest, rule.correlation.timespanMs);
  }
  return longest;
}

function idOf(input: unknown): string | null {
  if (typeof input === 'object' && input !== null && 'id' in input) {
    const { id } = input;
    if (typeof id === 'string') return id;
  }
  return null;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** How often a standby asks for the lead again. */
export const STANDBY_RETRY_MS = 500;
/** How often the leader reads the rule-change counter (changes made on other instances). */
export const RULES_POLL_MS = 500;

export function createEvaluator(deps: EvaluatorDeps): Evaluator {
  const retryMs = deps.standbyRetryMs ?? STANDBY_RETRY_MS;
  const rulesPollMs = deps.rulesPollMs ?? RULES_POLL_MS;
  const stopping = new AbortController();
  let role: EvaluatorRole = 'stopped';
  let engine: MonitorEngine | null = null;
  let run: AbortController | null = null;
  let rebuildWanted = false;
  let loop: Promise<void> | null = null;
  let leading: { promise: Promise<void>; resolve: () => void } = deferred();

  function deferred(): { promise: Promise<void>; resolve: () => void } {
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  /** The rules in force with their modes applied, and the rule-change counter they were read at. */
  async function readRules(): Promise<{ rules: readonly Rule[]; counter: number }> {
    // The counter before the rules: a change committed in between is seen by the next poll.
    const counter = await deps.rulesVersion();
    const inForce = await deps.rules();
    const modes = await deps.modes();
    const rules = inForce.map((rule) => {
      const mode = modes.get(rule.id);
      return mode === undefined ? rule : { ...rule, shadow: mode === 'shadow' };
    });
    return { rules, counter };
  }

  /** While leading: rebuilds when another instance (or this one) changed a rule. */
  function watchRules(since: number, signal: AbortSignal): void {
    const timer = setInterval(() => {
      deps.rulesVersion().then(
        (now) => {
          if (now !== since && !signal.aborted) {
            deps.log.info({ from: since, to: now }, 'monitor rules changed; rebuilding');
            rebuildWanted = true;
            run?.abort();
          }
        },
        (error: unknown) =>
          deps.log.warn({ err: error }, 'monitor evaluator could not read the rule version'),
      );
    }, rulesPollMs);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }

  async function deliver(current: MonitorEngine, batch: readonly unknown[]): Promise<void> {
    const alerts: MonitorAlert[] = [];
    const suppressed: SuppressedMatch[] = [];
    const parked: { eventId: string | null; reason: string; input: unknown }[] = [];
    let newestAt: string | null = null;
    for (const input of batch) {
      const result = current.process(input);
      if (result.status === 'processed') {
        alerts.push(...result.alerts);
        suppressed.push(...result.suppressed);
        const at = (input as { at?: unknown }).at;
        if (typeof at === 'string' && (newestAt === null || at > newestAt)) newestAt = at;
      } else if (result.status === 'parked') {
        parked.push({ eventId: idOf(input), reason: result.reason, input });
      }
    }
    // The store keeps them; the engine's own buffer is only for inspection.
    current.parked({ drain: true });
    const now = deps.clock().toISOString();
    await deps.store.park(parked, now);
    await deps.alerts.recordSuppressed(suppressed, now);
    for (const alert of alerts) {
      const stored = await deps.alerts.record(alert, now);
      if (!stored.created) continue;
      deps.observer?.alert(stored.alert);
      respond(stored.alert);
    }
    deps.observer?.batch({ events: batch.length, parked: parked.length, newestAt });
  }

  /**
   * Responses run behind the feed, one alert after another in the order they were raised. A
   * response writes its own rows and waits for the ledger, which can take far longer than
   * recording the alert; awaiting it inside `deliver` held every later event (and so every later
   * alert on the live feed) behind it — at four automatic responses a second the feed fell
   * seconds behind. The queue is drained before the lead is released and on stop, so no response
   * outlives the instance that raised its alert.
   */
  let responding: Promise<void> = Promise.resolve();
  function respond(alert: AlertRecord): void {
    responding = responding
      .then(() => deps.onAlert(alert))
      .catch((error: unknown) => {
        deps.log.error({ err: error, alertId: alert.id }, 'monitor alert listener failed');
      });
  }

  async function lead(lease: Lease): Promise<void> {
    let lost = false;
    void lease.lost.then(() => {
      lost = true;
      run?.abort();
    });
    while (!stopping.signal.aborted && !lost) {
      rebuildWanted = false;
      const { rules, counter } = await readRules();
      // A stop (or a lost lease) while the rules were read: its abort found no run to end, and an
      // 'abort' listener added now would never fire, so the new run would never stop.
      if (stopping.signal.aborted || lost) break;
      // A change made here while the rules were read (a mode switch's `rebuild()`) found no run to
      // abort either, and what was read may predate it: the run would keep the old rules until
      // the counter's next poll, and every event in between would meet them. Read again.
      if (rebuildWanted) continue;
      // Built with no await between here and `engine = current`, so a `setReference` arriving
      // meanwhile either is in `deps.reference()` already or reaches this engine.
      const current = createMonitorEngine({
        rules,
        reference: deps.reference(),
        ...(deps.limits ? { limits: deps.limits } : {}),
      });
      const replayMs = longestWindowMs(rules);
      engine = current;
      run = new AbortController();
      const signal = run.signal;
      const onStop = () => run?.abort();
      stopping.signal.addEventListener('abort', onStop, { once: true });
      watchRules(counter, signal);
      try {
        await deps.feed.run({
          replayMs,
          signal,
          deliver: (batch) => deliver(current, batch),
          caughtUp: () => leading.resolve(),
        });
      } finally {
        stopping.signal.removeEventListener('abort', onStop);
      }
      if (!rebuildWanted) break;
      deps.log.info({}, 'monitor evaluator rebuilding its engine (the rules changed)');
    }
  }

  async function main(): Promise<void> {
    while (!stopping.signal.aborted) {
      let lease: Lease | null = null;
      try {
        lease = await deps.lock.tryAcquire();
      } catch (error) {
        deps.log.warn({ err: error }, 'monitor evaluator could not ask for the lead');
      }
      if (!lease) {
        role = 'standby';
        await sleep(retryMs, stopping.signal);
        continue;
      }
      role = 'leader';
      deps.log.info({}, 'monitor evaluator leads');
      try {
        await lead(lease);
      } catch (error) {
        deps.log.error({ err: error }, 'monitor evaluator stopped on a failure; will retry');
      } finally {
        engine = null;
        run = null;
        await responding;
        await lease.release().catch(() => undefined);
        if (!stopping.signal.aborted) role = 'standby';
        leading = deferred();
      }
      await sleep(retryMs, stopping.signal);
    }
    role = 'stopped';
  }

  return {
    start() {
      if (loop) return;
      role = 'standby';
      loop = main();
    },
    rebuild() {
      if (role !== 'leader') return;
      rebuildWanted = true;
      run?.abort();
    },
    async stop() {
      stopping.abort();
      run?.abort();
      await loop;
      await responding;
      role = 'stopped';
    },
    get role() {
      return role;
    },
    get engine() {
      return engine;
    },
    setReference(reference) {
      return engine ? engine.setReference(reference) : [];
    },
    whenLeading() {
      return leading.promise;
    },
  };
}
