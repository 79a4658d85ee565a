/**
 * Record identifiers: a type prefix and a ULID (48-bit millisecond time + 80 random bits in
 * Crockford base32). Time-ordered, so ids sort by creation and keyset pagination needs no extra
 * column; random enough that they cannot be guessed or enumerated.
 */
import { randomFillSync } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';

const RANDOM_BYTES = 10;
/**
 * Random bytes drawn from the CSPRNG a pool at a time, as Node's own `randomUUID` does: one call
 * into OpenSSL per 409 ids instead of one per id (a few per access check). Each byte is used once.
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/** The offset of `n` fresh random bytes in `pool`. */
function takeRandom(n: number): number {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += n;
  return at;
}

export function ulid(now: number = Date.now()): string {
  return ulidFrom(now, pool, takeRandom(RANDOM_BYTES));
}

/** The ULID of a time and the ten random bytes at `offset` of `random`. */
export function ulidFrom(now: number, random: Uint8Array, offset = 0): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let bits = 0;
  let value = 0;
  let tail = '';
  for (let i = offset; i < offset + RANDOM_BYTES; i++) {
    value = (value << 8) | random[i]!;
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
