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

/** The RFC 8785 canonical form of `value`. Throws `CanonicalJsonError` naming the bad field. */
export function canonicalJson(value: JsonValue): string {
  try {
    return serialise(value, 0);
  } catch (error) {
    if (error instanceof Failure)
      throw new CanonicalJsonError(`${error.path || 'record'} ${error.why}`);
    throw error;
  }
}
