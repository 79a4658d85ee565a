/**
 * Inclusion and consistency proofs (RFC 9162 §2.1.3 and §2.1.4), generated from stored hashes.
 *
 * Generation is split so the I/O stays outside: `planInclusion` / `planConsistency` say which
 * subtree ranges a proof needs; `subtreesOf` turns ranges into the stored hashes (complete
 * subtrees) to look up; `resolveProof` hashes them into proof nodes. The ledger fetches the tiles
 * holding those stored hashes in between.
 *
 * Verification follows the RFC's bit-walking algorithms so it can be checked against them line by
 * line; it never trusts lengths or sizes it was handed.
 */
import { HASH_SIZE, type Hash, hashesEqual, nodeHash } from './hash.js';
import { floorPow2, half, isIndex, isOdd, isPow2, splitPoint } from './math.js';

/** A range of leaves [start, end) whose RFC 6962 hash (MTH) is one proof node. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** A complete subtree: `2^level` leaves starting at leaf `index · 2^level`. */
export interface Subtree {
  readonly level: number;
  readonly index: number;
}

/** The ranges of an inclusion proof (audit path) for leaf `index` in a tree of `size`, bottom up. */
export function planInclusion(index: number, size: number): LeafRange[] {
  if (!isIndex(index) || !isIndex(size) || index >= size) {
    throw new RangeError(`no inclusion proof for index ${index} in a tree of size ${size}`);
  }
  const path: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      path.push({ start: start + k, end });
      end = start + k;
    } else {
      path.push({ start, end: start + k });
      start += k;
    }
  }
  return path.reverse();
}

/** The ranges of a consistency proof from tree size `from` to `to` (RFC 9162 SUBPROOF). */
export function planConsistency(from: number, to: number): LeafRange[] {
  if (!isIndex(from) || !isIndex(to) || from < 1 || from > to) {
    throw new RangeError(`no consistency proof from size ${from} to size ${to}`);
  }
  const proof: LeafRange[] = [];
  // Iterative SUBPROOF(m, D[start:end], b): the recursion only ever descends one side.
  let m = from;
  let start = 0;
  let end = to;
  let complete = true;
  const tail: LeafRange[] = [];
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      tail.push({ start: start + k, end });
      end = start + k;
    } else {
      tail.push({ start, end: start + k });
      m -= k;
      start += k;
      complete = false;
    }
  }
  if (!complete) proof.push({ start, end });
  proof.push(...tail.reverse());
  return proof;
}

/** The complete subtrees that make up [start, end), largest first. */
export function subtreesOf(range: LeafRange): Subtree[] {
  const subtrees: Subtree[] = [];
  let start = range.start;
  while (start < range.end) {
    const size = floorPow2(range.end - start);
    if (start % size !== 0)
      throw new RangeError(`range [${range.start}, ${range.end}) is not decomposable`);
    const level = Math.round(Math.log2(size));
    subtrees.push({ level, index: start / size });
    start += size;
  }
  return subtrees;
}

/** Looks up a stored hash; returns undefined when it is not available. */
export type SubtreeHashes = (subtree: Subtree) => Hash | undefined;

/** The MTH of a range from its complete subtrees (folded right to left, as RFC 6962 does). */
export function rangeHash(range: LeafRange, lookup: SubtreeHashes): Hash {
  const parts = subtreesOf(range);
  let acc: Hash | undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    const hash = lookup(part);
    if (!hash) throw new Error(`stored hash at level ${part.level} index ${part.index} is missing`);
    acc = acc ? nodeHash(hash, acc) : hash;
  }
  if (!acc) throw new RangeError('empty range');
  return acc;
}

/** Turns planned ranges into proof hashes. */
export function resolveProof(ranges: readonly LeafRange[], lookup: SubtreeHashes): Hash[] {
  return ranges.map((range) => rangeHash(range, lookup));
}

function wellFormed(proof: readonly Hash[]): boolean {
  return proof.length <= 64 && proof.every((node) => node.length === HASH_SIZE);
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or undefined if the proof cannot be
 * a proof for that index and size (wrong length, index ≥ size).
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
): Hash | undefined {
  if (!isIndex(index) || !isIndex(size) || index >= size || !wellFormed(proof)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** Whether `proof` shows that `leaf` is at `index` in the tree of `size` with `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  return computed !== undefined && hashesEqual(computed, root);
}

/**
 * Whether `proof` shows the tree of size `to` with root `toRoot` extends the tree of size
 * `from` with root `fromRoot` (RFC 9162 §2.1.4.2). `from` must be ≥ 1; equal sizes need an
 * empty proof and equal roots.
 */
export function verifyConsistency(
  from: number,
  to: number,
  fromRoot: Hash,
  toRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!isIndex(from) || !isIndex(to) || from < 1 || from > to || !wellFormed(proof)) return false;
  if (from === to) return proof.length === 0 && hashesEqual(fromRoot, toRoot);
  const nodes = isPow2(from) ? [fromRoot, ...proof] : [...proof];
  const [first, ...rest] = nodes;
  if (!first) return false;
  let fn = from - 1;
  let sn = to - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = first;
  let sr = first;
  for (const c of rest) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashesEqual(fr, fromRoot) && hashesEqual(sr, toRoot);
}
