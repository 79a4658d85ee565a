/**
 * The ledger's tables. Public: entries, tiles and checkpoints are exactly what anyone may fetch.
 * Private: `ledger_records` holds the records and salts behind the commitments and is never
 * served by the ledger's routes.
 */

export interface LedgerEntriesTable {
  /** Leaf index, from 0. */
  idx: number;
  /** The public entry bytes (version, type tag, commitment). */
  data: Buffer;
}

export interface LedgerRecordsTable {
  idx: number;
  type: string;
  /** 32 random bytes. */
  salt: Buffer;
  /** Canonical JSON of the record (the exact bytes under the commitment). */
  record: string;
  /**
   * The appender's idempotency key (an outbox item's id), unique when present: appending the same
   * key again returns this entry's index instead of a second entry.
   */
  idempotency_key: string | null;
}

export interface LedgerTilesTable {
  /** Tile level (hashes of tree level 8·level). */
  level: number;
  idx: number;
  /** 1..256; a partial tile's row is overwritten as it grows, a full tile never changes. */
  width: number;
  /** The C2SP tile: `width` hashes. */
  hashes: Buffer;
  /** The tile's interior hashes (in-tile levels 1..7), so proofs need no hashing. */
  nodes: Buffer;
}

export interface LedgerCheckpointsTable {
  size: number;
  root: Buffer;
  /** The signed checkpoint note as served. */
  note: string;
  created_at: string;
}

export interface LedgerTables {
  ledger_entries: LedgerEntriesTable;
  ledger_records: LedgerRecordsTable;
  ledger_tiles: LedgerTilesTable;
  ledger_checkpoints: LedgerCheckpointsTable;
}
