/**
 * One rule file -> a `Rule`, or every problem with its line and column. Pure: the text in, data
 * out; the loader reads files and checks rules against each other. YAML syntax errors come from
 * the `yaml` package's own positions; schema problems are located through the parsed document's
 * node ranges, so "line 12: level must be one of low, medium, high, critical" points at the line.
 */
import { isCollection, isMap, LineCounter, parseDocument, visit, type Document } from 'yaml';

import { firstRepeat } from '../core/repeats.js';
import { parseCondition } from './condition.js';
import { parseDuration } from './duration.js';
import { DERIVED_FIELDS, parsePlaceholder, REFERENCE_SETS } from './reference.model.js';
import {
  CORRELATION_TYPES,
  LEVELS,
  MODIFIERS,
  RESPONSE_ACTIONS,
  RESPONSE_MODES,
  type CorrelationSpec,
  type CorrelationType,
  type Dedup,
  type Detection,
  type FieldMatcher,
  type Level,
  type Modifier,
  type Rule,
  type RuleProblem,
  type RuleResponse,
  type RuleTests,
  type Scalar,
  type Selection,
  type TestCase,
  type TestStep,
} from './rule.model.js';

export type ParseResult =
  | {
      readonly ok: true;
      readonly rule: Rule;
      /** Lines of `id` and `correlation.rules`, for problems the loader finds between rules. */
      readonly lines: { readonly id: number; readonly rules: number };
    }
  | { readonly ok: false; readonly problems: readonly RuleProblem[] };

/** Limits that keep a hostile or mistaken file from costing the engine memory or time. */
export const RULE_LIMITS = {
  fileBytes: 512 * 1024,
  selections: 64,
  matchersPerSelection: 64,
  valuesPerMatcher: 1_000,
  valueLength: 500,
  groupByFields: 8,
  testCases: 64,
  stepsPerCase: 1_000,
  repeatCount: 100_000,
  threshold: 100_000,
} as const;

const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** Sigma metadata a rule may carry; the engine ignores it. */
const METADATA_KEYS = new Set([
  'name',
  'status',
  'author',
  'date',
  'modified',
  'references',
  'tags',
  'logsource',
  'falsepositives',
  'fields',
  'related',
  'license',
]);
const RULE_KEYS = new Set([
  'id',
  'title',
  'description',
  'level',
  'shadow',
  'generate',
  'response',
  'dedup',
  'detection',
  'correlation',
  'tests',
]);

type Path = readonly (string | number)[];

export interface ParseOptions {
  /**
   * Refuse a value listed twice where a list is a set: a field's values, a selection's maps,
   * `correlation.rules`, a `group-by`, a list in `tests.reference` (default true). Versions
   * stored before this was refused are read with `false`, so a rule in force keeps loading as it
   * did; a repeat changes nothing the engine does with them.
   */
  readonly refuseRepeats?: boolean;
}

class Checker {
  readonly problems: RuleProblem[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly refuseRepeats: boolean,
  ) {}

  /** Line and column of the node `path` names (or of its nearest existing parent). */
  position(path: Path): { line: number; col: number } {
    let offset = 0;
    for (let length = path.length; length >= 0; length -= 1) {
      const node: unknown = this.doc.getIn(path.slice(0, length), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) {
        offset = range[0];
        break;
      }
    }
    return this.lines.linePos(offset);
  }

  line(path: Path): number {
    return this.position(path).line;
  }

  /** Records a problem at the node `path` names (or its nearest existing parent). */
  report(path: Path, problem: string): void {
    const { line, col } = this.position(path);
    const where = path.length > 0 ? `${path.join('.')}: ` : '';
    this.problems.push({ file: this.file, line, column: col, problem: `${where}${problem}` });
  }

  /**
   * Reports the first item of a list that repeats an earlier one (by `key`), at the repeat's own
   * line: `correlation.rules.2: 'access-denied' is listed twice (first as item 0)`. Whether the
   * list is one value or a YAML sequence, `path` is the key's and `indexed` says to add the index.
   */
  refuseRepeat(
    path: Path,
    values: readonly unknown[],
    key: (value: unknown) => string,
    indexed: boolean,
    what: string,
  ): boolean {
    if (!this.refuseRepeats) return false;
    const repeat = firstRepeat(values, key);
    if (!repeat) return false;
    const { index, first } = repeat;
    const value = values[index];
    const earlier = values[first];
    const same = quote(earlier) === quote(value) ? '' : ` as ${quote(earlier)}`;
    this.report(
      indexed ? [...path, index] : path,
      `${quote(value)} is listed twice${same} (first as item ${first}); ${what}`,
    );
    return true;
  }
}

// A repeated mapping or list is named by its place alone: quoting it could run to megabytes.
const quote = (value: unknown): string =>
  typeof value === 'string'
    ? `'${value}'`
    : Array.isArray(value)
      ? 'this list'
      : isRecord(value)
        ? 'this mapping'
        : String(value);
const exactly = (value: unknown): string => `${typeof value}:${String(value)}`;
/** The same text for equal data: scalars as `exactly` reads them, a mapping's keys in order. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : isRecord(value)
      ? `{${Object.keys(value)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
          .join(',')}}`
      : JSON.stringify(exactly(value));

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalarValue = (value: unknown): value is Scalar =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** Parses and checks one rule file. */
export function parseRuleFile(file: string, text: string, options: ParseOptions = {}): ParseResult {
  if (text.length > RULE_LIMITS.fileBytes) {
    return {
      ok: false,
      problems: [
        {
          file,
          line: 1,
          column: 1,
          problem: `the file is larger than ${RULE_LIMITS.fileBytes} bytes`,
        },
      ],
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({
        file,
        line: error.linePos?.[0].line ?? 1,
        column: error.linePos?.[0].col ?? 1,
        problem: `YAML: ${(error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  }
  const check = new Checker(file, doc, lines, options.refuseRepeats ?? true);
  if (!isMap(doc.contents)) {
    check.report(
      [],
      'a rule file holds one mapping (id, title, level, detection or correlation, …)',
    );
    return { ok: false, problems: check.problems };
  }
  // A mapping or list used as a key (`? [a, b]: c`, `{ {a: b}: c }`) has no place in a rule, and
  // turning it into JavaScript would stringify it with a process warning: refuse it where it is.
  visit(doc, {
    Pair(_, pair) {
      if (!isCollection(pair.key)) return;
      const { line, col } = lines.linePos(pair.key.range?.[0] ?? 0);
      check.problems.push({
        file,
        line,
        column: col,
        problem: 'a key must be a plain value, not a mapping or a list',
      });
    },
  });
  if (check.problems.length > 0) return { ok: false, problems: check.problems };
  let value: unknown;
  try {
    // Aliases are allowed (shared test events) but not alias bombs.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    check.report([], `YAML: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, problems: check.problems };
  }
  const rule = checkRule(check, value as Record<string, unknown>, file);
  if (!rule || check.problems.length > 0) return { ok: false, problems: check.problems };
  return {
    ok: true,
    rule,
    lines: { id: check.line(['id']), rules: check.line(['correlation', 'rules']) },
  };
}

function checkRule(check: Checker, raw: Record<string, unknown>, file: string): Rule | null {
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key) && !METADATA_KEYS.has(key)) check.report([key], `unknown key '${key}'`);
  }
  const id = raw.id;
  if (typeof id !== 'string' || !RULE_ID.test(id)) {
    check.report(
      ['id'],
      'id must be lower-case letters, digits, . _ - (at most 100), starting with a letter or digit',
    );
  }
  const title = raw.title;
  if (typeof title !== 'string' || title.trim() === '' || title.length > 200) {
    check.report(['title'], 'title must be a non-empty string of at most 200 characters');
  }
  const description = raw.description;
  if (
    description !== undefined &&
    (typeof description !== 'string' || description.length > 4_000)
  ) {
    check.report(['description'], 'description must be a string of at most 4000 characters');
  }
  const level = raw.level;
  if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level)) {
    check.report(['level'], `level must be one of ${LEVELS.join(', ')}`);
  }
  const shadow = optionalBoolean(check, raw, 'shadow', false);
  const generate = optionalBoolean(check, raw, 'generate', true);
  const responses = checkResponse(check, raw.response);

  const hasCorrelation = raw.correlation !== undefined;
  let detection: Detection | null | undefined;
  if (raw.detection !== undefined) detection = checkDetection(check, raw.detection);
  else if (!hasCorrelation) check.report([], "a rule needs a 'detection' or a 'correlation'");

  let correlation: CorrelationSpec | null = null;
  if (hasCorrelation) {
    correlation = checkCorrelation(check, raw.correlation, raw.detection !== undefined);
    if (raw.generate !== undefined)
      check.report(['generate'], "'generate' applies to detection rules only");
  }
  const dedup = checkDedup(check, raw.dedup, correlation);
  const tests = checkTests(check, raw.tests);

  if (check.problems.length > 0 || detection === null || tests === null || dedup === null)
    return null;
  const common = {
    id: id as string,
    title: (title as string).trim(),
    ...(typeof description === 'string' ? { description } : {}),
    level: level as Level,
    shadow,
    generate,
    responses,
    dedup,
    tests,
    file,
  };
  if (correlation) {
    return { ...common, kind: 'correlation', correlation, ...(detection ? { detection } : {}) };
  }
  return detection ? { ...common, kind: 'detection', detection } : null;
}

function optionalBoolean(
  check: Checker,
  raw: Record<string, unknown>,
  key: string,
  fallback: boolean,
): boolean {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    check.report([key], `${key} must be true or false`);
    return fallback;
  }
  return value;
}

function checkResponse(check: Checker, raw: unknown): RuleResponse[] {
  if (raw === undefined || raw === 'none') return [];
  const items = Array.isArray(raw) ? raw : [raw];
  const responses: RuleResponse[] = [];
  items.forEach((item: unknown, index) => {
    const path: Path = Array.isArray(raw) ? ['response', index] : ['response'];
    if (!isRecord(item)) {
      check.report(path, "a response is 'none', or { action, mode[, for] } (or a list of them)");
      return;
    }
    for (const key of Object.keys(item)) {
      if (!['action', 'mode', 'for'].includes(key))
        check.report([...path, key], `unknown key '${key}'`);
    }
    const { action, mode } = item;
    if (typeof action !== 'string' || !(RESPONSE_ACTIONS as readonly string[]).includes(action)) {
      check.report([...path, 'action'], `action must be one of ${RESPONSE_ACTIONS.join(', ')}`);
      return;
    }
    if (typeof mode !== 'string' || !(RESPONSE_MODES as readonly string[]).includes(mode)) {
      check.report([...path, 'mode'], `mode must be one of ${RESPONSE_MODES.join(', ')}`);
      return;
    }
    let forMs: number | null = null;
    if (item.for !== undefined) {
      forMs = typeof item.for === 'string' ? parseDuration(item.for) : null;
      if (forMs === null)
        check.report([...path, 'for'], "for must be a duration such as '30m', '24h', '7d'");
    }
    if (responses.some((existing) => existing.action === action)) {
      check.report(path, `the response '${action}' is listed twice`);
    }
    responses.push({
      action: action as RuleResponse['action'],
      mode: mode as RuleResponse['mode'],
      ...(forMs !== null ? { forMs } : {}),
    });
  });
  return responses;
}

function checkFieldName(check: Checker, path: Path, field: unknown, what: string): field is string {
  if (typeof field !== 'string' || !FIELD_NAME.test(field) || field.length > 100) {
    check.report(
      path,
      `${what} must be a field name such as 'actor.id' (letters, digits, _ and dots)`,
    );
    return false;
  }
  return true;
}

function checkDetection(check: Checker, raw: unknown): Detection | null {
  const path: Path = ['detection'];
  if (!isRecord(raw)) {
    check.report(path, 'detection must be a mapping of named selections and a condition');
    return null;
  }
  const selections = new Map<string, Selection>();
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'condition') continue;
    if (
      !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ||
      ['and', 'or', 'not', 'of', 'them', 'all'].includes(name.toLowerCase())
    ) {
      check.report(
        [...path, name],
        `'${name}' cannot name a selection (letters, digits, _ and -; not a keyword)`,
      );
      continue;
    }
    const selection = checkSelection(check, [...path, name], value);
    if (selection) selections.set(name, selection);
  }
  if (selections.size === 0) check.report(path, 'detection needs at least one selection');
  if (selections.size > RULE_LIMITS.selections)
    check.report(path, `at most ${RULE_LIMITS.selections} selections`);
  const condition = raw.condition;
  if (typeof condition !== 'string') {
    check.report(
      [...path, 'condition'],
      "condition must be a string such as 'selection and not filter'",
    );
    return null;
  }
  const parsed = parseCondition(condition, [...selections.keys()]);
  if (!parsed.ok) {
    check.report([...path, 'condition'], `condition, column ${parsed.column}: ${parsed.problem}`);
    return null;
  }
  return { selections, condition: parsed.node };
}

function checkSelection(check: Checker, path: Path, raw: unknown): Selection | null {
  const maps = Array.isArray(raw) ? raw : [raw];
  if (maps.length === 0) {
    check.report(path, 'a selection list must not be empty');
    return null;
  }
  const selection: FieldMatcher[][] = [];
  let whole = true;
  for (const [index, map] of maps.entries()) {
    const mapPath: Path = Array.isArray(raw) ? [...path, index] : path;
    if (!isRecord(map)) {
      check.report(
        mapPath,
        'a selection is a mapping of field: value (or a list of such mappings); keyword lists are not supported',
      );
      return null;
    }
    const entries = Object.entries(map);
    if (entries.length === 0 || entries.length > RULE_LIMITS.matchersPerSelection) {
      check.report(mapPath, `a selection names 1 to ${RULE_LIMITS.matchersPerSelection} fields`);
      return null;
    }
    const matchers: FieldMatcher[] = [];
    for (const [key, value] of entries) {
      const matcher = checkMatcher(check, [...mapPath, key], key, value);
      if (matcher) matchers.push(matcher);
      else whole = false;
    }
    selection.push(matchers);
  }
  // Still returned when refused, so the condition naming it is not refused as well.
  if (whole && Array.isArray(raw))
    check.refuseRepeat(
      path,
      maps,
      sameSelectionKey,
      true,
      'a selection list matches if any of its mappings does, so each is listed once',
    );
  return selection;
}

/**
 * What makes two mappings of a selection list the same: the tests they parse to, whatever the
 * order of their fields, of a field's modifiers or of its values (any one matches; with `all`,
 * each is required), and values that are the same test alike (`Deny` and `deny` unless `cased`,
 * as `sameTestKey` reads a field's own values). A lone value is a list of one, as `checkMatcher`
 * reads it. Called only on mappings that parsed whole.
 */
const sameSelectionKey = (map: unknown): string =>
  canonical(
    Object.entries(map as Record<string, unknown>)
      .map(([key, value]) => {
        const [field, ...modifiers] = key.split('|');
        const sameTest = sameTestKey(modifiers as Modifier[]);
        return [
          [field, ...modifiers.sort()].join('|'),
          (Array.isArray(value) ? value : [value]).map(sameTest).sort(),
        ] as const;
      })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

function checkMatcher(check: Checker, path: Path, key: string, raw: unknown): FieldMatcher | null {
  const [field, ...modifierNames] = key.split('|');
  if (!checkFieldName(check, path, field, `'${key}'`)) return null;
  const modifiers: Modifier[] = [];
  for (const name of modifierNames) {
    if (!(MODIFIERS as readonly string[]).includes(name)) {
      check.report(path, `unknown modifier '${name}' (known: ${MODIFIERS.join(', ')})`);
      return null;
    }
    modifiers.push(name as Modifier);
  }
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0 || values.length > RULE_LIMITS.valuesPerMatcher) {
    check.report(path, `a field lists 1 to ${RULE_LIMITS.valuesPerMatcher} values`);
    return null;
  }
  for (const value of values) {
    if (
      !isScalarValue(value) ||
      (typeof value === 'string' && value.length > RULE_LIMITS.valueLength)
    ) {
      check.report(
        path,
        `values must be strings (at most ${RULE_LIMITS.valueLength} characters), numbers, booleans or null`,
      );
      return null;
    }
  }
  const problem = modifierProblem(modifiers, values as Scalar[]);
  if (problem) {
    check.report(path, problem);
    return null;
  }
  if (
    check.refuseRepeat(
      path,
      values,
      sameTestKey(modifiers),
      Array.isArray(raw),
      modifiers.includes('all')
        ? 'with all, each value is required once'
        : 'a field matches if any of its values does, so each is listed once',
    )
  )
    return null;
  return { field: field, modifiers, values: values as Scalar[] };
}

/**
 * What makes two values of one field the same test: the value itself, and for text compared
 * case-insensitively (no `cased`; not a pattern, a field name or a placeholder) its lower case,
 * as the matcher compares it — so `[Permit, permit]` is one value listed twice.
 */
function sameTestKey(modifiers: readonly Modifier[]): (value: unknown) => string {
  const folded =
    !modifiers.includes('cased') &&
    !modifiers.some((m) => m === 're' || m === 'fieldref' || m === 'expand');
  return (value) =>
    folded && typeof value === 'string' ? `string:${value.toLowerCase()}` : exactly(value);
}

const STRING_MODIFIERS: readonly Modifier[] = ['contains', 'startswith', 'endswith', 're'];
const NUMBER_MODIFIERS: readonly Modifier[] = ['gt', 'gte', 'lt', 'lte'];

/** What is wrong with a combination of modifiers and values, or null. */
function modifierProblem(modifiers: readonly Modifier[], values: readonly Scalar[]): string | null {
  const repeated = modifiers.find((m, i) => modifiers.indexOf(m) !== i);
  if (repeated !== undefined) return `the modifier '${repeated}' is repeated`;
  const kinds = [
    modifiers.filter((m) => STRING_MODIFIERS.includes(m)).length,
    modifiers.filter((m) => NUMBER_MODIFIERS.includes(m)).length,
    modifiers.filter((m) => m === 'exists' || m === 'expand' || m === 'fieldref').length,
  ];
  if (kinds.filter((n) => n > 0).length > 1 || kinds.some((n) => n > 1)) {
    return 'combine at most one of contains/startswith/endswith/re, gt/gte/lt/lte, exists/expand/fieldref';
  }
  if (
    modifiers.some((m) => STRING_MODIFIERS.includes(m)) &&
    values.some((v) => typeof v !== 'string')
  ) {
    return 'contains, startswith, endswith and re take strings';
  }
  if (
    modifiers.some((m) => NUMBER_MODIFIERS.includes(m)) &&
    values.some((v) => typeof v !== 'number')
  ) {
    return 'gt, gte, lt and lte take numbers';
  }
  if (modifiers.includes('exists') && (values.length !== 1 || typeof values[0] !== 'boolean')) {
    return 'exists takes true or false';
  }
  if (modifiers.includes('re')) {
    for (const value of values) {
      try {
        new RegExp(value as string, 'u');
      } catch {
        return `'${String(value)}' is not a valid regular expression`;
      }
    }
  }
  if (modifiers.includes('fieldref')) {
    const bad = values.find((v) => typeof v !== 'string' || !FIELD_NAME.test(v));
    if (bad !== undefined) return 'fieldref takes field names';
  }
  if (modifiers.includes('expand')) {
    for (const value of values) {
      const placeholder = typeof value === 'string' ? parsePlaceholder(value) : null;
      if (!placeholder)
        return `expand takes placeholders such as '%honeytokens%' or '%staff:operator%'`;
      const keyedBy = REFERENCE_SETS[placeholder.name];
      if (keyedBy === undefined) {
        return `unknown reference list '${placeholder.name}' (known: ${Object.keys(REFERENCE_SETS).join(', ')})`;
      }
      if (keyedBy !== null && placeholder.keyField === null) {
        return `'${placeholder.name}' is kept per ${keyedBy}: write '%${placeholder.name}:${keyedBy}%'`;
      }
      if (keyedBy === null && placeholder.keyField !== null)
        return `'${placeholder.name}' is one list: write '%${placeholder.name}%'`;
    }
  }
  if (modifiers.includes('all') && values.length < 2) return "'all' needs a list of values";
  return null;
}

function checkCorrelation(
  check: Checker,
  raw: unknown,
  hasFilter: boolean,
): CorrelationSpec | null {
  const path: Path = ['correlation'];
  if (!isRecord(raw)) {
    check.report(path, 'correlation must be a mapping: type, rules, group-by, timespan, condition');
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (!['type', 'rules', 'group-by', 'timespan', 'condition'].includes(key)) {
      check.report([...path, key], `unknown key '${key}'`);
    }
  }
  const type = raw.type;
  if (typeof type !== 'string' || !(CORRELATION_TYPES as readonly string[]).includes(type)) {
    check.report([...path, 'type'], `type must be one of ${CORRELATION_TYPES.join(', ')}`);
    return null;
  }
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  let rules: string[] = [];
  if (raw.rules !== undefined) {
    if (
      !Array.isArray(raw.rules) ||
      raw.rules.length === 0 ||
      raw.rules.length > 16 ||
      raw.rules.some((r) => typeof r !== 'string' || !RULE_ID.test(r))
    ) {
      check.report([...path, 'rules'], 'rules must list 1 to 16 rule ids');
    } else {
      rules = raw.rules as string[];
      check.refuseRepeat(
        [...path, 'rules'],
        rules,
        exactly,
        true,
        'a correlation counts each rule once',
      );
    }
    if (hasFilter)
      check.report(
        [...path, 'rules'],
        "a correlation names other rules or has its own 'detection', not both",
      );
  } else if (!hasFilter) {
    check.report(
      path,
      "a correlation needs 'rules' (the rules whose matches it counts) or its own 'detection'",
    );
  }
  if (temporal && rules.length < 2) {
    check.report([...path, 'rules'], `${type} needs 'rules' listing at least two rules`);
  }
  if (type === 'temporal_ordered' && !check.refuseRepeats && new Set(rules).size !== rules.length) {
    check.report([...path, 'rules'], 'temporal_ordered lists each rule once');
  }
  const groupByRaw = raw['group-by'];
  let groupBy: string[] = [];
  if (groupByRaw !== undefined) {
    if (!Array.isArray(groupByRaw) || groupByRaw.length > RULE_LIMITS.groupByFields) {
      check.report(
        [...path, 'group-by'],
        `group-by lists at most ${RULE_LIMITS.groupByFields} fields`,
      );
    } else {
      groupByRaw.forEach((field: unknown, index) =>
        checkFieldName(check, [...path, 'group-by', index], field, 'group-by'),
      );
      check.refuseRepeat(
        [...path, 'group-by'],
        groupByRaw,
        exactly,
        true,
        'a group is keyed by each field once',
      );
      groupBy = groupByRaw as string[];
    }
  }
  const timespanMs = typeof raw.timespan === 'string' ? parseDuration(raw.timespan) : null;
  if (timespanMs === null)
    check.report([...path, 'timespan'], "timespan must be a duration such as '10m', '1h', '24h'");

  let threshold = 1;
  let field: string | undefined;
  const condition = raw.condition;
  if (temporal) {
    if (condition !== undefined)
      check.report([...path, 'condition'], `${type} takes no condition: all its rules must occur`);
    threshold = rules.length;
  } else if (!isRecord(condition)) {
    check.report([...path, 'condition'], `${type} needs a condition such as { gte: 20 }`);
  } else {
    for (const key of Object.keys(condition)) {
      if (['lt', 'lte', 'eq', 'neq', 'range'].includes(key)) {
        check.report(
          [...path, 'condition', key],
          `'${key}' is not supported: a streaming rule fires when a count reaches a threshold (gte or gt)`,
        );
      } else if (!['gte', 'gt', 'field'].includes(key))
        check.report([...path, 'condition', key], `unknown key '${key}'`);
    }
    const bound = condition.gte ?? condition.gt;
    if ((condition.gte === undefined) === (condition.gt === undefined)) {
      check.report([...path, 'condition'], 'the condition has exactly one of gte, gt');
    } else if (
      typeof bound !== 'number' ||
      !Number.isInteger(bound) ||
      bound < 1 ||
      bound > RULE_LIMITS.threshold
    ) {
      check.report(
        [...path, 'condition'],
        `the threshold is a whole number from 1 to ${RULE_LIMITS.threshold}`,
      );
    } else threshold = condition.gte === undefined ? bound + 1 : bound;
    if (type === 'value_count') {
      if (
        checkFieldName(
          check,
          [...path, 'condition', 'field'],
          condition.field,
          'value_count needs condition.field, which',
        )
      )
        field = condition.field;
    } else if (condition.field !== undefined) {
      check.report([...path, 'condition', 'field'], 'only value_count counts a field');
    }
  }
  if (check.problems.length > 0 || timespanMs === null) return null;
  return {
    type: type as CorrelationType,
    rules,
    groupBy,
    timespanMs,
    threshold,
    ...(field !== undefined ? { field } : {}),
  };
}

function checkDedup(
  check: Checker,
  raw: unknown,
  correlation: CorrelationSpec | null,
): Dedup | null {
  // A correlation's alerts are one per group and window unless told otherwise; a single-event
  // rule's alerts are all distinct unless it names what makes them the same.
  const fallback: Dedup = correlation
    ? { groupBy: correlation.groupBy, windowMs: correlation.timespanMs }
    : { groupBy: [], windowMs: 0 };
  if (raw === undefined) return fallback;
  if (!isRecord(raw)) {
    check.report(['dedup'], 'dedup must be { group-by: [fields], window: duration }');
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (!['group-by', 'window'].includes(key)) check.report(['dedup', key], `unknown key '${key}'`);
  }
  const groupByRaw = raw['group-by'] ?? fallback.groupBy;
  if (!Array.isArray(groupByRaw) || groupByRaw.length > RULE_LIMITS.groupByFields) {
    check.report(
      ['dedup', 'group-by'],
      `group-by lists at most ${RULE_LIMITS.groupByFields} fields`,
    );
    return null;
  }
  groupByRaw.forEach((field: unknown, index) =>
    checkFieldName(check, ['dedup', 'group-by', index], field, 'group-by'),
  );
  if (
    raw['group-by'] !== undefined &&
    check.refuseRepeat(
      ['dedup', 'group-by'],
      groupByRaw,
      exactly,
      true,
      'alerts are folded by each field once',
    )
  )
    return null;
  const windowMs =
    raw.window === undefined
      ? fallback.windowMs
      : typeof raw.window === 'string'
        ? parseDuration(raw.window)
        : null;
  if (windowMs === null) {
    check.report(['dedup', 'window'], "window must be a duration such as '1h'");
    return null;
  }
  return { groupBy: groupByRaw as string[], windowMs };
}

function checkTests(check: Checker, raw: unknown): RuleTests | null {
  if (raw === undefined) return { match: [], nomatch: [] };
  if (!isRecord(raw)) {
    check.report(['tests'], 'tests must be { match: [...], nomatch: [...], reference?: {...} }');
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (!['match', 'nomatch', 'reference'].includes(key))
      check.report(['tests', key], `unknown key '${key}'`);
  }
  const match = checkTestCases(check, ['tests', 'match'], raw.match);
  const nomatch = checkTestCases(check, ['tests', 'nomatch'], raw.nomatch);
  if (raw.reference !== undefined && !isRecord(raw.reference)) {
    check.report(['tests', 'reference'], 'reference must be a mapping of reference lists');
  } else refuseReferenceRepeats(check, ['tests', 'reference'], raw.reference);
  if (!match || !nomatch) return null;
  return { match, nomatch, ...(isRecord(raw.reference) ? { reference: raw.reference } : {}) };
}

/**
 * Each list in the tests' reference data names a set (honeytokens, an operator's staff, a
 * system's destinations, working days), wherever it sits in the mapping.
 */
function refuseReferenceRepeats(check: Checker, path: Path, value: unknown): void {
  if (Array.isArray(value)) {
    check.refuseRepeat(path, value, canonical, true, 'a reference list names each value once');
    value.forEach((item: unknown, index) => refuseReferenceRepeats(check, [...path, index], item));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value))
      refuseReferenceRepeats(check, [...path, key], item);
  }
}

function checkTestCases(check: Checker, path: Path, raw: unknown): TestCase[] | null {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > RULE_LIMITS.testCases) {
    check.report(
      path,
      `a list of at most ${RULE_LIMITS.testCases} tests: an event, or { name, events: [...] }`,
    );
    return null;
  }
  const cases: TestCase[] = [];
  raw.forEach((item: unknown, index) => {
    const itemPath = [...path, index];
    if (!isRecord(item)) {
      check.report(itemPath, 'a test is an event (a mapping) or { name, events: [...] }');
      return;
    }
    if (item.events === undefined) {
      const step = checkStep(check, itemPath, item);
      if (step) cases.push({ steps: [step] });
      return;
    }
    if (
      !Array.isArray(item.events) ||
      item.events.length === 0 ||
      item.events.length > RULE_LIMITS.stepsPerCase
    ) {
      check.report([...itemPath, 'events'], `events lists 1 to ${RULE_LIMITS.stepsPerCase} events`);
      return;
    }
    if (item.name !== undefined && typeof item.name !== 'string')
      check.report([...itemPath, 'name'], 'name must be a string');
    const steps: TestStep[] = [];
    item.events.forEach((event: unknown, stepIndex) => {
      const step = checkStep(check, [...itemPath, 'events', stepIndex], event);
      if (step) steps.push(step);
    });
    cases.push({ ...(typeof item.name === 'string' ? { name: item.name } : {}), steps });
  });
  return cases;
}

function checkStep(check: Checker, path: Path, raw: unknown): TestStep | null {
  if (!isRecord(raw)) {
    check.report(path, 'a test event is a mapping');
    return null;
  }
  if (raw.repeat === undefined)
    return checkTestEvent(check, path, raw) ? { kind: 'event', event: raw } : null;
  const { repeat, every, event } = raw;
  if (
    typeof repeat !== 'number' ||
    !Number.isInteger(repeat) ||
    repeat < 1 ||
    repeat > RULE_LIMITS.repeatCount
  ) {
    check.report(
      [...path, 'repeat'],
      `repeat is a whole number from 1 to ${RULE_LIMITS.repeatCount}`,
    );
    return null;
  }
  const everyMs = typeof every === 'string' ? parseDuration(every) : null;
  if (everyMs === null) {
    check.report([...path, 'every'], "every must be a duration such as '1s'");
    return null;
  }
  if (!isRecord(event)) {
    check.report([...path, 'event'], 'repeat needs the event to copy');
    return null;
  }
  return checkTestEvent(check, [...path, 'event'], event)
    ? { kind: 'repeat', count: repeat, everyMs, event }
    : null;
}

function checkTestEvent(check: Checker, path: Path, event: Record<string, unknown>): boolean {
  if (
    event.at !== undefined &&
    (typeof event.at !== 'string' || Number.isNaN(Date.parse(event.at)))
  ) {
    check.report([...path, 'at'], 'at must be an ISO-8601 time');
    return false;
  }
  for (const name of DERIVED_FIELDS) {
    if (event[name] !== undefined) {
      check.report(
        [...path, name],
        `'${name}' is derived by the engine from reference data; set the reference instead`,
      );
      return false;
    }
  }
  return true;
}
