/**
 * RFC 6962 §2.1 written as literally as possible (recursive, no tiles, no caching): the oracle the
 * property tests hold the incremental appender and the tile-based proofs to.
 */
import { createHash } from 'node:crypto';

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
}

/** MTH(D[n]). */
export function referenceRoot(entries: readonly Uint8Array[]): Buffer {
  const n = entries.length;
  if (n === 0) return sha256();
  if (n === 1) return sha256(Uint8Array.of(0), entries[0]!);
  const k = largestPow2Below(n);
  return sha256(
    Uint8Array.of(1),
    referenceRoot(entries.slice(0, k)),
    referenceRoot(entries.slice(k)),
  );
}

/** PATH(m, D[n]). */
export function referencePath(m: number, entries: readonly Uint8Array[]): Buffer[] {
  const n = entries.length;
  if (n <= 1) return [];
  const k = largestPow2Below(n);
  if (m < k) return [...referencePath(m, entries.slice(0, k)), referenceRoot(entries.slice(k))];
  return [...referencePath(m - k, entries.slice(k)), referenceRoot(entries.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function referenceConsistency(m: number, entries: readonly Uint8Array[]): Buffer[] {
  return subproof(m, entries, true);
}

function subproof(m: number, entries: readonly Uint8Array[], complete: boolean): Buffer[] {
  const n = entries.length;
  if (m === n) return complete ? [] : [referenceRoot(entries)];
  const k = largestPow2Below(n);
  if (m <= k)
    return [...subproof(m, entries.slice(0, k), complete), referenceRoot(entries.slice(k))];
  return [...subproof(m - k, entries.slice(k), false), referenceRoot(entries.slice(0, k))];
}

function largestPow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
