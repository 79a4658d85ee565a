/**
 * C2SP signed notes, tlog checkpoints and Ed25519 verifier keys: parsing, and checking a
 * checkpoint's signature in the browser with WebCrypto.
 *
 * @example
 * const checkpoint = parseCheckpoint(await (await fetch('/ledger/checkpoint')).text());
 * const key = parseVerifierKey(await (await fetch('/ledger/vkey')).text());
 * const outcome = await verifyNoteSignature(checkpoint.note, key); // 'verified' | …
 */
import { HASH_SIZE } from './merkle';
import { concatBytes, decodeBase64, encodeHex } from './encoding';

export class NoteFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteFormatError';
  }
}

export interface NoteSignature {
  /** The signer's name as written on the signature line. */
  readonly name: string;
  /** First 4 bytes of SHA-256(name ‖ "\n" ‖ key), as 8 hex digits: which key signed. */
  readonly keyId: string;
  readonly signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text: every line up to and including the newline before the blank line. */
  readonly body: string;
  readonly signatures: readonly NoteSignature[];
}

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Optional lines after the root hash, kept verbatim. */
  readonly extensions: readonly string[];
  readonly note: SignedNote;
}

export interface VerifierKey {
  readonly name: string;
  readonly keyId: string;
  /** Algorithm byte: 0x01 is Ed25519, the only one a checkpoint signer uses here. */
  readonly algorithm: number;
  readonly publicKey: Uint8Array;
  /** The algorithm byte followed by the public key, as hashed into the key id. */
  readonly keyData: Uint8Array;
}

const ED25519 = 0x01;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
// A signature line starts with an em dash (U+2014) and a space.
const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/;

/** Splits a signed note into its body and signature lines (C2SP signed-note). */
export function parseSignedNote(text: string): SignedNote {
  // The body has no blank line, so the first one ends it; a second blank line then fails as a
  // malformed signature line.
  const split = text.indexOf('\n\n');
  if (split < 0) throw new NoteFormatError('the note has no blank line before its signatures');
  if (!text.endsWith('\n')) throw new NoteFormatError('the note does not end with a newline');
  const body = text.slice(0, split + 1);
  const signatures = text
    .slice(split + 2, -1)
    .split('\n')
    .map((line, number): NoteSignature => {
      const match = SIGNATURE_LINE.exec(line);
      const decoded = match?.[2] === undefined ? undefined : decodeBase64(match[2]);
      if (!match?.[1] || !decoded || decoded.length < 5) {
        throw new NoteFormatError(`signature line ${number + 1} is not "— <name> <base64>"`);
      }
      return {
        name: match[1],
        keyId: encodeHex(decoded.subarray(0, 4)),
        signature: decoded.subarray(4),
      };
    });
  return { body, signatures };
}

/** Parses a C2SP tlog-checkpoint: origin, decimal tree size, base64 root hash, extensions. */
export function parseCheckpoint(text: string): Checkpoint {
  const note = parseSignedNote(text);
  const [origin, sizeText, rootText, ...extensions] = note.body.slice(0, -1).split('\n');
  if (!origin) throw new NoteFormatError('the checkpoint has no origin line');
  if (sizeText === undefined || !/^(?:0|[1-9][0-9]*)$/.test(sizeText)) {
    throw new NoteFormatError('the second line of the checkpoint is not a decimal tree size');
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) {
    throw new NoteFormatError('the tree size is larger than this page can handle exactly');
  }
  const rootHash = rootText === undefined ? undefined : decodeBase64(rootText);
  if (rootHash?.length !== HASH_SIZE) {
    throw new NoteFormatError('the third line of the checkpoint is not a base64 SHA-256 hash');
  }
  return { origin, size, rootHash, extensions, note };
}

/** Parses a signed-note verifier key `<name>+<8 hex digits>+<base64 key data>`. */
export function parseVerifierKey(text: string): VerifierKey {
  // The key data is base64 and may itself contain '+', so the text is not simply split on it.
  const match = /^([^\s+]+)\+([^+]*)\+(\S*)$/.exec(text.trim());
  const [, name, keyId, keyText] = match ?? [];
  if (!name || keyId === undefined || keyText === undefined) {
    throw new NoteFormatError('the verifier key is not "<name>+<key id>+<key>"');
  }
  if (!/^[0-9a-f]{8}$/.test(keyId)) {
    throw new NoteFormatError('the verifier key id is not 8 lower-case hex digits');
  }
  const keyData = decodeBase64(keyText);
  if (!keyData || keyData.length < 2) {
    throw new NoteFormatError('the verifier key data is not base64');
  }
  const algorithm = keyData[0] ?? 0;
  return { name, keyId, algorithm, publicKey: keyData.subarray(1), keyData };
}

/** Recomputes a verifier key's id from its name and key data. */
export async function computeKeyId(name: string, keyData: Uint8Array): Promise<string> {
  const input = concatBytes(new TextEncoder().encode(`${name}\n`), keyData);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  return encodeHex(digest.subarray(0, 4));
}

export type SignatureOutcome =
  /** A signature by this key verifies over the note's body. */
  | 'verified'
  /** A signature claims to be by this key but does not verify: the note or key was altered. */
  | 'invalid'
  /** No signature line names this key (by name and key id). */
  | 'not_signed_by_key'
  /** The key's id does not match its name and key data. */
  | 'key_id_mismatch'
  /** The key is not Ed25519, or this browser's WebCrypto has no Ed25519. */
  | 'unsupported';

/** A checkpoint's outcome: its signature's, or that it names another log than the key's. */
export type CheckpointOutcome =
  | SignatureOutcome
  /** Signed by this key, but the origin line names another log than the key (C2SP: they match). */
  | 'origin_mismatch';

/**
 * Checks a checkpoint's signature by `key` and that its origin is the key's name, as the server's
 * own verifier does: a note this key signed for another log is not taken for this one.
 */
export async function verifyCheckpointSignature(
  checkpoint: Checkpoint,
  key: VerifierKey,
): Promise<CheckpointOutcome> {
  const outcome = await verifyNoteSignature(checkpoint.note, key);
  return outcome === 'verified' && checkpoint.origin !== key.name ? 'origin_mismatch' : outcome;
}

/** Checks the note's signature by `key` with WebCrypto Ed25519. */
export async function verifyNoteSignature(
  note: SignedNote,
  key: VerifierKey,
): Promise<SignatureOutcome> {
  if ((await computeKeyId(key.name, key.keyData)) !== key.keyId) return 'key_id_mismatch';
  const signature = note.signatures.find((s) => s.name === key.name && s.keyId === key.keyId);
  if (!signature) return 'not_signed_by_key';
  if (key.algorithm !== ED25519 || key.publicKey.length !== ED25519_KEY_SIZE) return 'unsupported';
  if (signature.signature.length !== ED25519_SIGNATURE_SIZE) return 'invalid';
  let publicKey: CryptoKey;
  try {
    publicKey = await crypto.subtle.importKey(
      'raw',
      concatBytes(key.publicKey),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
  } catch {
    // Older browsers lack Ed25519 in WebCrypto; say so rather than call the log untrustworthy.
    return 'unsupported';
  }
  const valid = await crypto.subtle.verify(
    { name: 'Ed25519' },
    publicKey,
    concatBytes(signature.signature),
    concatBytes(new TextEncoder().encode(note.body)),
  );
  return valid ? 'verified' : 'invalid';
}
