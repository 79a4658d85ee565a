/**
 * RFC 6962 / RFC 9162 Merkle tree hashing: leaf `SHA-256(0x00 ‖ entry)`, interior node
 * `SHA-256(0x01 ‖ left ‖ right)`, empty tree `SHA-256("")`. The 0x00/0x01 prefixes keep a leaf
 * from ever being passed off as an interior node (second-preimage protection).
 *
 * `crypto.hash` is node:crypto's one-shot digest; for 33–65 byte inputs it is about a third faster
 * than `createHash().update().digest()`, and hashing is most of the cost of an append.
 */
import { hash, timingSafeEqual } from 'node:crypto';

export const HASH_SIZE = 32;

/** A 32-byte SHA-256 digest (a `Buffer` at run time). */
export type Hash = Uint8Array;

/** The root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = hash('sha256', Buffer.alloc(0), 'buffer');

/** The hash of one log entry (a leaf). */
export function leafHash(entry: Uint8Array): Hash {
  const input = Buffer.allocUnsafe(entry.length + 1);
  input[0] = 0x00;
  input.set(entry, 1);
  return hash('sha256', input, 'buffer');
}

// One scratch buffer for node inputs: JavaScript is single-threaded and `hash` copies its input
// synchronously, so reusing it saves an allocation per node without any sharing hazard.
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeInput[0] = 0x01;

/** The hash of an interior node from its two children. */
export function nodeHash(left: Hash, right: Hash): Hash {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/**
 * A hash as a 32-character latin1 string: the appender's internal form. One-shot hashing to a
 * string allocates no ArrayBuffer, and allocating one per 32-byte digest costs more than the
 * SHA-256 itself (a node hash is about 3× faster this way); bytes are made once per tile.
 */
export type HashText = string;

/** The hash of one log entry, in text form. */
export function leafHashText(entry: Uint8Array): HashText {
  const input = Buffer.allocUnsafe(entry.length + 1);
  input[0] = 0x00;
  input.set(entry, 1);
  return hash('sha256', input, 'binary');
}

/** The hash of an interior node from its two children, in text form. */
export function nodeHashText(left: HashText, right: HashText): HashText {
  nodeInput.write(left, 1, 'latin1');
  nodeInput.write(right, 1 + HASH_SIZE, 'latin1');
  return hash('sha256', nodeInput, 'binary'); // 'binary' is Node's name for latin1
}

export function hashToText(value: Hash): HashText {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
}

export function textToHash(text: HashText): Buffer {
  return Buffer.from(text, 'latin1');
}

/** Splits `data` (a multiple of 32 bytes) into hashes in text form. */
export function splitHashText(data: Uint8Array): HashText[] {
  const all = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  const count = Math.floor(all.length / HASH_SIZE);
  const hashes = new Array<HashText>(count);
  for (let i = 0; i < count; i++) hashes[i] = all.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  return hashes;
}

/** Concatenates hashes in text form into one buffer. */
export function joinHashText(hashes: readonly HashText[]): Buffer {
  return Buffer.from(hashes.join(''), 'latin1');
}

/** Constant-time equality of two hashes (false when either is not 32 bytes). */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === HASH_SIZE && b.length === HASH_SIZE && timingSafeEqual(a, b);
}

export function hashToBase64(value: Hash): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

/**
 * Decodes a hash from standard padded base64, or returns undefined. Strict: exactly 44
 * characters that re-encode to themselves, so one hash has one spelling.
 */
export function hashFromBase64(text: string): Hash | undefined {
  if (text.length !== 44 || !/^[A-Za-z0-9+/]{43}=$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== HASH_SIZE || bytes.toString('base64') !== text) return undefined;
  return bytes;
}

/** Splits `data` (a multiple of 32 bytes) into hashes that share its memory. */
export function splitHashes(data: Uint8Array): Hash[] {
  const count = Math.floor(data.length / HASH_SIZE);
  const hashes = new Array<Hash>(count);
  for (let i = 0; i < count; i++) {
    hashes[i] = data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
  return hashes;
}

/** Concatenates hashes into one buffer. */
export function joinHashes(hashes: readonly Hash[]): Buffer {
  const out = Buffer.allocUnsafe(hashes.length * HASH_SIZE);
  for (let i = 0; i < hashes.length; i++) out.set(hashes[i]!, i * HASH_SIZE);
  return out;
}
