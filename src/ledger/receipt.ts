/**
 * A receipt is what a data subject gets for one ledger entry: the private record, the salt, the
 * public entry, an inclusion proof and the signed checkpoint it leads to. With the log's verifier
 * key anyone holding it can check, offline, that this exact record is in the log — and later,
 * with a consistency proof, that it is still there.
 *
 * ```ts
 * const receipt = await ledger.receipt(41);
 * verifyReceipt(receipt, ledger.verifierKey); // { ok: true }
 * ```
 */
import { openCheckpoint } from './checkpoint/checkpoint.js';
import { NoteError, parseVerifierKey } from './checkpoint/note.js';
import type { JsonObject } from './entry/canonical-json.js';
import { checkRecord } from './entry/entry.js';
import { hashFromBase64, leafHash } from './tree/hash.js';
import { verifyInclusion } from './tree/proofs.js';

export interface LedgerReceipt {
  readonly index: number;
  readonly type: string;
  readonly record: JsonObject;
  /** Base64 of the 32-byte salt. */
  readonly salt: string;
  /** Base64 of the public entry bytes. */
  readonly entry: string;
  /** Size of the checkpoint the proof leads to. */
  readonly treeSize: number;
  /** Base64 hashes, RFC 9162 audit path order. */
  readonly inclusionProof: readonly string[];
  /** The signed checkpoint note. */
  readonly checkpoint: string;
}

export type ReceiptVerdict =
  { readonly ok: true } | { readonly ok: false; readonly reason: string };

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decode(text: string): Buffer | undefined {
  return STRICT_BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** Checks a receipt completely and offline. Never throws. */
export function verifyReceipt(receipt: LedgerReceipt, verifierKey: string): ReceiptVerdict {
  try {
    const checkpoint = openCheckpoint(receipt.checkpoint, parseVerifierKey(verifierKey));
    if (checkpoint.size !== receipt.treeSize)
      return { ok: false, reason: 'the checkpoint is not for the receipt’s tree size' };
    const entry = decode(receipt.entry);
    const salt = decode(receipt.salt);
    if (!entry || !salt) return { ok: false, reason: 'the entry or salt is not base64' };
    if (!checkRecord(entry, { type: receipt.type, record: receipt.record, salt })) {
      return { ok: false, reason: 'the record and salt do not open the entry’s commitment' };
    }
    const proof = receipt.inclusionProof.map(hashFromBase64);
    if (proof.some((h) => h === undefined))
      return { ok: false, reason: 'a proof hash is not base64 SHA-256' };
    const hashes = proof.filter((h) => h !== undefined);
    if (
      !verifyInclusion(receipt.index, receipt.treeSize, leafHash(entry), hashes, checkpoint.root)
    ) {
      return {
        ok: false,
        reason: `the inclusion proof does not lead to the checkpoint root for index ${receipt.index}`,
      };
    }
    return { ok: true };
  } catch (error) {
    if (error instanceof NoteError) return { ok: false, reason: error.message };
    throw error;
  }
}
