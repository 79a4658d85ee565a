/**
 * Canonical JSON (RFC 8785, JCS) for the values a ledger record may hold: objects with keys
 * sorted by UTF-16 code units, no whitespace, ECMAScript number formatting, and JSON.stringify's
 * string escaping (which is what JCS specifies). A commitment is only checkable later if the same
 * record always serialises to the same bytes, so anything with more than one spelling or none
 * (NaN, Infinity, undefined, lone surrogates, class instances, cycles) is refused, not coerced.
 *
 * This runs once per ledger append, so the happy path builds no paths and no arrays; the path
 * of a bad field is assembled only while a failure unwinds.
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

export class CanonicalJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalJsonError';
  }
}

const MAX_DEPTH = 32;

/** A failure on its way up; `path` grows by one segment per level it passes. */
class Failure extends Error {
  constructor(
    readonly why: string,
    public path: string,
  ) {
    super(why);
  }
}

// Node ≥ 20 has String.prototype.isWellFormed (ES2024); the project's lib is ES2023.
const wellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Prefixes a failure's path with the member or index it was found under. */
function under(head: string, path: string): string {
  if (!path) return head;
  return path.startsWith('[') ? `${head}${path}` : `${head}.${path}`;
}

function serialise(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (!wellFormed(value)) throw new Failure('contains a lone UTF-16 surrogate', '');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Failure('is not a finite number', '');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw new Failure(`nests deeper than ${MAX_DEPTH} levels`, '');
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          try {
            out += serialise(value[i], depth + 1);
          } catch (error) {
            if (error instanceof Failure) error.path = under(`[${i}]`, error.path);
            throw error;
          }
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null)
        throw new Failure('is not a plain object', '');
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length > 1) keys.sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (!wellFormed(key)) throw new Failure('has a key with a lone UTF-16 surrogate', '');
        const item = record[key];
        if (i > 0) out += ',';
        try {
          if (item === undefined) throw new Failure('is undefined', '');
          out += `${JSON.stringify(key)}:${serialise(item, depth + 1)}`;
        } catch (error) {
          if (error instanceof Failure) error.path = under(key, error.path);
          throw error;
        }
      }
      return `${out}}`;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new Failure(`is a ${typeof value}, which JSON cannot hold`, '');
  }
}

/**
 * The RFC 8785 canonical form of `value` by the straightforward walk above: the specification
 * the fast path below must equal (a property test holds them together), and what runs whenever
 * the fast path meets something it does not handle.
 */
export function referenceCanonicalJson(value: JsonValue): string {
  try {
    return serialise(value, 0);
  } catch (error) {
    if (error instanceof Failure)
      throw new CanonicalJsonError(`${error.path || 'record'} ${error.why}`);
    throw error;
  }
}

/** The RFC 8785 canonical form of `value`. Throws `CanonicalJsonError` naming the bad field. */
export function canonicalJson(value: JsonValue): string {
  try {
    return fastSerialise(value, 0);
  } catch (error) {
    // Anything the fast path does not take (every case is a value the reference refuses too)
    // goes through the reference, which names the bad field or, should it succeed, gives the output.
    if (error === unsupported) return referenceCanonicalJson(value);
    throw error;
  }
}

// ---- The fast path ------------------------------------------------------------------------------
// Canonical JSON runs once per append and was the largest single cost of one (more than the three
// SHA-256). Records have a few shapes repeated endlessly and short, plain strings, so the fast path
// caches per object shape what the reference recomputes per object (the sorted keys and their
// quoted spellings) and skips JSON.stringify for strings that need no escaping. It reads every
// property exactly once, in the same order as the reference, so getters see the same calls.

/** Thrown (never escapes) when the fast path meets a value it leaves to the reference. */
const unsupported = new Error('not on the canonical JSON fast path');

/**
 * Strings that JSON.stringify returns as `"` + text + `"`: no control character, quote or
 * backslash (the characters it escapes) and no surrogate at all, so also well-formed. Others
 * (astral characters included) take JSON.stringify after the well-formedness check.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be excluded
const PLAIN_STRING = /^[^\u0000-\u001f"\\\ud800-\udfff]*$/;

/** One object shape: its keys as Object.keys lists them, and the members in canonical order. */
interface Shape {
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
  /** `{"key":` for the first member, `,"key":` for the others. */
  readonly prefixes: readonly string[];
}

/** Shapes by their first key; bounded, so records with unbounded key sets cannot grow it. */
const shapes = new Map<string, Shape[]>();
let cachedShapes = 0;
const MAX_SHAPES = 1024;
const MAX_SHAPES_PER_FIRST_KEY = 8;
const MAX_CACHED_KEYS = 64;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapeOf(keys: string[]): Shape {
  const first = keys[0]!;
  const bucket = shapes.get(first);
  if (bucket) for (const shape of bucket) if (sameKeys(shape.keys, keys)) return shape;
  for (const key of keys) if (!wellFormed(key)) throw unsupported;
  const sorted = keys.slice().sort();
  const prefixes = sorted.map((key, i) => `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`);
  const shape: Shape = { keys, sorted, prefixes };
  if (cachedShapes < MAX_SHAPES && keys.length <= MAX_CACHED_KEYS) {
    if (!bucket) shapes.set(first, [shape]);
    else if (bucket.length < MAX_SHAPES_PER_FIRST_KEY) bucket.push(shape);
    else return shape;
    cachedShapes++;
  }
  return shape;
}

function fastSerialise(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (PLAIN_STRING.test(value)) return `"${value}"`;
      if (!wellFormed(value)) throw unsupported;
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw unsupported;
      // ToString of a finite number is exactly JSON.stringify's output (ECMA-262 SerializeJSONProperty), and cheaper.
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw unsupported;
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += fastSerialise(value[i], depth + 1);
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw unsupported;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 0) return '{}';
      const { sorted, prefixes } = shapeOf(keys);
      let out = '';
      for (let i = 0; i < sorted.length; i++) {
        const item = record[sorted[i]!];
        if (item === undefined) throw unsupported;
        out += prefixes[i]! + fastSerialise(item, depth + 1);
      }
      return `${out}}`;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw unsupported;
  }
}
