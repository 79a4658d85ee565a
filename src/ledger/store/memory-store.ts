/**
 * An in-memory ledger store: the same contract as the database stores (atomic batches, one writer
 * at a time), for unit tests, benchmarks and embedding the ledger without a database.
 */
import type { TileData } from '../tree/tile-data.js';
import {
  type CommitBatch,
  LedgerConflictError,
  type LedgerStore,
  type LedgerWriter,
  type PrivateRecord,
  type StoredCheckpoint,
} from './ledger-store.js';

export interface MemoryLedgerStore extends LedgerStore {
  /** Direct access to the stored rows, for tests that simulate corruption. */
  readonly rows: {
    readonly entries: Uint8Array[];
    /** By index; a hole is a missing record. */
    readonly records: (PrivateRecord | undefined)[];
    readonly tiles: Map<string, TileData>;
    readonly checkpoints: StoredCheckpoint[];
  };
}

export function createMemoryLedgerStore(): MemoryLedgerStore {
  const entries: Uint8Array[] = [];
  const records: (PrivateRecord | undefined)[] = [];
  const tiles = new Map<string, TileData>();
  const checkpoints: StoredCheckpoint[] = [];
  const byKey = new Map<string, PrivateRecord>();
  let writerHeld = false;

  const latest = () => checkpoints.at(-1);

  const writer: LedgerWriter = {
    commit(batch: CommitBatch) {
      const size = latest()?.size ?? 0;
      if (size !== batch.previousSize)
        return Promise.reject(new LedgerConflictError(batch.previousSize, size));
      if (batch.checkpoint.size !== size + batch.entries.length) {
        return Promise.reject(new Error('checkpoint size does not match the batch'));
      }
      // The unique index of the database stores: a batch repeating a stored key writes nothing.
      const keys = new Set<string>();
      for (const record of batch.records) {
        if (record.key === undefined) continue;
        if (byKey.has(record.key) || keys.has(record.key))
          return Promise.reject(new Error(`idempotency key ${record.key} is already stored`));
        keys.add(record.key);
      }
      for (const entry of batch.entries) entries.push(entry);
      for (const record of batch.records) {
        records[record.index] = record;
        if (record.key !== undefined) byKey.set(record.key, record);
      }
      for (const tile of batch.tiles) tiles.set(`${tile.level}/${tile.index}`, tile);
      checkpoints.push(batch.checkpoint);
      return Promise.resolve();
    },
    release() {
      writerHeld = false;
      return Promise.resolve();
    },
  };

  return {
    description: 'memory',
    rows: { entries, records, tiles, checkpoints },
    latestCheckpoint: () => Promise.resolve(latest()),
    checkpointsFrom: (fromSize, limit) =>
      Promise.resolve(checkpoints.filter((c) => c.size >= fromSize).slice(0, limit)),
    entryCount: () => Promise.resolve(entries.length),
    readEntries: (start, end) => Promise.resolve(entries.slice(start, end)),
    readRecords: (start, end) => {
      const out: PrivateRecord[] = [];
      for (let i = start; i < end; i++) {
        const record = records[i];
        if (record) out.push(record);
      }
      return Promise.resolve(out);
    },
    recordsByKey(keys) {
      const found = new Map<string, PrivateRecord>();
      for (const key of keys) {
        const record = byKey.get(key);
        if (record) found.set(key, record);
      }
      return Promise.resolve(found);
    },
    readTile: (level, index) => Promise.resolve(tiles.get(`${level}/${index}`)),
    openWriter() {
      if (writerHeld) return Promise.resolve(undefined);
      writerHeld = true;
      return Promise.resolve(writer);
    },
  };
}
