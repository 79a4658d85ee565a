/**
 * Canonical JSON (RFC 8785, JCS) for the values a ledger record may hold: objects with keys
 * sorted by UTF-16 code units, no whitespace, ECMAScript number formatting, and JSON.stringify's
 * string escaping (which is what JCS specifies). A commitment is only checkable later if the same
 * record always serialises to the same bytes, so anything with more than one spelling or none
 * (NaN, Infinity, undefined, lone surrogates, class instances, cycles) is refused, not coerced.
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

function hasLoneSurrogate(text: string): boolean {
  return /\p{Cs}/u.test(text);
}

function fail(path: string, why: string): never {
  throw new CanonicalJsonError(`${path || 'record'} ${why}`);
}

function serialise(value: unknown, path: string, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (hasLoneSurrogate(value)) fail(path, 'contains a lone UTF-16 surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) fail(path, 'is not a finite number');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) fail(path, `nests deeper than ${MAX_DEPTH} levels`);
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (let i = 0; i < value.length; i++)
          items.push(serialise(value[i], `${path}[${i}]`, depth + 1));
        return `[${items.join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) fail(path, 'is not a plain object');
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const members: string[] = [];
      for (const key of keys) {
        if (hasLoneSurrogate(key)) fail(path, 'has a key with a lone UTF-16 surrogate');
        const member = record[key];
        if (member === undefined) fail(`${path}.${key}`, 'is undefined');
        members.push(
          `${JSON.stringify(key)}:${serialise(member, path ? `${path}.${key}` : key, depth + 1)}`,
        );
      }
      return `{${members.join(',')}}`;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return fail(path, `is a ${typeof value}, which JSON cannot hold`);
  }
}

/** The RFC 8785 canonical form of `value`. Throws `CanonicalJsonError` naming the bad field. */
export function canonicalJson(value: JsonValue): string {
  return serialise(value, '', 0);
}
