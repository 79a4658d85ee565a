/**
 * Public ledger entries are commitments, never data. An entry is
 *
 * ```text
 * 0x01                      format version
 * T (1 byte)                length of the type tag, 1..64
 * type tag (T bytes ASCII)  e.g. "access.decision"
 * commitment (32 bytes)     SHA-256(salt ‖ canonical JSON of the private record)
 * ```
 *
 * The salt is 32 fresh random bytes per record, so nobody can confirm a guessed record (an IIN
 * and a purpose are easy to enumerate) against the public log; only whoever holds the record and
 * its salt can open the commitment. The record itself and the salt are stored privately.
 *
 * ```ts
 * const salt = randomBytes(32);
 * const entry = encodeEntry('consent.given', commitRecord(salt, canonicalJson(record)));
 * checkRecord(entry, { type: 'consent.given', record, salt }); // true
 * ```
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { HASH_SIZE, type HashText, hashToText, textToHash } from '../tree/hash.js';
import { type JsonObject, canonicalJson } from './canonical-json.js';

export const ENTRY_VERSION = 0x01;
export const SALT_SIZE = 32;
export const MAX_TYPE_LENGTH = 64;

const TYPE_PATTERN = /^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$/;

/** A type tag: lower-case ASCII words joined by '.', '_' or '-', at most 64 characters. */
export function isValidEntryType(type: string): boolean {
  return type.length <= MAX_TYPE_LENGTH && TYPE_PATTERN.test(type);
}

export interface EntryParts {
  readonly version: number;
  readonly type: string;
  readonly commitment: Uint8Array;
}

/**
 * Per type tag: the entry prefix (version, length, tag) and a leaf-hash input `0x00 ‖ prefix ‖
 * commitment` whose commitment bytes are overwritten per append. Reusing the input is safe because
 * JavaScript is single-threaded and `hash` reads it synchronously; it saves a buffer per append.
 */
interface TypeBuffers {
  readonly prefix: Buffer;
  readonly leafInput: Buffer;
}

const typeBuffers = new Map<string, TypeBuffers>();

function buffersOf(type: string): TypeBuffers {
  let buffers = typeBuffers.get(type);
  if (!buffers) {
    if (!isValidEntryType(type)) throw new RangeError(`'${type}' is not a valid entry type`);
    const prefix = Buffer.concat([
      Uint8Array.of(ENTRY_VERSION, type.length),
      Buffer.from(type, 'ascii'),
    ]);
    const leafInput = Buffer.alloc(1 + prefix.length + HASH_SIZE);
    leafInput.set(prefix, 1);
    buffers = { prefix, leafInput };
    // Bounded: type tags are a small fixed vocabulary, but a caller looping over junk must not grow this forever.
    if (typeBuffers.size < 1024) typeBuffers.set(type, buffers);
  }
  return buffers;
}

export function encodeEntry(type: string, commitment: Uint8Array): Buffer {
  if (commitment.length !== HASH_SIZE) throw new RangeError('a commitment is 32 bytes');
  return encodeLeaf(type, hashToText(commitment)).entry;
}

/**
 * The entry and its RFC 6962 leaf hash. Commitment and leaf are in text form (see `HashText`):
 * this runs once per append, so the only allocation is the entry itself (it is kept).
 */
export function encodeLeaf(type: string, commitment: HashText): { entry: Buffer; leaf: HashText } {
  const { prefix, leafInput } = buffersOf(type);
  const entry = Buffer.allocUnsafe(prefix.length + HASH_SIZE);
  entry.set(prefix, 0);
  entry.write(commitment, prefix.length, 'latin1');
  leafInput.write(commitment, 1 + prefix.length, 'latin1');
  return { entry, leaf: hash('sha256', leafInput, 'binary') };
}

/** Parses an entry; undefined when it is not a well-formed version-1 entry. */
export function decodeEntry(entry: Uint8Array): EntryParts | undefined {
  if (entry.length < 3 + HASH_SIZE || entry[0] !== ENTRY_VERSION) return undefined;
  const typeLength = entry[1]!;
  if (entry.length !== 2 + typeLength + HASH_SIZE) return undefined;
  const type = Buffer.from(entry.subarray(2, 2 + typeLength)).toString('latin1');
  if (!isValidEntryType(type)) return undefined;
  return { version: ENTRY_VERSION, type, commitment: entry.subarray(2 + typeLength) };
}

/** SHA-256(salt ‖ canonical record). */
export function commitRecord(salt: Uint8Array, canonicalRecord: string): Buffer {
  return textToHash(commitRecordText(salt, canonicalRecord));
}

/**
 * Scratch input for commitments, reused for the same reason as the leaf inputs; it grows to the
 * largest record seen (the ledger accepts up to 64 KiB; checkRecord opens any size).
 */
let commitInput = Buffer.allocUnsafe(16 * 1024);
/**
 * `commitInput.subarray(0, n)` per length n, made once: `hash` needs a view of exactly the input,
 * and making one per append cost as much as a buffer. Only short lengths are kept (bounded).
 */
let commitViews: (Buffer | undefined)[] = [];
const MAX_CACHED_VIEW = 4096;

/** `commitRecord` in text form, through the reused input and one-shot hashing (once per append). */
export function commitRecordText(salt: Uint8Array, canonicalRecord: string): HashText {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit: with this much room the write is whole, and
  // the byte count it returns saves a separate Buffer.byteLength pass over the record.
  const room = salt.length + 3 * canonicalRecord.length;
  if (room > commitInput.length) {
    commitInput = Buffer.allocUnsafe(room);
    commitViews = [];
  }
  commitInput.set(salt, 0);
  const end = salt.length + commitInput.write(canonicalRecord, salt.length, 'utf8');
  let view = end <= MAX_CACHED_VIEW ? commitViews[end] : undefined;
  if (!view) {
    view = commitInput.subarray(0, end);
    if (end <= MAX_CACHED_VIEW) commitViews[end] = view;
  }
  return hash('sha256', view, 'binary');
}

export interface RecordOpening {
  readonly type: string;
  readonly record: JsonObject;
  readonly salt: Uint8Array;
}

/**
 * Whether a private record and its salt open the commitment in a public entry. False (never an
 * exception) for a malformed entry, a record that is not canonicalisable, or a wrong salt.
 */
export function checkRecord(entry: Uint8Array, opening: RecordOpening): boolean {
  const parts = decodeEntry(entry);
  if (!parts || parts.type !== opening.type || opening.salt.length !== SALT_SIZE) return false;
  let canonical: string;
  try {
    canonical = canonicalJson(opening.record);
  } catch {
    return false;
  }
  return timingSafeEqual(commitRecord(opening.salt, canonical), parts.commitment);
}
