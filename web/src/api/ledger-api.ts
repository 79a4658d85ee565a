/**
 * The transparency log as the page reads it: the signed checkpoint and verifier key from
 * `/ledger/…` (C2SP formats, the same files `qalqan ledger verify` reads), inclusion proofs from
 * `/v1/ledger/proof/inclusion`, and entries from the tlog-tiles entry bundles. The leaf hash and
 * every node up to the root are computed here; the server supplies only the sibling hashes.
 */
import {
  type Checkpoint,
  type CheckpointOutcome,
  NoteFormatError,
  parseCheckpoint,
  parseVerifierKey,
  type VerifierKey,
  verifyCheckpointSignature,
} from '../ledger/checkpoint';
import { decodeBase64 } from '../ledger/encoding';
import { checkInclusion, hashLeaf, type InclusionCheck } from '../ledger/merkle';
import { BundleFormatError, locateEntry, parseEntryBundle } from '../ledger/tiles';
import { answer, api } from './client';
import { ApiError, formatError, getBytes, getText, isRecord } from './http';

export interface PublishedLog {
  readonly checkpoint: Checkpoint;
  readonly key: VerifierKey;
  /** The checkpoint's signature and origin, checked with the published key in this browser. */
  readonly signature: CheckpointOutcome;
}

function readNote<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof NoteFormatError) throw formatError(`${what}: ${error.message}`);
    throw error;
  }
}

/**
 * Loads the latest checkpoint and the log's verifier key. Resolves `undefined` when the server
 * has no log (404), which the page shows as "no log yet" rather than as an error.
 */
export async function fetchPublishedLog(signal?: AbortSignal): Promise<PublishedLog | undefined> {
  let checkpointText: string;
  let keyText: string;
  try {
    [checkpointText, keyText] = await Promise.all([
      getText('/ledger/checkpoint', signal),
      getText('/ledger/vkey', signal),
    ]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
  const checkpoint = readNote('/ledger/checkpoint', () => parseCheckpoint(checkpointText));
  const key = readNote('/ledger/vkey', () => parseVerifierKey(keyText));
  return { checkpoint, key, signature: await verifyCheckpointSignature(checkpoint, key) };
}

/** The server's inclusion proof: `GET /v1/ledger/proof/inclusion` (RFC 9162 audit path). */
export interface InclusionProof {
  readonly index: number;
  readonly size: number;
  /** The audit path, bottom up. */
  readonly hashes: readonly Uint8Array[];
}

/** Reads an inclusion-proof response, checking its shape rather than trusting it. */
export function readInclusionProof(body: unknown): InclusionProof {
  if (!isRecord(body) || !Array.isArray(body.hashes)) {
    throw formatError('the inclusion proof response has no hashes array');
  }
  const { index, size } = body;
  if (
    typeof index !== 'number' ||
    typeof size !== 'number' ||
    !Number.isSafeInteger(index) ||
    !Number.isSafeInteger(size)
  ) {
    throw formatError('the inclusion proof response has no integer index and size');
  }
  const hashes = body.hashes.map((hash: unknown, i) => {
    const bytes = typeof hash === 'string' ? decodeBase64(hash) : undefined;
    if (!bytes) throw formatError(`proof hash ${i} is not base64`);
    return bytes;
  });
  return { index, size, hashes };
}

/** Fetches entry `index` from its entry bundle in a tree of `size` entries. */
export async function fetchEntry(
  index: number,
  size: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const location = locateEntry(index, size);
  const bytes = await getBytes(`/ledger/${location.path}`, signal);
  let entries: Uint8Array[];
  try {
    entries = parseEntryBundle(bytes);
  } catch (error) {
    if (error instanceof BundleFormatError) throw formatError(`${location.path}: ${error.message}`);
    throw error;
  }
  const entry = entries[location.offset];
  if (entries.length !== location.width || !entry) {
    throw formatError(
      `${location.path} holds ${entries.length} entries where the tree has ${location.width}`,
    );
  }
  return entry;
}

export interface EntryVerification {
  readonly index: number;
  readonly size: number;
  readonly entry: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly proof: InclusionProof;
  /** The outcome: `inclusion.ok` is true only if the proof leads to the checkpoint's root. */
  readonly inclusion: InclusionCheck;
}

/**
 * Proves in the browser that entry `index` is in the tree the checkpoint commits to: fetches the
 * entry and its inclusion proof for the checkpoint's size, hashes the entry as a leaf and walks
 * the proof up to the root.
 */
export async function verifyEntry(
  index: number,
  checkpoint: Checkpoint,
  signal?: AbortSignal,
): Promise<EntryVerification> {
  const size = checkpoint.size;
  const [proofBody, entry] = await Promise.all([
    answer(api.GET('/v1/ledger/proof/inclusion', { params: { query: { index, size } }, signal })),
    fetchEntry(index, size, signal),
  ]);
  const proof = readInclusionProof(proofBody);
  if (proof.index !== index || proof.size !== size) {
    throw formatError(
      `asked for entry ${index} in a tree of ${size}, got ${proof.index} in ${proof.size}`,
    );
  }
  const leafHash = await hashLeaf(entry);
  const inclusion = await checkInclusion({
    index,
    size,
    leafHash,
    proof: proof.hashes,
    root: checkpoint.rootHash,
  });
  return { index, size, entry, leafHash, proof, inclusion };
}
