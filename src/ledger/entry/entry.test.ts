import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CanonicalJsonError,
  type JsonObject,
  type JsonValue,
  canonicalJson,
} from './canonical-json.js';
import { hashToText } from '../tree/hash.js';
import {
  checkRecord,
  commitRecord,
  decodeEntry,
  encodeEntry,
  encodeLeaf,
  isValidEntryType,
} from './entry.js';

describe('canonical JSON (RFC 8785)', () => {
  it('matches the RFC 8785 §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as JsonValue;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
    const obj = Object.fromEntries(keys.map((k, i) => [k, i]));
    const sorted = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    // Compared as text: JSON.parse would move the integer-like key "1" first again.
    expect(canonicalJson(obj)).toBe(
      `{${sorted.map((k) => `${JSON.stringify(k)}:${keys.indexOf(k)}`).join(',')}}`,
    );
  });

  it('is a fixed point and ignores key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalJson(value as JsonValue);
        expect(canonicalJson(JSON.parse(once) as JsonValue)).toBe(once);
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          const reversed = Object.fromEntries(Object.entries(value).reverse()) as JsonObject;
          expect(canonicalJson(reversed)).toBe(once);
        }
      }),
    );
  });

  it('refuses values with no single spelling, naming the field', () => {
    const bad: [unknown, RegExp][] = [
      [{ a: Number.NaN }, /^a is not a finite number/],
      [{ a: { b: undefined } }, /a\.b is undefined/],
      [{ when: new Date(0) }, /when is not a plain object/],
      [{ s: '\ud800' }, /lone UTF-16 surrogate/],
      [{ n: 10n }, /bigint/],
      [{ a: [1, { b: Number.NaN }] }, /^a\[1\]\.b is not a finite number$/],
      [[[Number.POSITIVE_INFINITY]], /^\[0\]\[0\] is not a finite number$/],
      [JSON.parse('['.repeat(40) + ']'.repeat(40)), /deeper/],
    ];
    for (const [value, message] of bad) {
      expect(() => canonicalJson(value as JsonValue)).toThrow(CanonicalJsonError);
      expect(() => canonicalJson(value as JsonValue)).toThrow(message);
    }
  });
});

describe('ledger entries', () => {
  const record = {
    subject: '900101300123',
    system: 'bank-1',
    purpose: 'credit-scoring',
    decision: 'permit',
  };

  it('hold only a type tag and a salted commitment, never the record', () => {
    const salt = randomBytes(32);
    const entry = encodeEntry('access.decision', commitRecord(salt, canonicalJson(record)));
    expect(entry.length).toBe(2 + 'access.decision'.length + 32);
    expect(entry.includes(Buffer.from('900101300123'))).toBe(false);
    expect(decodeEntry(entry)).toMatchObject({ version: 1, type: 'access.decision' });
    expect(checkRecord(entry, { type: 'access.decision', record, salt })).toBe(true);
  });

  it('do not open with a wrong salt, type or record', () => {
    const salt = randomBytes(32);
    const entry = encodeEntry('access.decision', commitRecord(salt, canonicalJson(record)));
    expect(checkRecord(entry, { type: 'access.decision', record, salt: randomBytes(32) })).toBe(
      false,
    );
    expect(checkRecord(entry, { type: 'consent.given', record, salt })).toBe(false);
    expect(
      checkRecord(entry, {
        type: 'access.decision',
        record: { ...record, decision: 'deny' },
        salt,
      }),
    ).toBe(false);
    expect(checkRecord(entry, { type: 'access.decision', record, salt: salt.subarray(1) })).toBe(
      false,
    );
    expect(checkRecord(entry.subarray(1), { type: 'access.decision', record, salt })).toBe(false);
  });

  it('give different commitments to the same record under different salts', () => {
    const canonical = canonicalJson(record);
    expect(
      commitRecord(randomBytes(32), canonical).equals(commitRecord(randomBytes(32), canonical)),
    ).toBe(false);
  });

  it('commit and hash exactly as the plain SHA-256 definitions say (property)', () => {
    const sha256 = (...parts: (Uint8Array | string)[]) => {
      const h = createHash('sha256');
      for (const part of parts) h.update(part);
      return h.digest();
    };
    const type = fc.constantFrom('access.decision', 'a', 'consent.given', `t${'x'.repeat(63)}`);
    // Long records (past the reused input buffer), then short ones again, in any order.
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom('', 'Қ'.repeat(20_000), 'a'.repeat(70_000)),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), text, type, (salt, t, tag) => {
        const commitment = commitRecord(salt, t);
        expect(commitment.equals(sha256(salt, Buffer.from(t, 'utf8')))).toBe(true);
        const entry = encodeEntry(tag, commitment);
        expect(
          entry.equals(Buffer.concat([Buffer.of(1, tag.length), Buffer.from(tag), commitment])),
        ).toBe(true);
        const leaf = encodeLeaf(tag, hashToText(commitment));
        expect(leaf.entry.equals(entry)).toBe(true);
        expect(leaf.leaf).toBe(hashToText(sha256(Buffer.of(0), entry)));
      }),
      { numRuns: 300 },
    );
  });

  it('validate type tags and refuse malformed entries', () => {
    for (const ok of [
      'access.decision',
      'consent.given',
      'rights.erase-confirmed',
      'a',
      'x1.y_2',
    ]) {
      expect(isValidEntryType(ok), ok).toBe(true);
    }
    for (const bad of ['', 'Access', 'a..b', '.a', 'a.', 'a b', 'é', 'a'.repeat(65), '1a']) {
      expect(isValidEntryType(bad), bad).toBe(false);
    }
    expect(() => encodeEntry('Bad Type', Buffer.alloc(32))).toThrow(RangeError);
    expect(() => encodeEntry('ok', Buffer.alloc(31))).toThrow(RangeError);
    const good = encodeEntry('ok', Buffer.alloc(32));
    expect(decodeEntry(Buffer.concat([good, Buffer.from([0])]))).toBeUndefined();
    expect(decodeEntry(Buffer.from([2, ...good.subarray(1)]))).toBeUndefined();
  });
});
