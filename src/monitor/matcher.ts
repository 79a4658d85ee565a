/**
 * Detections compiled to closures once at load, so the per-event cost is a few comparisons.
 * Sigma semantics: plain values match whole strings case-insensitively (`cased` to respect case)
 * with `*` and `?` wildcards; a list of values matches if any does (`all`: every one); a field
 * holding a list matches if any element does; `null` matches a missing field.
 */
import type { MonitorEvent } from './monitor-event.js';
import { DERIVED_FIELDS, parsePlaceholder } from './reference.model.js';
import type {
  ConditionNode,
  Detection,
  FieldMatcher,
  FieldValue,
  Scalar,
  Selection,
} from './rule.model.js';
import type { CompiledReference } from './reference.js';

/** What a compiled detection needs besides the event. */
export interface MatchContext {
  readonly reference: CompiledReference;
  get(event: MonitorEvent, field: string): FieldValue | undefined;
}

export type Accessor = (event: MonitorEvent, context: MatchContext) => FieldValue | undefined;
export type EventPredicate = (event: MonitorEvent, context: MatchContext) => boolean;
export type ElementPredicate = (
  value: string | number | boolean,
  event: MonitorEvent,
  context: MatchContext,
) => boolean;

export const DERIVED = new Set<string>(DERIVED_FIELDS);
const isList = (value: FieldValue): value is readonly (string | number)[] => Array.isArray(value);

export function accessorOf(field: string): Accessor {
  if (DERIVED.has(field)) return (event, context) => context.get(event, field);
  return (event) => event.fields[field];
}

function wildcardRegExp(value: string, cased: boolean): RegExp | null {
  // `\*` and `\?` are literal; a lone `*` or `?` is a wildcard.
  if (!/(^|[^\\])[*?]/.test(value)) return null;
  let source = '';
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i]!;
    if (char === '\\' && (value[i + 1] === '*' || value[i + 1] === '?' || value[i + 1] === '\\')) {
      source += `\\${value[i + 1]}`;
      i += 1;
    } else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, cased ? 'su' : 'siu');
}

/** The string from V8's table of internalised strings (property names): same text, compared by pointer. */
const internalised = (text: string): string => Object.keys({ [text]: true })[0] ?? text;

/** One value of a matcher as a test of one element (also the generated detections' building block). */
export function valuePredicate(matcher: FieldMatcher, value: Scalar): ElementPredicate {
  const mods = new Set(matcher.modifiers);
  const cased = mods.has('cased');
  if (value === null) return () => false;
  if (mods.has('gt')) return (x) => typeof x === 'number' && x > (value as number);
  if (mods.has('gte')) return (x) => typeof x === 'number' && x >= (value as number);
  if (mods.has('lt')) return (x) => typeof x === 'number' && x < (value as number);
  if (mods.has('lte')) return (x) => typeof x === 'number' && x <= (value as number);
  if (mods.has('re')) {
    const pattern = new RegExp(value as string, cased ? 'u' : 'iu');
    return (x) => pattern.test(String(x));
  }
  if (mods.has('fieldref')) {
    const other = accessorOf(value as string);
    return (x, event, context) => {
      const theirs = other(event, context);
      if (theirs === undefined || theirs === null) return false;
      return isList(theirs) ? theirs.includes(x as string | number) : theirs === x;
    };
  }
  if (mods.has('expand')) {
    const placeholder = parsePlaceholder(value as string)!;
    const name = placeholder.name;
    const key = placeholder.keyField === null ? null : accessorOf(placeholder.keyField);
    // The list is resolved once per reference (and, for a keyed list, per key), not per event.
    let resolvedFor: CompiledReference | null = null;
    let global: ReadonlySet<string> = EMPTY_LIST;
    const byKey = new Map<string, ReadonlySet<string>>();
    // The last key's list, answered without hashing (consecutive events often share an operator).
    let lastKey: string | null = null;
    let lastList: ReadonlySet<string> = EMPTY_LIST;
    const member = (x: string | number | boolean): string =>
      typeof x === 'string' ? x : String(x);
    return (x, event, context) => {
      const reference = context.reference;
      if (reference !== resolvedFor) {
        resolvedFor = reference;
        byKey.clear();
        lastKey = null;
        if (key === null) global = reference.lookup(name, null);
      }
      if (key === null) return global.has(member(x));
      const k = key(event, context);
      if (typeof k !== 'string' && typeof k !== 'number') return false;
      const keyValue = typeof k === 'string' ? k : String(k);
      if (keyValue === lastKey) return lastList.has(member(x));
      let list = byKey.get(keyValue);
      if (list === undefined) {
        list = reference.lookup(name, keyValue);
        // Keys come from events: past the bound, start over rather than grow without limit.
        if (byKey.size >= KEYED_LIST_LIMIT) byKey.clear();
        byKey.set(keyValue, list);
      }
      lastKey = keyValue;
      lastList = list;
      return list.has(member(x));
    };
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    const text = String(value);
    return (x) => x === value || (typeof x === 'string' && x === text);
  }
  // The same text as the events' own (internalised) strings: a hit is then one pointer compare.
  value = internalised(value);
  const want = cased ? value : value.toLowerCase();
  const norm = (x: string | number | boolean): string =>
    cased ? String(x) : String(x).toLowerCase();
  if (mods.has('contains')) return (x) => norm(x).includes(want);
  if (mods.has('startswith')) return (x) => norm(x).startsWith(want);
  if (mods.has('endswith')) return (x) => norm(x).endsWith(want);
  const wildcard = wildcardRegExp(value, cased);
  if (wildcard) return (x) => wildcard.test(String(x));
  if (cased) return (x) => x === value;
  // The exact hit is the common case; a miss is lower-cased once per distinct text and the answer
  // remembered (the compared fields — type, action, decision, purpose — take few values).
  // The last miss is answered before the memo (a rule for another event type, the other decision).
  const memo = new Map<string, boolean>();
  let lastMiss: string | null = null;
  return (x) => {
    if (x === value) return true;
    if (typeof x !== 'string') return false;
    if (x === lastMiss) return false;
    let hit = memo.get(x);
    if (hit === undefined) {
      hit = x.toLowerCase() === want;
      if (memo.size < MEMO_LIMIT) memo.set(x, hit);
    }
    if (!hit) lastMiss = x;
    return hit;
  };
}

/**
 * The text `valuePredicate` first compares an element with by `===` when that compare alone is a
 * hit (a plain string value: no modifier but `cased`, no wildcard), else null. With `cased` the
 * compare is the whole test; without it, a miss goes on to the predicate (case-insensitively).
 */
export function exactText(matcher: FieldMatcher, value: Scalar): string | null {
  if (typeof value !== 'string') return null;
  if (matcher.modifiers.some((modifier) => modifier !== 'cased')) return null;
  if (wildcardRegExp(value, true) !== null) return null;
  return internalised(value);
}

/** Distinct texts remembered per compared value; past it, a miss is lower-cased each time. */
const MEMO_LIMIT = 1_024;
/** Keys (operators, systems) whose reference list an `expand` matcher remembers. */
const KEYED_LIST_LIMIT = 65_536;
const EMPTY_LIST: ReadonlySet<string> = new Set();

/** Whether `predicate` holds for the value, or for any element of a list (no closure per call). */
function holds(
  predicate: ElementPredicate,
  value: FieldValue,
  event: MonitorEvent,
  context: MatchContext,
): boolean {
  if (!isList(value)) return predicate(value as string | number | boolean, event, context);
  for (let i = 0; i < value.length; i += 1) if (predicate(value[i]!, event, context)) return true;
  return false;
}

function every(parts: readonly EventPredicate[]): EventPredicate {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [a, b] = parts as [EventPredicate, EventPredicate];
    return (event, context) => a(event, context) && b(event, context);
  }
  return (event, context) => {
    for (let i = 0; i < parts.length; i += 1) if (!parts[i]!(event, context)) return false;
    return true;
  };
}

function some(parts: readonly EventPredicate[]): EventPredicate {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [a, b] = parts as [EventPredicate, EventPredicate];
    return (event, context) => a(event, context) || b(event, context);
  }
  return (event, context) => {
    for (let i = 0; i < parts.length; i += 1) if (parts[i]!(event, context)) return true;
    return false;
  };
}

function compileMatcher(matcher: FieldMatcher): EventPredicate {
  const get = accessorOf(matcher.field);
  const mods = new Set(matcher.modifiers);
  if (mods.has('exists')) {
    const want = matcher.values[0] === true;
    return (event, context) => {
      const value = get(event, context);
      const present =
        value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
      return present === want;
    };
  }
  const wantsNull = matcher.values.includes(null);
  const predicates = matcher.values
    .filter((v) => v !== null)
    .map((v) => valuePredicate(matcher, v));
  if (mods.has('all')) {
    return (event, context) => {
      const value = get(event, context);
      if (value === undefined || value === null) return false;
      for (let i = 0; i < predicates.length; i += 1)
        if (!holds(predicates[i]!, value, event, context)) return false;
      return true;
    };
  }
  if (predicates.length === 1 && !wantsNull) {
    const only = predicates[0]!;
    return (event, context) => {
      const value = get(event, context);
      return value !== undefined && value !== null && holds(only, value, event, context);
    };
  }
  return (event, context) => {
    const value = get(event, context);
    if (value === undefined || value === null) return wantsNull;
    for (let i = 0; i < predicates.length; i += 1)
      if (holds(predicates[i]!, value, event, context)) return true;
    return false;
  };
}

function compileSelection(selection: Selection): EventPredicate {
  return some(selection.map((matchers) => every(matchers.map(compileMatcher))));
}

function compileCondition(
  node: ConditionNode,
  selections: ReadonlyMap<string, EventPredicate>,
): EventPredicate {
  switch (node.kind) {
    case 'ref':
      return selections.get(node.name)!;
    case 'not': {
      const inner = compileCondition(node.operand, selections);
      return (event, context) => !inner(event, context);
    }
    case 'and':
      return every(node.operands.map((operand) => compileCondition(operand, selections)));
    case 'or':
      return some(node.operands.map((operand) => compileCondition(operand, selections)));
    case 'of': {
      const parts = node.names.map((name) => selections.get(name)!);
      return node.quantifier === 'all' ? every(parts) : some(parts);
    }
  }
}

export function compileDetection(detection: Detection): EventPredicate {
  const selections = new Map<string, EventPredicate>();
  for (const [name, selection] of detection.selections)
    selections.set(name, compileSelection(selection));
  return compileCondition(detection.condition, selections);
}
