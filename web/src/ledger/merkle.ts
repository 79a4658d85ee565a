/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and inclusion-proof verification, in the browser with
 * WebCrypto. Pure apart from `crypto.subtle`, which is deterministic: no network, no state.
 *
 * @example
 * const leaf = await hashLeaf(entryBytes);
 * const check = await checkInclusion({ index: 5, size: 8, leafHash: leaf, proof, root });
 * if (check.ok) console.log('entry 5 is in the tree of 8 entries');
 */
import { concatBytes, equalBytes } from './encoding';

export const HASH_SIZE = 32;

// Domain separation prefixes: a leaf can never be passed off as an interior node (RFC 6962 §2.1).
const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

/** The leaf hash of one log entry: SHA-256(0x00 ‖ entry). */
export function hashLeaf(entry: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(LEAF_PREFIX, entry));
}

/** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

/** One step up the proof path: which side the sibling was on and the hash after combining. */
export interface InclusionStep {
  readonly sibling: Uint8Array;
  readonly side: 'left' | 'right';
  readonly result: Uint8Array;
}

export type InclusionFailure =
  /** The index is not below the tree size, or either is not a non-negative safe integer. */
  | 'index_out_of_range'
  /** A hash (leaf, root or a proof element) is not 32 bytes. */
  | 'bad_hash_size'
  /** The proof has more or fewer hashes than a tree of this size needs for this index. */
  | 'wrong_proof_length'
  /** The proof is well-formed but leads to a different root: the entry is not in this tree. */
  | 'root_mismatch';

export type InclusionCheck =
  | { readonly ok: true; readonly root: Uint8Array; readonly steps: readonly InclusionStep[] }
  | {
      readonly ok: false;
      readonly reason: InclusionFailure;
      /** The root the proof leads to, when it could be computed. */
      readonly root?: Uint8Array;
      readonly steps: readonly InclusionStep[];
    };

export interface InclusionInput {
  readonly index: number;
  readonly size: number;
  readonly leafHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
  /** The root hash from a checkpoint for a tree of `size` entries. */
  readonly root: Uint8Array;
}

/**
 * Recomputes the tree root from a leaf hash and its audit path (RFC 9162 §2.1.3.2) and compares
 * it with `root`. Expected failures are returned, not thrown, so a page can explain them.
 * Indices are JavaScript numbers: halving uses arithmetic, not 32-bit bitwise operators, so trees
 * up to 2^53 entries are handled exactly.
 */
export async function checkInclusion(input: InclusionInput): Promise<InclusionCheck> {
  const { index, size, leafHash, proof, root } = input;
  const steps: InclusionStep[] = [];
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return { ok: false, reason: 'index_out_of_range', steps };
  }
  if ([leafHash, root, ...proof].some((hash) => hash.length !== HASH_SIZE)) {
    return { ok: false, reason: 'bad_hash_size', steps };
  }

  let fn = index;
  let sn = size - 1;
  let hash = leafHash;
  for (const sibling of proof) {
    if (sn === 0) return { ok: false, reason: 'wrong_proof_length', steps };
    if (fn % 2 === 1 || fn === sn) {
      hash = await hashChildren(sibling, hash);
      steps.push({ sibling, side: 'left', result: hash });
      // A right-edge node of an unbalanced tree is promoted unchanged through the levels
      // where it has no sibling.
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      hash = await hashChildren(hash, sibling);
      steps.push({ sibling, side: 'right', result: hash });
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: 'wrong_proof_length', steps };
  if (!equalBytes(hash, root)) return { ok: false, reason: 'root_mismatch', root: hash, steps };
  return { ok: true, root: hash, steps };
}
