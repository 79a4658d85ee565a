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

const prefixes = new Map<string, Buffer>();

function prefixOf(type: string): Buffer {
  let prefix = prefixes.get(type);
  if (!prefix) {
    if (!isValidEntryType(type)) throw new RangeError(`'${type}' is not a valid entry type`);
    prefix = Buffer.concat([Uint8Array.of(ENTRY_VERSION, type.length), Buffer.from(type, 'ascii')]);
    // Bounded: type tags are a small fixed vocabulary, but a caller looping over junk must not grow this forever.
    if (prefixes.size < 1024) prefixes.set(type, prefix);
  }
  return prefix;
}

export function encodeEntry(type: string, commitment: Uint8Array): Buffer {
  if (commitment.length !== HASH_SIZE) throw new RangeError('a commitment is 32 bytes');
  return encodeLeaf(type, hashToText(commitment)).entry;
}

/**
 * The entry and its RFC 6962 leaf hash in one allocation: the entry is written after a 0x00
 * byte, so the leaf hash is one SHA-256 over the same buffer. Commitment and leaf are in text
 * form (see `HashText`): this runs once per append.
 */
export function encodeLeaf(type: string, commitment: HashText): { entry: Buffer; leaf: HashText } {
  const prefix = prefixOf(type);
  const input = Buffer.allocUnsafe(1 + prefix.length + HASH_SIZE);
  input[0] = 0x00;
  input.set(prefix, 1);
  input.write(commitment, 1 + prefix.length, 'latin1');
  return { entry: input.subarray(1), leaf: hash('sha256', input, 'binary') };
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

/** `commitRecord` in text form, with one buffer and one-shot hashing (once per append). */
export function commitRecordText(salt: Uint8Array, canonicalRecord: string): HashText {
  const input = Buffer.allocUnsafe(salt.length + Buffer.byteLength(canonicalRecord, 'utf8'));
  input.set(salt, 0);
  input.write(canonicalRecord, salt.length, 'utf8');
  return hash('sha256', input, 'binary');
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
