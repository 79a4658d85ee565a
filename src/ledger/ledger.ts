/**
 * The transparency ledger: an append-only RFC 6962 Merkle log of commitments, published as C2SP
 * tiles with signed checkpoints. `createLedger` checks the stored log, takes the right to append
 * (or runs read-only while another instance holds it) and returns the library API.
 *
 * ```ts
 * const ledger = await createLedger({ store, signer });
 * const { index } = await ledger.append({ type: 'access.decision', record: { decision: 'permit' } });
 * // resolved only after the entry, its tiles and a new signed checkpoint were durably committed
 * const receipt = await ledger.receipt(index); // record + salt + inclusion proof + checkpoint
 * ```
 */
import { randomBytes } from 'node:crypto';
import type { CompiledQuery } from 'kysely';
import { DomainError } from '../core/errors.js';
import { type SignedCheckpoint, openCheckpoint, signCheckpoint } from './checkpoint/checkpoint.js';
import { type NoteSigner, parseVerifierKey } from './checkpoint/note.js';
import { CanonicalJsonError, type JsonObject, canonicalJson } from './entry/canonical-json.js';
import { SALT_SIZE, commitRecordText, encodeLeaf, isValidEntryType } from './entry/entry.js';
import { type IntegrityReport, checkIntegrity } from './integrity.js';
import { type ConsistencyProof, type InclusionProof, createLedgerReader } from './ledger-reader.js';
import type { LedgerReceipt } from './receipt.js';
import {
  type BatchOptions,
  type CommittedView,
  DEFAULT_BATCH,
  type SequencedEntry,
  type Sequencer,
  createSequencer,
} from './sequencer.js';
import type { LedgerStore, LedgerWriter } from './store/ledger-store.js';
import { type Hash, hashToBase64 } from './tree/hash.js';
import { MAX_TILE_LEVEL, TILE_WIDTH, hashCountAtTileLevel } from './tree/tiles.js';
import { TreeBuilder } from './tree/tree-builder.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Largest canonical record accepted; records are audit facts, not documents. */
export const MAX_RECORD_BYTES = 64 * 1024;

export interface LedgerOptions {
  readonly store: LedgerStore;
  /** Signs checkpoints; its name is the log origin. */
  readonly signer: NoteSigner;
  readonly clock?: () => Date;
  readonly batch?: Partial<BatchOptions>;
  /** Logs up to this many entries are fully re-hashed at start; larger ones get the edge check. */
  readonly fullCheckUpTo?: number;
  /** How often a read-only instance tries to take over sequencing. Default 2000 ms. */
  readonly standbyRetryMs?: number;
  /** Full tiles kept in memory for proofs (16 KiB each). Default 2048. */
  readonly cacheTiles?: number;
  readonly cacheBundles?: number;
  /** Receives failures worth a log line; callers only see a DomainError. */
  readonly onError?: (error: unknown, context: string) => void;
  /**
   * Told of every batch this instance commits: its new entries and how long its commit took
   * until durable (the transaction and the WAL's fsync) — what an answer that waits for the
   * ledger waits for, on top of its batch's turn.
   */
  readonly onCommitTimed?: (entries: number, seconds: number) => void;
}

export interface AppendInput {
  /** Type tag, e.g. 'access.decision' (public). */
  readonly type: string;
  /** The private record (stored privately; only its salted commitment is public). */
  readonly record: JsonObject;
  /**
   * Idempotency key (1–128 printable ASCII characters, e.g. an outbox item's id), kept with the
   * private record: appending a key already in the log resolves to that entry instead of adding
   * another, so a retry after a crash never logs the record twice.
   */
  readonly key?: string | undefined;
  /**
   * The caller minted `key` for this append and commits it `alongside` under a unique constraint
   * of its own (an access check's id): it cannot be in the log yet, so the ledger does not look it
   * up before the batch — a query per commit that found nothing. Were it in the log after all,
   * the unique index on the records' keys fails the batch: the key is never logged twice.
   */
  readonly keyIsNew?: boolean | undefined;
  /**
   * The appender's own rows, given the new entry's index and the record's canonical JSON (what
   * the ledger stores privately; JSON that parses back to `record`), committed in the entry's
   * transaction (an access check and its event's outbox row with its entry: one commit, not
   * three). Only where the ledger writes into the server's database (`canCommitAlongside`); elsewhere the
   * append is refused with `ledger.unavailable` and nothing is written.
   */
  readonly alongside?: ((index: number, record: string) => readonly CompiledQuery[]) | undefined;
}

export interface AppendResult {
  readonly index: number;
  /** Size of the first checkpoint that includes the entry. */
  readonly treeSize: number;
  readonly leafHash: Hash;
  readonly commitment: Uint8Array;
}

export interface Ledger {
  readonly origin: string;
  /** The note verifier key to publish (`name+hex8+base64`). */
  readonly verifierKey: string;
  /** 'sequencer' when this instance appends, 'standby' while another instance holds the log. */
  readonly role: 'sequencer' | 'standby';
  /** True while this instance sequences into the server's database: `append` takes `alongside` rows. */
  readonly canCommitAlongside: boolean;
  /** Appends a record; resolves after the durable commit with its index (the first one, for a known key). */
  append(input: AppendInput): Promise<AppendResult>;
  /**
   * Appends the records in one batch, so in one transaction with all their `alongside` rows (an
   * access-check batch: every check with its entry, or none). Results in the inputs' order.
   */
  appendGroup(inputs: readonly AppendInput[]): Promise<AppendResult[]>;
  checkpoint(): Promise<SignedCheckpoint>;
  tile(level: number, index: number, width: number): Promise<Uint8Array | undefined>;
  entryBundle(index: number, width: number): Promise<Uint8Array | undefined>;
  proveInclusion(index: number, size?: number): Promise<InclusionProof>;
  proveConsistency(from: number, to?: number): Promise<ConsistencyProof>;
  /** The private receipt for one entry (record, salt, proof to the latest checkpoint). */
  receipt(index: number): Promise<LedgerReceipt>;
  /** Commits what is queued and stops appending. */
  close(): Promise<void>;
}

/** Hands out 32-byte salts from one random buffer per 256 (fewer calls into the CSPRNG). */
function saltSource(): () => Uint8Array {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + SALT_SIZE > pool.length) {
      pool = randomBytes(SALT_SIZE * 256);
      offset = 0;
    }
    offset += SALT_SIZE;
    return pool.subarray(offset - SALT_SIZE, offset);
  };
}

function corrupt(store: LedgerStore, report: IntegrityReport): DomainError {
  const shown = report.problems.slice(0, 3).join('; ');
  const more = report.problems.length > 3 ? ` (and ${report.problems.length - 3} more)` : '';
  return new DomainError(
    'ledger.corrupt',
    `The ledger in ${store.description} failed its ${report.mode} integrity check and will not be served: ${shown}${more}. ` +
      'Run `qalqan ledger fsck` for the full report and restore the database from a backup.',
  );
}

/** The canonical JSON of a valid record; throws `ledger.invalid_entry` naming the problem. */
function validRecord(type: string, record: JsonObject): string {
  if (!isValidEntryType(type)) {
    throw new DomainError(
      'ledger.invalid_entry',
      `'${type.slice(0, 80)}' is not a valid entry type (lower-case words joined by . _ -)`,
    );
  }
  let canonical: string;
  try {
    canonical = canonicalJson(record);
  } catch (error) {
    if (error instanceof CanonicalJsonError)
      throw new DomainError('ledger.invalid_entry', error.message);
    throw error;
  }
  // UTF-8 takes at most 3 bytes per UTF-16 code unit, so only long records need counting.
  if (
    canonical.length > MAX_RECORD_BYTES ||
    (3 * canonical.length > MAX_RECORD_BYTES && Buffer.byteLength(canonical) > MAX_RECORD_BYTES)
  ) {
    throw new DomainError(
      'ledger.invalid_entry',
      `the record is larger than ${MAX_RECORD_BYTES} bytes as canonical JSON`,
    );
  }
  return canonical;
}

/** Loads the committed view for sequencing: checks the stored log, writes the first checkpoint of a new log. */
async function openView(options: LedgerOptions, writer: LedgerWriter): Promise<CommittedView> {
  const { store, signer } = options;
  const verifier = parseVerifierKey(signer.verifierKey);
  const latest = await store.latestCheckpoint();
  const mode = (latest?.size ?? 0) <= (options.fullCheckUpTo ?? 100_000) ? 'full' : 'edge';
  const report = await checkIntegrity(store, verifier, { mode });
  if (!report.ok) throw corrupt(store, report);
  if (!report.checkpoint) {
    const tree = new TreeBuilder();
    const checkpoint = signCheckpoint({ origin: signer.name, size: 0, root: tree.root() }, signer);
    const createdAt = (options.clock ?? (() => new Date()))().toISOString();
    await writer.commit({
      previousSize: 0,
      entries: [],
      records: [],
      tiles: [],
      checkpoint: { ...checkpoint, createdAt },
    });
    return { tree, checkpoint, tail: [] };
  }
  const size = report.checkpoint.size;
  const edge = [];
  for (let level = 0; level <= MAX_TILE_LEVEL && hashCountAtTileLevel(size, level) > 0; level++) {
    const count = hashCountAtTileLevel(size, level);
    if (count % TILE_WIDTH === 0) continue;
    const tile = await store.readTile(level, Math.floor(count / TILE_WIDTH));
    if (tile) edge.push(tile);
  }
  const tree = TreeBuilder.restore(size, edge);
  const tailStart = size - (size % TILE_WIDTH);
  return { tree, checkpoint: report.checkpoint, tail: await store.readEntries(tailStart, size) };
}

/**
 * Opens the ledger over a store. Throws `DomainError('ledger.corrupt')` when the stored log
 * fails its integrity check: a ledger that cannot be trusted is not served at all.
 */
export async function createLedger(options: LedgerOptions): Promise<Ledger> {
  const { store, signer } = options;
  const verifier = parseVerifierKey(signer.verifierKey);
  const clock = options.clock ?? (() => new Date());
  const onError = options.onError ?? (() => undefined);
  const batch: BatchOptions = { ...DEFAULT_BATCH, ...options.batch };
  const nextSalt = saltSource();
  let view: CommittedView | undefined;
  let sequencer: Sequencer | undefined;
  let standbyTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const reader = createLedgerReader({
    store,
    verifier,
    view: () => view,
    cacheTiles: options.cacheTiles ?? 2048,
    cacheBundles: options.cacheBundles ?? 256,
  });

  async function becomeSequencer(writer: LedgerWriter): Promise<void> {
    try {
      view = await openView(options, writer);
    } catch (error) {
      await writer.release().catch(() => undefined);
      throw error;
    }
    const current = createSequencer({
      store,
      writer,
      signer,
      clock,
      batch,
      initial: view,
      onCommit: (next) => {
        view = next;
      },
      onCommitTimed: options.onCommitTimed,
      onError,
      onStopped: (reason) => {
        onError(reason, 'ledger sequencer stopped; this instance is now read-only');
        if (sequencer === current) {
          sequencer = undefined;
          view = undefined;
          void current
            .close()
            .catch((error: unknown) => onError(error, 'ledger sequencer did not stop cleanly'))
            .finally(() => {
              if (!closed) standby();
            });
        }
      },
    });
    sequencer = current;
  }

  /** Read-only: poll for the right to append (another instance holds it, or held it). */
  function standby(): void {
    const retry = options.standbyRetryMs ?? 2000;
    standbyTimer = setTimeout(() => {
      standbyTimer = undefined;
      if (closed) return;
      store
        .openWriter()
        .then(async (writer) => {
          if (!writer) return standby();
          if (closed) return writer.release();
          await becomeSequencer(writer);
        })
        .catch((error: unknown) => {
          onError(error, 'ledger could not take over sequencing');
          standby();
        });
    }, retry);
    standbyTimer.unref();
  }

  const writer = await store.openWriter();
  if (writer) {
    await becomeSequencer(writer);
  } else {
    // Another instance sequences. Serve reads if what it wrote verifies under our key.
    const latest = await store.latestCheckpoint();
    if (latest) openCheckpoint(latest.note, verifier);
    standby();
  }

  /** The sequencer to append to; throws `ledger.unavailable` when closed or on a standby. */
  function appender(): Sequencer {
    if (closed) throw new DomainError('ledger.unavailable', 'The ledger is shutting down.');
    if (!sequencer)
      throw new DomainError(
        'ledger.unavailable',
        'This instance is not the ledger sequencer (another instance is); retry later.',
      );
    return sequencer;
  }

  /** A validated input as the sequencer queues it: salted, committed and encoded. */
  function sequencedEntry({ type, record, key, keyIsNew, alongside }: AppendInput): SequencedEntry {
    const canonical = validRecord(type, record);
    if (key !== undefined && !KEY_PATTERN.test(key)) {
      throw new DomainError(
        'ledger.invalid_entry',
        'the idempotency key must be 1 to 128 printable ASCII characters',
      );
    }
    const salt = nextSalt();
    const commitment = commitRecordText(salt, canonical);
    const { entry, leaf } = encodeLeaf(type, commitment);
    return { entry, leaf, commitment, type, salt, record: canonical, key, keyIsNew, alongside };
  }

  return {
    origin: signer.name,
    verifierKey: signer.verifierKey,
    get role() {
      return sequencer ? 'sequencer' : 'standby';
    },
    get canCommitAlongside() {
      return !closed && sequencer?.canCommitAlongside === true;
    },

    append(input) {
      // Not async: the hot path returns the sequencer's promise without wrapping it in another.
      let entry: SequencedEntry;
      let current: Sequencer;
      try {
        entry = sequencedEntry(input);
        current = appender();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return current.enqueue(entry);
    },

    appendGroup(inputs) {
      let entries: SequencedEntry[];
      let current: Sequencer;
      try {
        entries = inputs.map(sequencedEntry);
        current = appender();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return current.enqueueGroup(entries);
    },

    checkpoint: () => reader.checkpoint(),
    tile: (level, index, width) => reader.tile(level, index, width),
    entryBundle: (index, width) => reader.entryBundle(index, width),
    proveInclusion: (index, size) => reader.proveInclusion(index, size),
    proveConsistency: (from, to) => reader.proveConsistency(from, to),

    async receipt(index) {
      const checkpoint = await reader.checkpoint();
      const proof = await reader.proveInclusion(index, checkpoint.size);
      const [record] = await store.readRecords(index, index + 1);
      const [entry] = await reader.entries(index, index + 1);
      if (!record || !entry)
        throw new DomainError(
          'ledger.record_not_found',
          `Ledger entry ${index} has no private record here.`,
        );
      return {
        index,
        type: record.type,
        record: JSON.parse(record.record) as JsonObject,
        salt: Buffer.from(record.salt).toString('base64'),
        entry: Buffer.from(entry).toString('base64'),
        treeSize: checkpoint.size,
        inclusionProof: proof.hashes.map(hashToBase64),
        checkpoint: checkpoint.note,
      };
    },

    async close() {
      closed = true;
      clearTimeout(standbyTimer);
      const current = sequencer;
      sequencer = undefined;
      await current?.close();
    },
  };
}
