/**
 * The ledger as a library: everything another module, a tool or a test needs, from one place.
 *
 * ```ts
 * import { createLedger, createMemoryLedgerStore, createNoteSigner, verifyReceipt } from './ledger/index.js';
 * const ledger = await createLedger({ store: createMemoryLedgerStore(), signer: createNoteSigner(origin, key) });
 * const { index } = await ledger.append({ type: 'consent.given', record: { consent: 'c_1' } });
 * verifyReceipt(await ledger.receipt(index), ledger.verifierKey); // { ok: true }
 * ```
 */
export {
  type AppendInput,
  type AppendResult,
  type Ledger,
  type LedgerOptions,
  MAX_RECORD_BYTES,
  createLedger,
} from './ledger.js';
export type { ConsistencyProof, InclusionProof } from './ledger-reader.js';
export { ledgerRoutes } from './ledger.routes.js';
export type { LedgerTables } from './ledger.tables.js';
export { type LedgerReceipt, type ReceiptVerdict, verifyReceipt } from './receipt.js';
export { type IntegrityReport, checkIntegrity } from './integrity.js';
export { type BatchOptions, DEFAULT_BATCH } from './sequencer.js';
export type { LedgerStore, LedgerWriter } from './store/ledger-store.js';
export { createMemoryLedgerStore } from './store/memory-store.js';
export { createKyselyLedgerStore } from './store/kysely-store.js';
export {
  type Checkpoint,
  type SignedCheckpoint,
  openCheckpoint,
  parseCheckpoint,
} from './checkpoint/checkpoint.js';
export {
  type NoteSigner,
  type NoteVerifier,
  NoteError,
  createNoteSigner,
  openNote,
  parseVerifierKey,
  signNote,
} from './checkpoint/note.js';
export { defaultLedgerOrigin, loadSigningKey } from './checkpoint/signing-key.js';
export { type JsonObject, type JsonValue, canonicalJson } from './entry/canonical-json.js';
export { checkRecord, commitRecord, decodeEntry, encodeEntry } from './entry/entry.js';
export { EMPTY_ROOT, type Hash, leafHash, nodeHash } from './tree/hash.js';
export { verifyConsistency, verifyInclusion } from './tree/proofs.js';
export { type RemoteVerifyResult, verifyRemoteLedger } from './verify/remote-verifier.js';
