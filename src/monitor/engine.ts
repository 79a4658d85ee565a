/**
 * The monitoring engine: events in, alerts out. Deterministic — it reads no clock; windows slide
 * on the events' own `at` — so a replay of the same stream gives the same alerts with the same
 * ids. Idempotent by event id (a redelivered event changes nothing), bounded in memory (a cap per
 * window, a cap on groups with least-recently-touched eviction, a cap on remembered ids), and it
 * never drops what it cannot read: such an input is counted and parked for inspection.
 *
 *   const engine = createMonitorEngine({ rules: loadRules(sources).rules, reference });
 *   const { alerts } = engine.process(domainEvent);
 *
 * Alerts of non-shadow rules are fed back as `monitor.alert` events (up to two levels deep), so a
 * correlation can count alerts (multi-incident, repeat offender); a rule never counts its own.
 */
import { generateDetection } from './detection-codegen.js';
import { accessorOf, type Accessor, type EventPredicate, type MatchContext } from './matcher.js';
import { MONITOR_ALERT, parseMonitorEvent, type MonitorEvent } from './monitor-event.js';
import { compileReference, deriveField, LocalClock, type CompiledReference } from './reference.js';
import type { DerivedField, MonitorReferenceInput } from './reference.model.js';
import type {
  CorrelationRule,
  CorrelationSpec,
  FieldValue,
  Level,
  Rule,
  RuleResponse,
} from './rule.model.js';
import {
  generatePlan,
  interpretPlan,
  planRules,
  type PlanHelpers,
  type PlannedEvaluator,
  type PlanRule,
} from './rule-plan.js';
import { DistinctTable } from './distinct-table.js';
import { GroupTable } from './group-table.js';
import { OpenFilter } from './open-filter.js';
import { SeenIds } from './seen-ids.js';
import {
  CountWindow,
  DistinctWindow,
  TemporalWindow,
  type DedupMemo,
  type GroupWindow,
} from './windows.js';

export interface MonitorAlert {
  /** `<ruleId>:<id of the event that raised it>`: stable across replays. */
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly level: Level;
  /** The rule's group-by values joined; '' for a rule without grouping. */
  readonly groupKey: string;
  readonly group: Readonly<Record<string, FieldValue>>;
  /** Ids of the events behind the alert (the newest, at most 100). */
  readonly events: readonly string[];
  /**
   * How many events the window held — for event_count at most the threshold (only the newest
   * threshold-many are kept, which decides the rule exactly); distinct values for value_count.
   */
  readonly count: number;
  /** The time of the event that raised it. */
  readonly at: string;
  readonly shadow: boolean;
  /** What the rule asks for; always empty for a shadow rule, which must never act. */
  readonly responses: readonly RuleResponse[];
  /** Who and what, from the raising event (pseudonyms only). */
  readonly context: {
    readonly actorId?: string;
    readonly actorPseudonym?: string;
    readonly operator?: string;
    readonly system?: string;
    readonly subject?: string;
  };
}

/** A match the dedup window folded into an alert already raised. */
export interface SuppressedMatch {
  readonly ruleId: string;
  readonly alertId: string;
  readonly eventId: string;
}

export interface ParkedEvent {
  readonly reason: string;
  readonly id?: string;
  /** The input as received, for an analyst (events hold pseudonyms only). */
  readonly input: unknown;
}

export type ProcessResult =
  | {
      readonly status: 'processed';
      readonly alerts: readonly MonitorAlert[];
      readonly suppressed: readonly SuppressedMatch[];
    }
  | { readonly status: 'duplicate' }
  | { readonly status: 'parked'; readonly reason: string };

export interface EngineLimits {
  /** Entries one group's window may hold (≥ every threshold). */
  readonly maxWindowEntries: number;
  /** Groups across all correlation rules; beyond it the least recently touched go first. */
  readonly maxGroups: number;
  /** Event ids remembered to recognise redeliveries (past it, the oldest time slice goes whole). */
  readonly maxSeenIds: number;
  /** How far behind the newest event a redelivery is still recognised; older events are parked as late. */
  readonly dedupHorizonMs: number;
  /** Parked inputs kept for inspection (all are counted). */
  readonly maxParked: number;
  /** Live dedup entries. */
  readonly maxSuppressions: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxWindowEntries: 10_000,
  maxGroups: 2_000_000,
  maxSeenIds: 1_000_000,
  dedupHorizonMs: 3_600_000,
  maxParked: 10_000,
  maxSuppressions: 1_000_000,
};

export interface RuleStats {
  readonly alerts: number;
  readonly suppressed: number;
  readonly groups: number;
}

export interface EngineStats {
  readonly processed: number;
  readonly duplicates: number;
  readonly parked: number;
  readonly late: number;
  readonly alerts: number;
  readonly suppressed: number;
  /** Groups pushed out by `maxGroups` before their window ended (information lost). */
  readonly evictedGroups: number;
  /** Entries pushed out of full windows. */
  readonly windowOverflow: number;
  readonly groups: number;
  readonly windowEntries: number;
  readonly seenIds: number;
  /** Rule plans compiled (one per set of rules some event type runs; see `rule-plan.ts`). */
  readonly plans: number;
  readonly suppressions: number;
  readonly parkedHeld: number;
  /** Newest event time seen (ISO), null before the first. */
  readonly watermark: string | null;
  readonly rules: Readonly<Record<string, RuleStats>>;
}

export interface MonitorEngine {
  /** Evaluates one delivered event (a `DomainEvent`, or anything: what cannot be read is parked). */
  process(input: unknown): ProcessResult;
  /** Replaces the reference data; returns its problems (entries left out). */
  setReference(reference: MonitorReferenceInput): string[];
  /** The parked inputs held, oldest first; `drain` empties the buffer (the counts stay). */
  parked(options?: { drain?: boolean }): ParkedEvent[];
  stats(): EngineStats;
  readonly rules: readonly Rule[];
}

export interface MonitorEngineOptions {
  readonly rules: readonly Rule[];
  readonly reference?: MonitorReferenceInput;
  readonly limits?: Partial<EngineLimits>;
  /**
   * For tests: how rules are run over an event. `generated` (the default): a generated function
   * per event type (`rule-plan.ts`); `loop`: the same plans as loops (the fallback where code
   * cannot be generated); `reference`: the plain loop over every rule, which the others match.
   */
  readonly evaluator?: 'generated' | 'loop' | 'reference';
}

/** Group-by fields compiled; rules grouping by the same fields share a slot, so one event's key is built once. */
interface KeySpec {
  readonly slot: number;
  readonly accessors: readonly Accessor[];
}

interface CompiledRule {
  readonly rule: Rule;
  readonly index: number;
  /** Own detection (a detection rule's, or a correlation's filter). */
  readonly detect: EventPredicate | null;
  /** For correlations naming rules: their indexes. */
  readonly steps: readonly number[];
  readonly groupBy: KeySpec;
  readonly dedupBy: KeySpec;
  readonly valueOf: Accessor | null;
  /**
   * Shared by correlations that count the same thing (same feed, kind, grouping, field and
   * timespan; e.g. the 200- and the 1,000-subject harvesting rules): one window per group serves
   * them all, each comparing it with its own threshold.
   */
  readonly groups: Groups;
  readonly newWindow: (rule: CompiledRule) => GroupWindow;
  /** Live dedup entries of this rule, by dedup key (see `Suppression`). */
  readonly suppressions: Map<string, Suppression>;
  /**
   * Whether the rule's dedup key is its group's key (dedup by the correlation's own group-by):
   * its entry is then also remembered on the group's window, found there without hashing.
   */
  readonly dedupOnWindow: boolean;
  /**
   * For `temporal_ordered`: open groups counted per value of the last group-by field (e.g. the
   * subject) in a counting filter, so a later step looks its group up — and builds the full key —
   * only when one may exist (a collision costs only that lookup, which then finds no group).
   */
  readonly openBy: OpenFilter | null;
  readonly openField: Accessor | null;
  alerts: number;
  suppressed: number;
}

/**
 * A dedup entry: alerts of `rule` about `key` fold into `alertId` until `until`. Entries are also
 * queued in creation order across rules, so expiry and the global cap take the oldest first; an
 * entry replaced by a newer one for the same key stays in the queue, `dead`, until it reaches the
 * front. `dead` is set as an entry leaves `rule.suppressions`, which also tells a window that
 * remembers the entry (`DedupMemo`) to forget it.
 */
interface Suppression extends DedupMemo {
  readonly rule: CompiledRule;
  readonly key: string;
  readonly until: number;
  readonly alertId: string;
}

/** A value_count rule's groups are a `DistinctTable` (a slab), the other kinds' a `GroupTable`. */
type Groups = GroupTable<GroupWindow> | DistinctTable;

/** Alerts raise alerts at most this deep (an alert about alerts about events). */
const MAX_FEEDBACK_DEPTH = 2;
const KEY_SEPARATOR = '\u001f';
/** Expiry steps per event: keeps the cost per event flat while stale groups drain away. */
const EXPIRY_BUDGET = 8;
/** Event types planned (see `rule-plan.ts`); past it, the plans are made again as types come. */
const MAX_PLANS = 64;

export function createMonitorEngine(options: MonitorEngineOptions): MonitorEngine {
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const ruleIndex = new Map(options.rules.map((rule, index) => [rule.id, index]));
  for (const rule of options.rules) {
    if (rule.kind === 'correlation' && rule.correlation.threshold > limits.maxWindowEntries) {
      throw new RangeError(
        `rule '${rule.id}': threshold ${rule.correlation.threshold} exceeds the window cap ${limits.maxWindowEntries}`,
      );
    }
  }
  const keySlots = new Map<string, number>();
  const keySpec = (fields: readonly string[]): KeySpec => {
    const signature = fields.join('\n');
    let slot = keySlots.get(signature);
    if (slot === undefined) {
      slot = keySlots.size;
      keySlots.set(signature, slot);
    }
    return { slot, accessors: fields.map(accessorOf) };
  };
  // Correlations counting the same thing share their group table (see CompiledRule.groups).
  const sharedTables = new Map<string, Groups>();
  const capacities = new Map<string, number>();
  const shareKeyOf = (rule: Rule): string | null => {
    if (rule.kind !== 'correlation') return null;
    const c = rule.correlation;
    if (c.type !== 'event_count' && c.type !== 'value_count') return null;
    const detection = rule.detection
      ? { s: [...rule.detection.selections], c: rule.detection.condition }
      : null;
    return JSON.stringify([c.type, c.rules, c.groupBy, c.field ?? null, c.timespanMs, detection]);
  };
  for (const rule of options.rules) {
    const share = shareKeyOf(rule);
    if (share !== null && rule.kind === 'correlation')
      capacities.set(share, Math.max(capacities.get(share) ?? 0, rule.correlation.threshold));
  }
  const tableFor = (rule: Rule): Groups => {
    const timespan = rule.kind === 'correlation' ? rule.correlation.timespanMs : 1;
    const newTable = (): Groups =>
      rule.kind === 'correlation' && rule.correlation.type === 'value_count'
        ? new DistinctTable(timespan)
        : new GroupTable(timespan);
    const share = shareKeyOf(rule);
    if (share === null) return newTable();
    let table = sharedTables.get(share);
    if (table === undefined) {
      table = newTable();
      sharedTables.set(share, table);
    }
    return table;
  };
  const windowFactory = (rule: Rule): ((compiledRule: CompiledRule) => GroupWindow) => {
    if (rule.kind !== 'correlation') return () => new CountWindow(1);
    const spec = rule.correlation;
    switch (spec.type) {
      case 'event_count': {
        const capacity = capacities.get(shareKeyOf(rule)!) ?? spec.threshold;
        return () => new CountWindow(capacity);
      }
      case 'value_count':
        // Not called: a value_count group's window is made by its `DistinctTable` when needed.
        return () => new DistinctWindow();
      case 'temporal':
      case 'temporal_ordered': {
        const ordered = spec.type === 'temporal_ordered';
        return (compiledRule) => new TemporalWindow(compiledRule.steps.length, ordered);
      }
    }
  };
  const compiled: CompiledRule[] = options.rules.map((rule, index) => {
    const groupBy = keySpec(rule.kind === 'correlation' ? rule.correlation.groupBy : []);
    const dedupBy = keySpec(rule.dedup.groupBy);
    return {
      rule,
      index,
      detect: rule.detection ? generateDetection(rule.detection) : null,
      steps:
        rule.kind === 'correlation'
          ? rule.correlation.rules.map((id) => {
              const step = ruleIndex.get(id);
              if (step === undefined)
                throw new RangeError(`rule '${rule.id}' names the missing rule '${id}'`);
              return step;
            })
          : [],
      groupBy,
      dedupBy,
      valueOf:
        rule.kind === 'correlation' && rule.correlation.field
          ? accessorOf(rule.correlation.field)
          : null,
      groups: tableFor(rule),
      newWindow: windowFactory(rule),
      suppressions: new Map(),
      // The same fields share a key slot: the dedup key is then the group's own key.
      dedupOnWindow:
        rule.kind === 'correlation' && rule.dedup.windowMs > 0 && dedupBy.slot === groupBy.slot,
      openBy:
        rule.kind === 'correlation' && rule.correlation.type === 'temporal_ordered'
          ? new OpenFilter()
          : null,
      openField:
        rule.kind === 'correlation' && rule.correlation.type === 'temporal_ordered'
          ? accessorOf(rule.correlation.groupBy.at(-1)!)
          : null,
      alerts: 0,
      suppressed: 0,
    };
  });
  const correlations = compiled.filter((c) => c.rule.kind === 'correlation');
  const matchedAt = Array.from(
    { length: MAX_FEEDBACK_DEPTH + 1 },
    () => new Uint8Array(compiled.length),
  );
  // The usual answer (nothing raised) is one shared object; alerts are collected in scratch arrays.
  const NOTHING: ProcessResult = Object.freeze({
    status: 'processed',
    alerts: Object.freeze([]),
    suppressed: Object.freeze([]),
  });
  const DUPLICATE: ProcessResult = Object.freeze({ status: 'duplicate' });
  const scratchAlerts: MonitorAlert[] = [];
  const scratchSuppressed: SuppressedMatch[] = [];

  let reference: CompiledReference = compileReference(options.reference).reference;
  const clock = new LocalClock();
  const context: MatchContext = {
    get reference() {
      return reference;
    },
    get(event, field) {
      let value = event.derived[field];
      if (value === undefined) {
        value = deriveField(field as DerivedField, event, reference, clock);
        event.derived[field] = value;
      }
      return value;
    },
  };

  // Ids remembered for redeliveries, by slice of event time (see `seen-ids.ts`).
  const seen = new SeenIds(limits.dedupHorizonMs, limits.maxSeenIds);
  // Dedup entries in creation order (live and replaced ones; see `Suppression`).
  let suppressionQueue: Suppression[] = [];
  let suppressionHead = 0;
  let liveSuppressions = 0;
  const parkedInputs: ParkedEvent[] = [];
  let watermark = Number.NEGATIVE_INFINITY;
  let expiryCursor = 0;
  const counters = {
    processed: 0,
    duplicates: 0,
    parked: 0,
    late: 0,
    alerts: 0,
    suppressed: 0,
    evictedGroups: 0,
    windowOverflow: 0,
    groups: 0,
    windowEntries: 0,
  };

  function park(reason: string, input: unknown, id?: string): ProcessResult {
    counters.parked += 1;
    if (reason.startsWith('late')) counters.late += 1;
    parkedInputs.push({ reason, ...(id !== undefined ? { id } : {}), input });
    if (parkedInputs.length > limits.maxParked) parkedInputs.shift();
    return { status: 'parked', reason };
  }

  function keyOf(spec: KeySpec, event: MonitorEvent): string | null {
    const cached = event.keys[spec.slot];
    if (cached !== undefined) return cached;
    const key = buildKey(spec.accessors, event);
    event.keys[spec.slot] = key;
    return key;
  }

  function buildKey(accessors: readonly Accessor[], event: MonitorEvent): string | null {
    if (accessors.length === 0) return '';
    let key = '';
    for (let i = 0; i < accessors.length; i += 1) {
      const value = accessors[i]!(event, context);
      // An event without a group-by value belongs to no group: lumping all of them into one
      // would raise alerts about nobody.
      if (value === undefined || value === null || (Array.isArray(value) && value.length === 0))
        return null;
      key +=
        (i === 0 ? '' : KEY_SEPARATOR) + (Array.isArray(value) ? value.join(',') : String(value));
    }
    return key;
  }

  const dropped = (window: GroupWindow): void => {
    counters.groups -= 1;
    counters.windowEntries -= window.size();
  };
  // A temporal_ordered rule's groups also leave its prefilter count.
  const droppers = new Map<CompiledRule, (window: GroupWindow) => void>();
  for (const rule of compiled) {
    const openBy = rule.openBy;
    if (openBy === null) continue;
    droppers.set(rule, (window) => {
      dropped(window);
      openBy.remove((window as TemporalWindow).openValue);
    });
  }
  const dropperOf = (rule: CompiledRule): ((window: GroupWindow) => void) =>
    droppers.get(rule) ?? dropped;

  /** Drops a rule's groups whose whole window has passed, oldest first, within a budget. */
  function expireGroups(rule: CompiledRule, budget: number): void {
    if (rule.rule.kind !== 'correlation') return;
    rule.groups.expire(
      watermark - rule.rule.correlation.timespanMs,
      budget,
      rule.openBy === null ? dropped : dropperOf(rule),
    );
  }

  /** The prefilter's text for a value (as `buildKey` writes it). */
  const keyText = (value: FieldValue | undefined): string | null =>
    value === undefined || value === null || (Array.isArray(value) && value.length === 0)
      ? null
      : Array.isArray(value)
        ? value.join(',')
        : String(value);

  function evictOverCap(): void {
    while (counters.groups > limits.maxGroups) {
      let victim: CompiledRule | null = null;
      let oldest = Number.POSITIVE_INFINITY;
      for (const rule of correlations) {
        const time = rule.groups.oldest();
        if (time < oldest) {
          oldest = time;
          victim = rule;
        }
      }
      if (victim === null || !victim.groups.evictOldest(dropperOf(victim))) return;
      counters.evictedGroups += 1;
    }
  }

  function windowFor<W extends GroupWindow>(rule: CompiledRule, key: string, atMs: number): W {
    const groups = rule.groups as GroupTable<GroupWindow>;
    const window = groups.obtain(key, atMs, rule.newWindow, rule);
    if (groups.created) counters.groups += 1;
    return window as W;
  }

  /**
   * A correlation's window updated with an event that feeds it, one function per kind (so each
   * call site in a generated evaluator calls one of them, and V8 can inline it); raises the alert
   * when the rule fires. The caller has decided that the event feeds the rule (see `feeds`).
   */
  function correlateCount(
    rule: CompiledRule,
    spec: CorrelationSpec,
    event: MonitorEvent,
    alerts: MonitorAlert[],
    suppressed: SuppressedMatch[],
  ): void {
    const key = keyOf(rule.groupBy, event);
    if (key === null) return;
    const window = windowFor<CountWindow>(rule, key, event.atMs);
    // A window shared with another rule counts each event once.
    if (window.stamp !== event.id) {
      window.stamp = event.id;
      const before = window.size();
      window.expire(watermark - spec.timespanMs);
      window.add(event.atMs, event.id);
      counters.windowEntries += window.size() - before;
    }
    const count = window.count();
    expireGroups(rule, EXPIRY_BUDGET);
    if (count >= spec.threshold) raise(rule, event, key, window, null, count, alerts, suppressed);
  }

  function correlateDistinct(
    rule: CompiledRule,
    spec: CorrelationSpec,
    event: MonitorEvent,
    alerts: MonitorAlert[],
    suppressed: SuppressedMatch[],
  ): void {
    const key = keyOf(rule.groupBy, event);
    if (key === null) return;
    const value = rule.valueOf!(event, context);
    if (value === undefined || value === null) return;
    // A group is a slot of the rule's slab; it gets a window object only when it needs one.
    const groups = rule.groups as DistinctTable;
    const slot = groups.obtain(key, event.atMs);
    if (groups.created) counters.groups += 1;
    if (groups.stamp(slot, event.id)) {
      const before = groups.count(slot);
      groups.expireValues(slot, watermark - spec.timespanMs);
      if (Array.isArray(value)) {
        for (const v of value)
          counters.windowOverflow += groups.add(
            slot,
            String(v),
            event.atMs,
            event.id,
            limits.maxWindowEntries,
          );
      } else
        counters.windowOverflow += groups.add(
          slot,
          typeof value === 'string' ? value : String(value),
          event.atMs,
          event.id,
          limits.maxWindowEntries,
        );
      counters.windowEntries += groups.count(slot) - before;
    }
    const count = groups.count(slot);
    // The window (made now if the group has none) is taken before expiry may free other slots.
    const fired = count >= spec.threshold ? groups.window(slot) : null;
    expireGroups(rule, EXPIRY_BUDGET);
    if (fired !== null) raise(rule, event, key, fired, null, count, alerts, suppressed);
  }

  function correlateTemporal(
    rule: CompiledRule,
    spec: CorrelationSpec,
    event: MonitorEvent,
    matched: Uint8Array,
    alerts: MonitorAlert[],
    suppressed: SuppressedMatch[],
  ): void {
    let openValue: string | null = null;
    if (rule.openBy !== null) {
      // An ordered sequence starts only with its first step: a later step alone opens no group
      // (otherwise every permitted check would hold a deny-then-permit group for an hour), and
      // looks its group up only when its last group-by value has one open.
      openValue = keyText(rule.openField!(event, context));
      if (openValue === null) return;
      if (matched[rule.steps[0]!] !== 1 && !rule.openBy.mayHold(openValue)) return;
    }
    const key = keyOf(rule.groupBy, event);
    if (key === null) return;
    const span = spec.timespanMs;
    const ordered = spec.type === 'temporal_ordered';
    const groups = rule.groups as GroupTable<GroupWindow>;
    if (ordered && matched[rule.steps[0]!] !== 1 && groups.get(key) === undefined) return;
    const window = windowFor<TemporalWindow>(rule, key, event.atMs);
    if (rule.openBy !== null && groups.created) {
      window.openValue = openValue!;
      rule.openBy.add(openValue!);
    }
    const before = window.size();
    window.expire(watermark - span);
    const complete = window.add(rule.steps, matched, event.atMs, event.id, span);
    let ids: readonly string[] | null = null;
    if (complete) {
      ids = window.eventIds();
      // A completed sequence starts over: the next alert needs a new one.
      window.reset();
    }
    counters.windowEntries += window.size() - before;
    expireGroups(rule, EXPIRY_BUDGET);
    if (ids !== null) raise(rule, event, key, window, ids, rule.steps.length, alerts, suppressed);
  }

  /** Whether the event feeds the correlation: its own detection matched, else one of its steps. */
  function feeds(rule: CompiledRule, matched: Uint8Array): boolean {
    if (rule.detect !== null) return matched[rule.index] === 1;
    for (let i = 0; i < rule.steps.length; i += 1) if (matched[rule.steps[i]!] === 1) return true;
    return false;
  }

  /** Updates a correlation fed by the event (any kind); raises what fires. */
  function correlate(
    rule: CompiledRule,
    event: MonitorEvent,
    matched: Uint8Array,
    alerts: MonitorAlert[],
    suppressed: SuppressedMatch[],
  ): void {
    const spec = (rule.rule as CorrelationRule).correlation;
    switch (spec.type) {
      case 'event_count':
        return correlateCount(rule, spec, event, alerts, suppressed);
      case 'value_count':
        return correlateDistinct(rule, spec, event, alerts, suppressed);
      case 'temporal':
      case 'temporal_ordered':
        return correlateTemporal(rule, spec, event, matched, alerts, suppressed);
    }
  }

  /** Holds later alerts of `rule` about `key` until `until`; expires and caps the entries. */
  function suppress(rule: CompiledRule, key: string, until: number, alertId: string): Suppression {
    const entry: Suppression = { rule, key, until, alertId, dead: false, next: null };
    const replaced = rule.suppressions.get(key);
    if (replaced === undefined) liveSuppressions += 1;
    else replaced.dead = true;
    rule.suppressions.set(key, entry);
    suppressionQueue.push(entry);
    // The oldest live entries first: those past their time (a few per alert), then any over the cap.
    let budget = EXPIRY_BUDGET;
    while (suppressionHead < suppressionQueue.length) {
      const oldest = suppressionQueue[suppressionHead]!;
      if (!oldest.dead) {
        if (
          liveSuppressions <= limits.maxSuppressions &&
          (budget-- <= 0 || oldest.until > watermark)
        )
          break;
        oldest.rule.suppressions.delete(oldest.key);
        oldest.dead = true;
        liveSuppressions -= 1;
      }
      suppressionHead += 1;
    }
    if (suppressionHead > 1_024 && suppressionHead * 2 > suppressionQueue.length) {
      suppressionQueue = suppressionQueue.slice(suppressionHead);
      suppressionHead = 0;
    }
    return entry;
  }

  /**
   * The live dedup entry of `rule` about its group's key, as remembered on the window (dead
   * entries unlinked on the way), else from the rule's table, then remembered.
   */
  function heldOnWindow(
    rule: CompiledRule,
    window: GroupWindow,
    key: string,
  ): Suppression | undefined {
    let previous: DedupMemo | null = null;
    for (let memo = window.held; memo !== null; memo = memo.next) {
      const entry = memo as Suppression;
      if (entry.rule !== rule) {
        previous = memo;
        continue;
      }
      if (!entry.dead) return entry;
      if (previous === null) window.held = memo.next;
      else previous.next = memo.next;
      break;
    }
    const held = rule.suppressions.get(key);
    if (held !== undefined) remember(window, held);
    return held;
  }

  function remember(window: GroupWindow, entry: Suppression): void {
    entry.next = window.held;
    window.held = entry;
  }

  function raise(
    rule: CompiledRule,
    event: MonitorEvent,
    key: string,
    /**
     * Where the ids come from, read only when the alert is raised (listing a large window's ids
     * is not free): the window, the temporal rule's ids, or null for the event alone.
     */
    window: GroupWindow | null,
    ids: readonly string[] | null,
    count: number,
    alerts: MonitorAlert[],
    suppressed: SuppressedMatch[],
  ): void {
    const spec = rule.rule;
    // The group's own key when the rule dedups by its group-by (the key the window was found by).
    const onWindow = rule.dedupOnWindow && window !== null ? window : null;
    const dedupKey =
      onWindow !== null ? key : spec.dedup.windowMs > 0 ? keyOf(rule.dedupBy, event) : null;
    if (dedupKey !== null) {
      const held =
        onWindow !== null
          ? heldOnWindow(rule, onWindow, dedupKey)
          : rule.suppressions.get(dedupKey);
      if (held !== undefined && held.until > event.atMs) {
        rule.suppressed += 1;
        counters.suppressed += 1;
        suppressed.push({ ruleId: spec.id, alertId: held.alertId, eventId: event.id });
        return;
      }
    }
    const alertId = `${spec.id}:${event.id}`;
    if (dedupKey !== null) {
      const entry = suppress(rule, dedupKey, event.atMs + spec.dedup.windowMs, alertId);
      if (onWindow !== null) remember(onWindow, entry);
    }
    const group: Record<string, FieldValue> = {};
    const groupFields = spec.kind === 'correlation' ? spec.correlation.groupBy : spec.dedup.groupBy;
    for (const field of groupFields) group[field] = accessorOf(field)(event, context) ?? null;
    const f = event.fields;
    const text = (name: string): string | undefined =>
      typeof f[name] === 'string' ? f[name] : undefined;
    const actorId = text('actor.id');
    const actorPseudonym = text('actor.pseudonym');
    const operator = text('operator');
    const system = text('system');
    const subject = text('subject');
    rule.alerts += 1;
    counters.alerts += 1;
    alerts.push({
      id: alertId,
      ruleId: spec.id,
      title: spec.title,
      level: spec.level,
      groupKey: key,
      group,
      events: ids ?? window?.eventIds() ?? [event.id],
      count,
      at: event.at,
      shadow: spec.shadow,
      responses: spec.shadow ? [] : spec.responses,
      context: {
        ...(actorId !== undefined ? { actorId } : {}),
        ...(actorPseudonym !== undefined ? { actorPseudonym } : {}),
        ...(operator !== undefined ? { operator } : {}),
        ...(system !== undefined ? { system } : {}),
        ...(subject !== undefined ? { subject } : {}),
      },
    });
  }

  // The rules as plans see them (see `rule-plan.ts`), and the helpers a plan calls.
  const planRulesAll: PlanRule<CompiledRule, CorrelationSpec>[] = compiled.map((rule) => ({
    index: rule.index,
    detect: rule.detect,
    raises: rule.rule.kind === 'detection' && rule.rule.generate,
    correlation:
      rule.rule.kind !== 'correlation'
        ? null
        : rule.rule.correlation.type === 'event_count'
          ? 'count'
          : rule.rule.correlation.type === 'value_count'
            ? 'distinct'
            : 'temporal',
    spec: rule.rule.kind === 'correlation' ? rule.rule.correlation : null,
    steps: rule.steps,
    rule,
    detection: rule.rule.detection ?? null,
  }));
  const planHelpers: PlanHelpers<CompiledRule, CorrelationSpec, MonitorAlert[], SuppressedMatch[]> =
    {
      context,
      raise: (rule, event, alerts, suppressed) =>
        raise(rule, event, '', null, null, 1, alerts, suppressed),
      count: correlateCount,
      distinct: correlateDistinct,
      temporal: correlateTemporal,
    };
  type Evaluator = PlannedEvaluator<MonitorAlert[], SuppressedMatch[]>;
  /**
   * Evaluators by the rules they run: types whose plans list the same rules (every type no rule
   * names, say) share one, so a stream of many types compiles a plan per set of rules, not per type.
   */
  const evaluators = new Map<string, Evaluator>();
  /** Evaluators made (for `stats()`: a stream of many types must not make one per type). */
  let plansBuilt = 0;
  const buildPlan = (type: string | null): Evaluator => {
    const planned = planRules(planRulesAll, type);
    const signature = planned.map((rule) => rule.index).join(',');
    let evaluator = evaluators.get(signature);
    if (evaluator === undefined) {
      if (evaluators.size >= MAX_PLANS) evaluators.clear();
      evaluator =
        options.evaluator === 'loop'
          ? interpretPlan(planned, planHelpers)
          : generatePlan(planned, planHelpers);
      evaluators.set(signature, evaluator);
      plansBuilt += 1;
    }
    return evaluator;
  };
  /** Plans by the event's `type` field (bounded: types come from the events; past it, start over). */
  const plans = new Map<string, Evaluator>();
  /** For a `type` field that is not a string (a list or a number from `data`): every rule. */
  let everyRule: Evaluator | null = null;
  const planFor = (type: FieldValue | undefined): Evaluator => {
    if (typeof type !== 'string') return (everyRule ??= buildPlan(null));
    let plan = plans.get(type);
    if (plan === undefined) {
      if (plans.size >= MAX_PLANS) plans.clear();
      plan = buildPlan(type);
      plans.set(type, plan);
    }
    return plan;
  };
  // The last plan used, answered without hashing (events of one type come in runs).
  let lastType: string | null = null;
  let lastPlan: Evaluator | null = null;

  /** The plain loop over every rule: the reference the plans are held to (tests only). */
  function evaluateEveryRule(
    event: MonitorEvent,
    matched: Uint8Array,
    source: number,
    alerts: MonitorAlert[],
    suppressed: SuppressedMatch[],
  ): void {
    for (const rule of compiled) {
      if (rule.index === source) continue;
      if (rule.detect !== null && rule.detect(event, context)) {
        matched[rule.index] = 1;
        if (rule.rule.kind === 'detection' && rule.rule.generate)
          raise(rule, event, '', null, null, 1, alerts, suppressed);
      }
      if (rule.rule.kind === 'correlation' && feeds(rule, matched))
        correlate(rule, event, matched, alerts, suppressed);
    }
  }

  /** Runs the rules over one event; appends alerts (and, recursively, alerts about alerts). */
  function evaluate(
    event: MonitorEvent,
    alerts: MonitorAlert[],
    suppressed: SuppressedMatch[],
  ): void {
    // One scratch buffer per feedback depth: no allocation per event.
    const matched = matchedAt[event.depth]!;
    matched.fill(0);
    // A rule never counts its own alerts, or one alert would feed the next.
    const source =
      event.type === MONITOR_ALERT ? (ruleIndex.get(String(event.fields.ruleId)) ?? -1) : -1;
    const raisedHere = alerts.length;
    if (options.evaluator === 'reference')
      evaluateEveryRule(event, matched, source, alerts, suppressed);
    else {
      const type = event.fields.type;
      let plan: Evaluator;
      if (type === lastType && lastPlan !== null) plan = lastPlan;
      else {
        plan = planFor(type);
        if (typeof type === 'string') {
          lastType = type;
          lastPlan = plan;
        }
      }
      plan(event, matched, source, alerts, suppressed);
    }
    if (event.depth >= MAX_FEEDBACK_DEPTH) return;
    // The alerts raised at this level (deeper ones are appended behind them); no copy per event.
    const raisedEnd = alerts.length;
    for (let i = raisedHere; i < raisedEnd; i += 1) {
      const alert = alerts[i]!;
      if (alert.shadow) continue;
      evaluate(alertEvent(alert, event.depth + 1), alerts, suppressed);
    }
  }

  function alertEvent(alert: MonitorAlert, depth: number): MonitorEvent {
    const fields: Record<string, FieldValue> = {
      id: alert.id,
      type: MONITOR_ALERT,
      at: alert.at,
      ruleId: alert.ruleId,
      level: alert.level,
      day: alert.at.slice(0, 10),
      count: alert.count,
    };
    const c = alert.context;
    if (c.actorId !== undefined) fields['actor.id'] = c.actorId;
    if (c.actorPseudonym !== undefined) fields['actor.pseudonym'] = c.actorPseudonym;
    if (c.operator !== undefined) fields.operator = c.operator;
    if (c.system !== undefined) fields.system = c.system;
    if (c.subject !== undefined) fields.subject = c.subject;
    return {
      id: alert.id,
      type: MONITOR_ALERT,
      at: alert.at,
      atMs: Date.parse(alert.at),
      fields,
      depth,
      derived: {},
      keys: [],
    };
  }

  function duplicate(): ProcessResult {
    counters.duplicates += 1;
    return DUPLICATE;
  }

  return {
    rules: options.rules,
    process(input) {
      const parsed = parseMonitorEvent(input);
      if (!parsed.ok) return park(parsed.reason, input, parsed.id);
      const event = parsed.event;
      if (event.atMs <= watermark - limits.dedupHorizonMs) {
        // A redelivery is recognised first, while its id is still remembered.
        if (seen.has(event.id, event.atMs)) return duplicate();
        return park(
          `late: more than ${limits.dedupHorizonMs / 60_000} min behind the newest event`,
          input,
          event.id,
        );
      }
      if (!seen.add(event.id, event.atMs)) return duplicate();
      if (event.atMs > watermark) watermark = event.atMs;
      seen.forget(watermark - limits.dedupHorizonMs);
      counters.processed += 1;
      scratchAlerts.length = 0;
      scratchSuppressed.length = 0;
      evaluate(event, scratchAlerts, scratchSuppressed);
      // Rules that saw no event lately still shed their stale groups, a little per event.
      if (correlations.length > 0) {
        expiryCursor = (expiryCursor + 1) % correlations.length;
        expireGroups(correlations[expiryCursor]!, EXPIRY_BUDGET);
      }
      evictOverCap();
      if (scratchAlerts.length === 0 && scratchSuppressed.length === 0) return NOTHING;
      return {
        status: 'processed',
        alerts: scratchAlerts.slice(),
        suppressed: scratchSuppressed.slice(),
      };
    },
    setReference(input) {
      const compiledReference = compileReference(input);
      reference = compiledReference.reference;
      return compiledReference.problems;
    },
    parked(options = {}) {
      const held = [...parkedInputs];
      if (options.drain) parkedInputs.length = 0;
      return held;
    },
    stats() {
      const rules: Record<string, RuleStats> = {};
      for (const rule of compiled) {
        rules[rule.rule.id] = {
          alerts: rule.alerts,
          suppressed: rule.suppressed,
          groups: rule.groups.size,
        };
      }
      return {
        ...counters,
        seenIds: seen.size,
        plans: plansBuilt,
        suppressions: liveSuppressions,
        parkedHeld: parkedInputs.length,
        watermark: Number.isFinite(watermark) ? new Date(watermark).toISOString() : null,
        rules,
      };
    },
  };
}
