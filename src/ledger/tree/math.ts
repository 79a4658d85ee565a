/**
 * Integer helpers for tree coordinates. Log sizes go past 2^32, where JavaScript's bitwise
 * operators silently truncate, so everything here is plain arithmetic on safe integers.
 */

/** The largest power of two that is ≤ n (n ≥ 1). */
export function floorPow2(n: number): number {
  // Below 2^32, count leading zeros exactly and cheaply (this runs for every proof node).
  if (n < 0x1_0000_0000) return 2 ** (31 - Math.clz32(n));
  let p = 2 ** Math.floor(Math.log2(n));
  // Math.log2 rounds up just below a power of two once n has more than ~50 bits; correct it.
  while (p > n) p /= 2;
  while (p * 2 <= n) p *= 2;
  return p;
}

/** The largest power of two strictly less than n (n ≥ 2): RFC 6962's split point `k`. */
export function splitPoint(n: number): number {
  const p = floorPow2(n);
  return p === n ? p / 2 : p;
}

/** Whether n (≥ 1) is a power of two. */
export function isPow2(n: number): boolean {
  return n >= 1 && floorPow2(n) === n;
}

/** Whether the lowest bit of n is set. */
export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

/** n >> 1 for any safe integer n ≥ 0. */
export function half(n: number): number {
  return Math.floor(n / 2);
}

/** Whether `value` is a safe integer ≥ 0. */
export function isIndex(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
