/**
 * Record identifiers: a type prefix and a ULID (48-bit millisecond time + 80 random bits in
 * Crockford base32). Time-ordered, so ids sort by creation and keyset pagination needs no extra
 * column; random enough that they cannot be guessed or enumerated.
 */
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';

export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(10);
  let bits = 0;
  let value = 0;
  let tail = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      tail += CROCKFORD[(value >> bits) & 31]!;
    }
  }
  return time + tail;
}

/** `newId('op')` → `op_01JD…` */
export function newId(prefix: string, now?: number): string {
  return `${prefix}_${ulid(now)}`;
}

export function isId(value: string, prefix: string): boolean {
  return new RegExp(`^${prefix}_${ULID_PATTERN}$`).test(value);
}
