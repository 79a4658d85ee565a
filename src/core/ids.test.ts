import type * as NodeCrypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { propertyRuns } from '../../test/support/property-runs.js';

/** How many times ids drew from the CSPRNG. */
const draws = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof NodeCrypto>();
  return {
    ...crypto,
    randomFillSync: ((buffer: Uint8Array) => {
      draws.count += 1;
      return crypto.randomFillSync(buffer);
    }) as typeof crypto.randomFillSync,
  };
});
// Test files share their worker's module cache (vitest.config.ts): an ids.js another file loaded
// holds the real crypto, so load it afresh, under the mock.
vi.resetModules();
const { isId, newId, ULID_PATTERN, ulid, ulidFrom } = await import('./ids.js');
// The next file in this worker must load the real crypto: drop the mock and what it reached.
afterAll(() => {
  vi.doUnmock('node:crypto');
  vi.resetModules();
});

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Crockford base32 of `value` in `digits` characters, by BigInt: an independent reference. */
function base32(value: bigint, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) {
    out = CROCKFORD[Number(value % 32n)]! + out;
    value /= 32n;
  }
  return out;
}

describe('ULIDs', () => {
  it('encode the time as the ULID specification does', () => {
    // The specification's example: ulid(1469918176385) starts 01ARYZ6S41.
    expect(ulid(1469918176385).slice(0, 10)).toBe('01ARYZ6S41');
    expect(ulid(0).slice(0, 10)).toBe('0000000000');
    expect(ulid(2 ** 48 - 1).slice(0, 10)).toBe('7ZZZZZZZZZ');
  });

  it('encode the 80 random bits in 16 Crockford characters, most significant first', () => {
    expect(ulidFrom(0, Buffer.alloc(10, 0))).toBe('0'.repeat(26));
    expect(ulidFrom(0, Buffer.alloc(10, 0xff)).slice(10)).toBe('Z'.repeat(16));
    const bytes = Buffer.from('0123456789abcdef0123', 'hex');
    expect(ulidFrom(0, bytes).slice(10)).toBe(base32(BigInt(`0x${bytes.toString('hex')}`), 16));
  });

  it('equal the reference for any time and bytes, and sort by time (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.uint8Array({ minLength: 10, maxLength: 30 }),
        fc.nat(20),
        (t1, t2, raw, at) => {
          const offset = Math.min(at, raw.length - 10);
          const bytes = Buffer.from(raw.subarray(offset, offset + 10));
          const id = ulidFrom(t1, raw, offset);
          expect(id).toBe(
            base32(BigInt(t1), 10) + base32(BigInt(`0x${bytes.toString('hex')}`), 16),
          );
          expect(id).toMatch(new RegExp(`^${ULID_PATTERN}$`));
          const other = ulid(t2);
          if (t1 < t2) expect(id < other).toBe(true);
          if (t1 > t2) expect(id > other).toBe(true);
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });

  it('differ from one call to the next in the same millisecond, across refills of the pool', () => {
    const before = draws.count;
    const ids = new Set(Array.from({ length: 2000 }, () => ulid(1469918176385)));
    expect(ids.size).toBe(2000);
    // Ten bytes an id from a pool of 4,096: five draws from the CSPRNG, not one per id.
    expect(draws.count - before).toBeGreaterThanOrEqual(4);
    expect(draws.count - before).toBeLessThanOrEqual(5);
  });
});

describe('record ids', () => {
  it('are a prefix, an underscore and a ULID, recognised only with that prefix', () => {
    const id = `op_${ulidFrom(1469918176385, Buffer.alloc(10, 0))}`;
    expect(id).toBe('op_01ARYZ6S410000000000000000');
    expect(newId('op', 1469918176385)).toMatch(/^op_01ARYZ6S41/);
    expect(isId(id, 'op')).toBe(true);
    expect(isId(id, 'sys')).toBe(false);
    expect(isId(`x${id}`, 'op')).toBe(false);
    expect(isId(`${id}0`, 'op')).toBe(false);
    expect(isId(id.slice(0, -1), 'op')).toBe(false);
    expect(isId(id.toLowerCase(), 'op')).toBe(false);
    // Crockford base32 leaves out I, L, O and U.
    for (const letter of 'ILOU') expect(isId(`op_${letter}${id.slice(4)}`, 'op')).toBe(false);
    expect(isId(newId('sys'), 'sys')).toBe(true);
  });
});
