/**
 * The ledger's storage port: what the sequencer writes and the readers read. Two implementations:
 * `createMemoryLedgerStore` (tests, benchmarks, embedding) and `createKyselyLedgerStore`
 * (SQLite / PostgreSQL through the server's storage).
 */
import type { CompiledQuery } from 'kysely';
import type { TileData } from '../tree/tile-data.js';

export interface StoredCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  /** The signed note exactly as served. */
  readonly note: string;
  /** ISO-8601 UTC time of the commit that produced it. */
  readonly createdAt: string;
}

/** The private side of an entry: the record and the salt that open its commitment. */
export interface PrivateRecord {
  readonly index: number;
  readonly type: string;
  readonly salt: Uint8Array;
  /** The record as canonical JSON (the exact bytes the commitment covers). */
  readonly record: string;
  /** The appender's idempotency key, unique across the log; absent for unkeyed appends. */
  readonly key?: string | undefined;
}

/** Everything one sequencer batch writes, atomically and durably. */
export interface CommitBatch {
  /** Tree size before the batch; the writer refuses the batch if the stored log is not at it. */
  readonly previousSize: number;
  /** Public entries for indexes previousSize, previousSize + 1, … */
  readonly entries: readonly Uint8Array[];
  readonly records: readonly PrivateRecord[];
  /** Tiles completed or extended by the batch (upserted by level and index). */
  readonly tiles: readonly TileData[];
  readonly checkpoint: StoredCheckpoint;
  /**
   * Other modules' rows to commit in the same transaction as the batch (an access check and its
   * event's outbox row beside its entry), in order. Only a writer with `alongside: true` takes
   * them.
   */
  readonly alongside?: readonly CompiledQuery[] | undefined;
}

export interface LedgerWriter {
  /** Writes the batch in one durable transaction; rejects (writing nothing) on any failure. */
  commit(batch: CommitBatch): Promise<void>;
  /** Gives up the right to sequence. */
  release(): Promise<void>;
  /**
   * True when the writer commits into the server's own database, so a batch can carry other
   * modules' rows (`CommitBatch.alongside`) in its transaction.
   */
  readonly alongside?: boolean;
  /**
   * True when `commit` blocks the thread until durable (better-sqlite3): nothing can queue during
   * such a commit, so the sequencer lets the pending I/O run before it takes a batch.
   */
  readonly blocking?: boolean;
}

export interface LedgerStore {
  /** Where the data lives, for messages. */
  readonly description: string;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** Checkpoints with size ≥ `fromSize`, by size, at most `limit`. */
  checkpointsFrom(fromSize: number, limit: number): Promise<StoredCheckpoint[]>;
  /** One more than the highest stored entry index (0 when there are none). */
  entryCount(): Promise<number>;
  /** Public entries [start, end), in order; missing ones are simply absent. */
  readEntries(start: number, end: number): Promise<Uint8Array[]>;
  /** Private records [start, end), in order. */
  readRecords(start: number, end: number): Promise<PrivateRecord[]>;
  /**
   * The committed records carrying any of these idempotency keys (one query), by key. The
   * sequencer asks once per batch that has keys, after the previous commit, so it sees every
   * committed key.
   */
  recordsByKey(keys: readonly string[]): Promise<Map<string, PrivateRecord>>;
  /** The widest stored version of a tile. */
  readTile(level: number, index: number): Promise<TileData | undefined>;
  /**
   * Takes the right to append. Resolves undefined when another process holds it (PostgreSQL
   * advisory lock); the caller may retry later.
   */
  openWriter(): Promise<LedgerWriter | undefined>;
}

/** The stored log is not where the writer expected it: someone else appended or truncated it. */
export class LedgerConflictError extends Error {
  constructor(expected: number, found: number) {
    super(
      `the stored ledger has ${found} entries where this sequencer expected ${expected}; another process is writing to it`,
    );
    this.name = 'LedgerConflictError';
  }
}

/**
 * The batch reached the database but making it durable failed (an fsync error): whether it
 * survives a power loss is unknown — after a failed fsync the kernel may have dropped the pages —
 * so the batch is not confirmed and the sequencer stops appending until restarted.
 */
export class LedgerDurabilityError extends Error {
  constructor(cause: unknown) {
    super(
      `the ledger batch was written but could not be made durable: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'LedgerDurabilityError';
  }
}
