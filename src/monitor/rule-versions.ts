/**
 * The rule set in force: the shipped files (version 0, the baseline) overridden rule by rule by
 * the regulator's stored versions, less the rules switched off. A submitted version is vetted
 * exactly as a file is — the same parser (a problem names its line), the same cross-check between
 * rules — and then its own must-match / must-not-match events run on an engine holding the whole
 * set (as do the tests of every correlation counting it); only a rule that passes is stored. Each
 * change is one transaction with its ledger record in the outbox and the rule-change counter that
 * every instance's elected evaluator polls.
 *
 * The set is cached per value of that counter, so reading it costs one small query when nothing
 * changed.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { DomainError, isDomainError } from '../core/errors.js';
import { ulid } from '../core/ids.js';
import type { EnqueueOutbox } from './monitor.store.js';
import { checkReferences } from './rule-loader.js';
import { parseRuleFile } from './rule-parser.js';
import { runRuleTests, type RuleTestFailure } from './rule-tests.js';
import { LEVELS, type Level, type Rule, type RuleProblem } from './rule.model.js';
import type {
  RuleStateRecord,
  RuleVersionRecord,
  RuleVersionsStore,
} from './rule-versions.store.js';

export type RuleOrigin = 'shipped' | 'stored';

/** A shipped rule: as loaded (deployment overrides applied) and the file's text. */
export interface BaselineRule {
  readonly rule: Rule;
  /** Null when the rules were given as data (tests): then there is no version 0 to restore. */
  readonly text: string | null;
}

export interface RuleEntry {
  readonly id: string;
  /** The version in force (or that would be, once enabled). */
  readonly rule: Rule;
  readonly source: RuleOrigin;
  /** 0 for the shipped file, then 1, 2, 3… for stored versions. */
  readonly version: number;
  /** SHA-256 (hex) of the YAML in force; null for rules given as data. */
  readonly contentHash: string | null;
  readonly enabled: boolean;
  /** In the engine: enabled and accepted by the cross-check (else `problems` say why). */
  readonly loaded: boolean;
  readonly problems: string[];
  readonly versionChange: {
    readonly by: string;
    readonly at: string;
    readonly reason: string;
  } | null;
  readonly stateChange: {
    readonly enabled: boolean;
    readonly changedBy: string;
    readonly changedAt: string;
    readonly reason: string;
  } | null;
}

export interface RuleSet {
  /** The rule-change counter this set was read at. */
  readonly counter: number;
  /** The rules the engine runs: detection rules first, then correlations. */
  readonly rules: readonly Rule[];
  /** Every rule, enabled or not, in the order the shipped pack lists them, then new ones. */
  readonly entries: readonly RuleEntry[];
}

export interface RuleVersionInfo {
  readonly version: number;
  readonly source: RuleOrigin;
  readonly action: 'shipped' | 'create' | 'update' | 'rollback';
  readonly restoredFrom: number | null;
  readonly contentHash: string | null;
  readonly reason: string | null;
  readonly createdBy: string | null;
  readonly createdAt: string | null;
  /** The version in force. */
  readonly current: boolean;
}

export interface RuleDetail extends Omit<RuleEntry, 'rule'> {
  readonly title: string;
  readonly level: Rule['level'];
  readonly kind: Rule['kind'];
  /** The YAML in force (null for rules given as data). */
  readonly content: string | null;
}

export interface RuleCatalogDeps {
  readonly baseline: readonly BaselineRule[];
  readonly store: RuleVersionsStore;
  /** The rule-change counter (monitor store). */
  readonly counter: () => Promise<number>;
  readonly enqueue: EnqueueOutbox;
  /** After commit: appends the record to the ledger (the drain finishes it otherwise). */
  readonly sequence: (ids: readonly string[]) => Promise<unknown>;
  /** After commit: this instance's evaluator rebuilds at once (others poll the counter). */
  readonly changed: () => void;
  /** Free text that goes to the ledger is refused when it holds an IIN. */
  readonly refuseIin: (field: string, text: string) => void;
  readonly clock: () => Date;
  readonly log: { error(obj: object, msg: string): void };
}

export interface RuleCatalog {
  current(): Promise<RuleSet>;
  get(ruleId: string): Promise<RuleDetail>;
  versions(ruleId: string): Promise<RuleVersionInfo[]>;
  version(ruleId: string, version: number): Promise<RuleVersionInfo & { content: string }>;
  create(content: string, reason: string, by: string): Promise<RuleDetail>;
  update(
    ruleId: string,
    content: string,
    reason: string,
    by: string,
    baseVersion?: number,
  ): Promise<RuleDetail>;
  rollback(
    ruleId: string,
    toVersion: number,
    reason: string,
    by: string,
    baseVersion?: number,
  ): Promise<RuleDetail>;
  setEnabled(ruleId: string, enabled: boolean, reason: string, by: string): Promise<RuleDetail>;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * A problem quotes what was sent (a key, a value, an id); a run of 12 digits there could be an
 * IIN, and nothing from a request that could be one is answered back or stored in the ledger.
 */
export function masked(text: string): string {
  return text.replace(/\d{12,}/g, (run) => `[${run.length} digits]`);
}

/** `line 12, column 3: level must be one of …` — how a problem reads in a detail. */
function located(problem: { line: number; column: number; problem: string }): string {
  return `line ${problem.line}, column ${problem.column}: ${masked(problem.problem)}`;
}

function invalid(problems: readonly Omit<RuleProblem, 'file'>[]): DomainError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new DomainError(
    'monitor.rule_invalid',
    first ? `${located(first)}${more}` : 'The rule is not valid.',
    {
      problems: problems.map((p) => ({
        line: p.line,
        column: p.column,
        problem: masked(p.problem),
      })),
    },
  );
}

/** The first line a top-level key starts on (1 when absent), for problems about the whole key. */
function lineOfKey(text: string, key: string): number {
  const index = text.split(/\r?\n/).findIndex((line) => new RegExp(`^${key}\\s*:`).test(line));
  return index < 0 ? 1 : index + 1;
}

function notFound(ruleId: string): DomainError {
  return new DomainError('monitor.rule_not_found', `No rule has the id '${masked(ruleId)}'.`, {
    ruleId: masked(ruleId),
  });
}

interface Candidate {
  readonly rule: Rule;
  readonly source: RuleOrigin;
  readonly version: number;
  readonly text: string | null;
  readonly stored: RuleVersionRecord | null;
}

export function createRuleCatalog(deps: RuleCatalogDeps): RuleCatalog {
  const baselineById = new Map(deps.baseline.map((b) => [b.rule.id, b]));
  let cache: (RuleSet & { readonly texts: ReadonlyMap<string, string | null> }) | null = null;

  async function read(): Promise<RuleSet & { texts: ReadonlyMap<string, string | null> }> {
    // The counter first: a change committed while the rest is read is seen on the next call.
    const counter = await deps.counter();
    if (cache && cache.counter === counter) return cache;
    // One query at a time: the evaluator's rebuild reads this beside the feed, and a small pool
    // (PostgreSQL) is shared with the leader lock and the ledger's sequencer.
    const latest = await deps.store.latest();
    const states = await deps.store.states();
    const candidates = new Map<string, Candidate>();
    const refused = new Map<string, string[]>();
    for (const base of deps.baseline)
      candidates.set(base.rule.id, {
        rule: base.rule,
        source: 'shipped',
        version: 0,
        text: base.text,
        stored: null,
      });
    for (const record of latest) {
      // Read as stored: a version saved before repeated values were refused keeps loading (a
      // repeat changes nothing the engine does); a new version or a rollback is vetted again.
      const parsed = parseRuleFile(`storage:${record.ruleId}@${record.version}`, record.content, {
        refuseRepeats: false,
      });
      if (parsed.ok && parsed.rule.id === record.ruleId) {
        candidates.set(record.ruleId, {
          rule: parsed.rule,
          source: 'stored',
          version: record.version,
          text: record.content,
          stored: record,
        });
        continue;
      }
      // Vetted when stored, so only a parser changed by an upgrade gets here: the rule is not
      // loaded (the shipped file does not silently come back) and the list says why.
      const problems = parsed.ok
        ? [`the stored version names the id '${parsed.rule.id}'`]
        : parsed.problems.map(located);
      refused.set(record.ruleId, problems);
      deps.log.error(
        { ruleId: record.ruleId, version: record.version, problems },
        'stored monitoring rule version refused; the other rules run',
      );
      // Listed either way, so the regulator sees the problem and can store a version that parses:
      // a shipped rule under its file's description, a rule created here under what its stored
      // text still says of itself.
      candidates.set(record.ruleId, {
        rule: baselineById.get(record.ruleId)?.rule ?? unreadableRule(record),
        source: 'stored',
        version: record.version,
        text: record.content,
        stored: record,
      });
    }
    const enabledOf = (id: string) => states.get(id)?.enabled ?? true;
    const checked = checkReferences(
      [...candidates.values()]
        .filter((c) => enabledOf(c.rule.id) && !refused.has(c.rule.id))
        .map((c) => ({ rule: c.rule, rulesLine: 1 })),
    );
    const inForce = new Set(checked.rules.map((r) => r.id));
    for (const problem of checked.problems) {
      const id = [...candidates.values()].find((c) => c.rule.file === problem.file)?.rule.id;
      if (id !== undefined) refused.set(id, [...(refused.get(id) ?? []), problem.problem]);
    }
    const entries = [...candidates.values()].map((c): RuleEntry => {
      const state: RuleStateRecord | undefined = states.get(c.rule.id);
      return {
        id: c.rule.id,
        rule: c.rule,
        source: c.source,
        version: c.version,
        contentHash: c.text === null ? null : contentHash(c.text),
        enabled: enabledOf(c.rule.id),
        loaded: inForce.has(c.rule.id),
        problems: refused.get(c.rule.id) ?? [],
        versionChange: c.stored
          ? { by: c.stored.createdBy, at: c.stored.createdAt, reason: c.stored.reason }
          : null,
        stateChange: state
          ? {
              enabled: state.enabled,
              changedBy: state.changedBy,
              changedAt: state.changedAt,
              reason: state.reason,
            }
          : null,
      };
    });
    const next = {
      counter,
      rules: checked.rules,
      entries,
      texts: new Map([...candidates.values()].map((c) => [c.rule.id, c.text])),
    };
    cache = next;
    return next;
  }

  async function current(): Promise<RuleSet> {
    return read();
  }

  async function get(ruleId: string): Promise<RuleDetail> {
    const set = await read();
    const entry = set.entries.find((e) => e.id === ruleId);
    if (!entry) throw notFound(ruleId);
    const { rule, ...rest } = entry;
    return {
      ...rest,
      title: rule.title,
      level: rule.level,
      kind: rule.kind,
      content: set.texts.get(ruleId) ?? null,
    };
  }

  /**
   * Parses and checks a submitted text against the set in force, then runs its tests and those
   * of the correlations counting it; throws the 422 that says what is wrong.
   */
  function vet(text: string, file: string, expectId: string | null, set: RuleSet): Rule {
    const parsed = parseRuleFile(file, text);
    if (!parsed.ok) throw invalid(parsed.problems);
    const { rule } = parsed;
    // The id goes to the ledger with every change.
    if (/\d{12}/.test(rule.id))
      throw invalid([
        {
          line: parsed.lines.id,
          column: 1,
          problem: 'id: an id must not hold a run of 12 digits (it could be an IIN)',
        },
      ]);
    if (expectId !== null && rule.id !== expectId)
      throw invalid([
        {
          line: parsed.lines.id,
          column: 1,
          problem: `id: this is a version of '${expectId}'; a version keeps the id ('${rule.id}' would be a new rule)`,
        },
      ]);
    if (rule.tests.match.length === 0 || rule.tests.nomatch.length === 0)
      throw invalid([
        {
          line: lineOfKey(text, 'tests'),
          column: 1,
          problem:
            'tests: a rule needs at least one event that must match (tests.match) and one that must not (tests.nomatch)',
        },
      ]);
    const others = set.entries.filter((e) => e.id !== rule.id && e.loaded);
    const checked = checkReferences([
      ...others.map((e) => ({ rule: e.rule, rulesLine: 1 })),
      { rule, rulesLine: parsed.lines.rules },
    ]);
    if (checked.problems.length > 0)
      throw invalid(
        checked.problems.map((p) =>
          p.file === rule.file
            ? p
            : {
                line: parsed.lines.id,
                column: 1,
                problem: `rule '${others.find((e) => e.rule.file === p.file)?.id ?? p.file}' would no longer load: ${p.problem}`,
              },
        ),
      );
    const failures: RuleTestFailure[] = [];
    try {
      failures.push(...runRuleTests(rule, checked.rules));
      for (const dependent of checked.rules)
        if (
          dependent.kind === 'correlation' &&
          dependent.id !== rule.id &&
          dependent.correlation.rules.includes(rule.id)
        )
          failures.push(...runRuleTests(dependent, checked.rules));
    } catch (error) {
      throw invalid([
        { line: lineOfKey(text, 'tests'), column: 1, problem: `tests: ${String(error)}` },
      ]);
    }
    if (failures.length > 0) {
      const [first] = failures;
      throw new DomainError(
        'monitor.rule_tests_failed',
        masked(
          `${first!.ruleId}: ${first!.problem}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''}`,
        ),
        {
          failures: failures.map((f) => ({
            ruleId: masked(f.ruleId),
            kind: f.kind,
            index: f.index,
            problem: masked(f.problem),
          })),
        },
      );
    }
    return rule;
  }

  async function store(
    set: RuleSet,
    ruleId: string,
    text: string,
    action: RuleVersionRecord['action'],
    restoredFrom: number | null,
    reason: string,
    by: string,
    baseVersion: number | undefined,
  ): Promise<RuleDetail> {
    deps.refuseIin('reason', reason);
    const existing = set.entries.find((e) => e.id === ruleId);
    const currentVersion = existing?.version ?? 0;
    if (baseVersion !== undefined && baseVersion !== currentVersion)
      throw new DomainError(
        'monitor.rule_version_conflict',
        `Rule '${ruleId}' is at version ${currentVersion}, not ${baseVersion}; read it again.`,
        { ruleId, version: currentVersion },
      );
    const hash = contentHash(text);
    if (existing && existing.contentHash === hash)
      throw new DomainError(
        'monitor.rule_unchanged',
        `That is the content of version ${currentVersion} of '${ruleId}', already in force.`,
        { ruleId, version: currentVersion },
      );
    // Numbers continue after the newest stored version, even if a rollback restored an older one.
    const stored = await deps.store.versions(ruleId);
    const newest = stored.at(-1)?.version ?? 0;
    // Another create of the same id committed after `set` was read: this one must not become its
    // next version.
    if (action === 'create' && newest > 0) throw ruleExists(ruleId);
    // A save that committed after `set` was read: this one was based on a version no longer in
    // force, and numbering past it would silently replace that change. (Two saves that get here
    // together take the same number; the primary key refuses the second, as the store says.)
    if (existing && newest !== currentVersion)
      throw new DomainError(
        'monitor.rule_version_conflict',
        `Rule '${ruleId}' was changed meanwhile: it is at version ${newest}, not ${currentVersion}; read it again.`,
        { ruleId, version: newest },
      );
    const version = newest + 1;
    vet(text, `storage:${ruleId}@${version}`, action === 'create' ? null : ruleId, set);
    const now = deps.clock();
    const ledgerId = `mrv_${ulid(now.getTime())}`;
    const createdAt = now.toISOString();
    try {
      await deps.store.append(
        {
          ruleId,
          version,
          content: text,
          contentHash: hash,
          action,
          restoredFrom,
          reason,
          createdBy: by,
          createdAt,
          ledgerId,
        },
        {
          id: ledgerId,
          type: 'monitor.rule-version',
          // The hash, not the text: the ledger proves which content was in force.
          record: {
            ruleId,
            version,
            contentHash: hash,
            action,
            restoredFrom,
            reason,
            by,
            at: createdAt,
          },
        },
        deps.enqueue,
      );
    } catch (error) {
      // Two creates of one id that reach the insert together: the second is told the id is taken.
      if (
        action === 'create' &&
        isDomainError(error) &&
        error.code === 'monitor.rule_version_conflict'
      )
        throw ruleExists(ruleId);
      throw error;
    }
    await deps.sequence([ledgerId]);
    deps.changed();
    return get(ruleId);
  }

  async function versions(ruleId: string): Promise<RuleVersionInfo[]> {
    const set = await current();
    const entry = set.entries.find((e) => e.id === ruleId);
    if (!entry) throw notFound(ruleId);
    const base = baselineById.get(ruleId);
    const stored = await deps.store.versions(ruleId);
    const list: RuleVersionInfo[] = [];
    if (base)
      list.push({
        version: 0,
        source: 'shipped',
        action: 'shipped',
        restoredFrom: null,
        contentHash: base.text === null ? null : contentHash(base.text),
        reason: null,
        createdBy: null,
        createdAt: null,
        current: entry.version === 0,
      });
    for (const record of stored)
      list.push({
        version: record.version,
        source: 'stored',
        action: record.action,
        restoredFrom: record.restoredFrom,
        contentHash: record.contentHash,
        reason: record.reason,
        createdBy: record.createdBy,
        createdAt: record.createdAt,
        current: entry.version === record.version,
      });
    return list;
  }

  async function version(ruleId: string, number: number) {
    const list = await versions(ruleId);
    const info = list.find((v) => v.version === number);
    const content =
      number === 0
        ? (baselineById.get(ruleId)?.text ?? null)
        : ((await deps.store.version(ruleId, number))?.content ?? null);
    if (!info || content === null)
      throw new DomainError(
        'monitor.rule_version_not_found',
        number === 0
          ? `Rule '${ruleId}' has no shipped file to restore.`
          : `Rule '${ruleId}' has no version ${number}.`,
        { ruleId, version: number },
      );
    return { ...info, content };
  }

  return {
    current,
    get,
    versions,
    version,

    async create(text, reason, by) {
      const set = await current();
      const parsed = parseRuleFile('submitted', text);
      if (!parsed.ok) throw invalid(parsed.problems);
      const ruleId = parsed.rule.id;
      if (set.entries.some((e) => e.id === ruleId)) throw ruleExists(ruleId);
      return store(set, ruleId, text, 'create', null, reason, by, undefined);
    },

    async update(ruleId, text, reason, by, baseVersion) {
      const set = await current();
      if (!set.entries.some((e) => e.id === ruleId)) throw notFound(ruleId);
      return store(set, ruleId, text, 'update', null, reason, by, baseVersion);
    },

    async rollback(ruleId, toVersion, reason, by, baseVersion) {
      const set = await current();
      if (!set.entries.some((e) => e.id === ruleId)) throw notFound(ruleId);
      const earlier = await version(ruleId, toVersion);
      return store(set, ruleId, earlier.content, 'rollback', toVersion, reason, by, baseVersion);
    },

    async setEnabled(ruleId, enabled, reason, by) {
      deps.refuseIin('reason', reason);
      const set = await current();
      const entry = set.entries.find((e) => e.id === ruleId);
      if (!entry) throw notFound(ruleId);
      // Idempotent: asking for the state already in force records nothing.
      if (entry.enabled === enabled) return get(ruleId);
      if (!enabled) {
        const users = set.rules.filter(
          (r) => r.kind === 'correlation' && r.correlation.rules.includes(ruleId),
        );
        if (users.length > 0)
          throw new DomainError(
            'monitor.rule_in_use',
            `The correlation ${users.map((r) => `'${r.id}'`).join(', ')} counts '${ruleId}'; disable ${users.length > 1 ? 'them' : 'it'} first.`,
            { ruleId, usedBy: users.map((r) => r.id) },
          );
      } else if (entry.rule.kind === 'correlation') {
        const loaded = new Set(set.rules.map((r) => r.id));
        const missing = entry.rule.correlation.rules.filter((id) => !loaded.has(id));
        if (missing.length > 0)
          throw new DomainError(
            'monitor.rule_in_use',
            `'${ruleId}' counts ${missing.map((id) => `'${id}'`).join(', ')}, not in force; enable ${missing.length > 1 ? 'them' : 'it'} first.`,
            { ruleId, needs: missing },
          );
      }
      const now = deps.clock();
      const ledgerId = `mrs_${ulid(now.getTime())}`;
      const changedAt = now.toISOString();
      await deps.store.setState(
        { ruleId, enabled, reason, changedBy: by, changedAt, ledgerId },
        {
          id: ledgerId,
          type: 'monitor.rule-state',
          record: { ruleId, enabled, reason, by, at: changedAt },
        },
        deps.enqueue,
      );
      await deps.sequence([ledgerId]);
      deps.changed();
      return get(ruleId);
    },
  };
}

const ruleExists = (ruleId: string) =>
  new DomainError(
    'monitor.rule_exists',
    `A rule already has the id '${ruleId}'; submit a new version of it instead.`,
    { ruleId },
  );

/**
 * What the list shows of a rule created here (no shipped file) whose stored version today's
 * parser refuses: its title and level when the text still gives them, and nothing the engine could
 * run (the rule is never loaded: it is among the refused).
 */
function unreadableRule(record: RuleVersionRecord): Rule {
  let raw: unknown = null;
  try {
    raw = parseYaml(record.content, { maxAliasCount: 100 });
  } catch {
    // Not YAML any more: the id stands for the title.
  }
  const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const title =
    typeof fields.title === 'string' && fields.title.trim() !== ''
      ? fields.title.slice(0, 200)
      : record.ruleId;
  const level = (LEVELS as readonly unknown[]).includes(fields.level)
    ? (fields.level as Level)
    : 'medium';
  return {
    kind: 'detection',
    id: record.ruleId,
    title,
    level,
    shadow: false,
    generate: false,
    responses: [],
    dedup: { groupBy: [], windowMs: 0 },
    tests: { match: [], nomatch: [] },
    file: `storage:${record.ruleId}@${record.version}`,
    detection: { selections: new Map(), condition: { kind: 'ref', name: record.ruleId } },
  };
}
