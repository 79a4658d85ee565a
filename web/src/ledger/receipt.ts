/**
 * Verifies a ledger receipt in the browser: the record and salt open the entry's commitment
 * (SHA-256(salt ‖ canonical JSON)), the entry is the one the log holds at its index (the
 * inclusion proof leads to the checkpoint's root) and the checkpoint is signed by the log's
 * published key. Each failure is named, so a tampered record shows as not verified, with why.
 */
import {
  NoteFormatError,
  parseCheckpoint,
  type SignatureOutcome,
  type SignedNote,
  type VerifierKey,
  verifyNoteSignature,
} from './checkpoint';
import { canonicalJson } from './canonical-json';
import { concatBytes, decodeBase64, encodeHex, equalBytes } from './encoding';
import { checkInclusion, hashLeaf } from './merkle';

export interface LedgerReceipt {
  readonly index: number;
  readonly type: string;
  readonly record: Readonly<Record<string, unknown>>;
  /** Base64 of the 32-byte salt. */
  readonly salt: string;
  /** Base64 of the public entry. */
  readonly entry: string;
  readonly treeSize: number;
  /** Base64 hashes, bottom up. */
  readonly inclusionProof: readonly string[];
  /** The signed checkpoint note the proof leads to. */
  readonly checkpoint: string;
}

export type ReceiptFailure =
  'malformed' | 'commitment' | 'entry-type' | 'inclusion' | 'checkpoint-size' | 'signature';

export type ReceiptCheck =
  { readonly ok: true } | { readonly ok: false; readonly failure: ReceiptFailure };

const encoder = new TextEncoder();

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** The entry bytes a record commits to: 0x01 ‖ len ‖ type ‖ SHA-256(salt ‖ canonical JSON). */
export async function entryOf(
  type: string,
  record: unknown,
  salt: Uint8Array,
): Promise<Uint8Array> {
  const commitment = await sha256(concatBytes(salt, encoder.encode(canonicalJson(record))));
  return concatBytes(Uint8Array.of(0x01, type.length), encoder.encode(type), commitment);
}

/**
 * Signature outcomes by key and checkpoint text: every receipt on a page usually leads to the same
 * checkpoint, so its signature is checked once, not once per record. Bounded, oldest dropped.
 */
const signatures = new Map<string, Promise<SignatureOutcome>>();
const SIGNATURES_KEPT = 64;

function checkSignature(text: string, note: SignedNote, key: VerifierKey) {
  const id = `${key.name}+${encodeHex(key.keyData)}\n${text}`;
  let outcome = signatures.get(id);
  if (!outcome) {
    outcome = verifyNoteSignature(note, key);
    signatures.set(id, outcome);
    if (signatures.size > SIGNATURES_KEPT) signatures.delete(signatures.keys().next().value!);
  }
  return outcome;
}

export async function verifyReceipt(
  receipt: LedgerReceipt,
  key: VerifierKey,
): Promise<ReceiptCheck> {
  const salt = decodeBase64(receipt.salt);
  const entry = decodeBase64(receipt.entry);
  const proof = receipt.inclusionProof.map(decodeBase64);
  if (!salt || !entry || proof.some((p) => !p)) return { ok: false, failure: 'malformed' };
  let expected: Uint8Array;
  try {
    expected = await entryOf(receipt.type, receipt.record, salt);
  } catch {
    return { ok: false, failure: 'malformed' };
  }
  if (
    !equalBytes(
      expected.subarray(0, 2 + receipt.type.length),
      entry.subarray(0, 2 + receipt.type.length),
    )
  )
    return { ok: false, failure: 'entry-type' };
  if (!equalBytes(expected, entry)) return { ok: false, failure: 'commitment' };
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(receipt.checkpoint);
  } catch (error) {
    if (error instanceof NoteFormatError) return { ok: false, failure: 'malformed' };
    throw error;
  }
  if (checkpoint.size !== receipt.treeSize) return { ok: false, failure: 'checkpoint-size' };
  const signature = await checkSignature(receipt.checkpoint, checkpoint.note, key);
  // The origin names the log: a checkpoint this key signed for another log does not vouch here.
  if (signature !== 'verified' || checkpoint.origin !== key.name)
    return { ok: false, failure: 'signature' };
  const inclusion = await checkInclusion({
    index: receipt.index,
    size: receipt.treeSize,
    leafHash: await hashLeaf(entry),
    proof: proof as Uint8Array[],
    root: checkpoint.rootHash,
  });
  return inclusion.ok ? { ok: true } : { ok: false, failure: 'inclusion' };
}
