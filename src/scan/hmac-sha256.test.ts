import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHmacSha256 } from './hmac-sha256.js';
import { createValueHasher } from './mask.js';

const reference = (key: Uint8Array, message: string) =>
  createHmac('sha256', key).update(message, 'utf8').digest('hex');

describe('HMAC-SHA-256', () => {
  it('matches RFC 4231 test case 2', () => {
    const mac = createHmacSha256(Buffer.from('Jefe'));
    expect(mac.hex('what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('equals node:crypto for any key and message, across block boundaries (property)', () => {
    const message = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.integer({ min: 0, max: 140 }).map((n) => 'x'.repeat(n)),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), message, (key, text) => {
        const mac = createHmacSha256(key);
        expect(mac.hex(text)).toBe(reference(key, text));
        // The same hasher again: no state leaks from one message into the next.
        expect(mac.hex('iin:900515201238', 16)).toBe(
          reference(key, 'iin:900515201238').slice(0, 32),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('gives the value hashes the scanner has always given (128 bits of HMAC of type:value)', () => {
    const hasher = createValueHasher('k');
    expect(hasher.hash('iin', '900515201238')).toBe(
      reference(Buffer.from('k'), 'iin:900515201238').slice(0, 32),
    );
    expect(hasher.hash('health', 'Диагноз')).toBe(
      reference(Buffer.from('k'), 'health:диагноз').slice(0, 32),
    );
  });
});
