/**
 * Integrity checks of the stored ledger against itself: the latest checkpoint's signature, the
 * entry count, the tiles and every checkpoint's root recomputed from the entries, and (optionally)
 * every private record against its public commitment.
 *
 * - `full` re-hashes everything: `qalqan ledger fsck`, and start-up for logs up to a configured
 *   size (one SHA-256 per entry and per node: about a second per million entries).
 * - `edge` checks what a restart relies on — the signature, the count, the right-edge tiles and
 *   the last full tile of every level against the entries and the root — in constant time.
 *
 * Problems are collected, not thrown, so one run reports all it finds (up to `maxProblems`).
 */
import { type SignedCheckpoint, openCheckpoint } from './checkpoint/checkpoint.js';
import type { NoteVerifier } from './checkpoint/note.js';
import { checkRecord } from './entry/entry.js';
import type { JsonObject } from './entry/canonical-json.js';
import type { LedgerStore, StoredCheckpoint } from './store/ledger-store.js';
import { hashesEqual, leafHash, splitHashes } from './tree/hash.js';
import {
  type TileData,
  fullTileRoot,
  hashInTile,
  sameTile,
  tileIsSelfConsistent,
} from './tree/tile-data.js';
import { MAX_TILE_LEVEL, TILE_WIDTH, hashCountAtTileLevel, tilePath } from './tree/tiles.js';
import { TreeBuilder } from './tree/tree-builder.js';

export type IntegrityMode = 'full' | 'edge';

export interface IntegrityOptions {
  readonly mode: IntegrityMode;
  /** Also open every private record's commitment (full mode). */
  readonly records?: boolean;
  readonly maxProblems?: number;
  /** Called after each entry bundle in full mode. */
  readonly onProgress?: (checkedEntries: number, totalEntries: number) => void;
}

export interface IntegrityReport {
  readonly ok: boolean;
  readonly mode: IntegrityMode;
  /** Size of the latest checkpoint (0 for a log that has none yet). */
  readonly size: number;
  readonly checkpoint: SignedCheckpoint | undefined;
  readonly problems: readonly string[];
  readonly checked: { entries: number; tiles: number; checkpoints: number; records: number };
}

class Findings {
  readonly problems: string[] = [];
  readonly checked = { entries: 0, tiles: 0, checkpoints: 0, records: 0 };
  constructor(private readonly max: number) {}
  add(problem: string): void {
    if (this.problems.length < this.max) this.problems.push(problem);
  }
  get full(): boolean {
    return this.problems.length >= this.max;
  }
}

function verifyStoredCheckpoint(
  stored: StoredCheckpoint,
  verifier: NoteVerifier,
  found: Findings,
): SignedCheckpoint | undefined {
  try {
    const opened = openCheckpoint(stored.note, verifier);
    if (opened.size !== stored.size || !hashesEqual(opened.root, stored.root)) {
      found.add(
        `checkpoint ${stored.size}: the stored size/root columns do not match its signed note`,
      );
      return undefined;
    }
    found.checked.checkpoints++;
    return opened;
  } catch (error) {
    found.add(
      `checkpoint ${stored.size}: ${(error as Error).message} (verifier ${verifier.verifierKey})`,
    );
    return undefined;
  }
}

/** Runs the integrity check; never throws for what it finds, only for storage errors. */
export async function checkIntegrity(
  store: LedgerStore,
  verifier: NoteVerifier,
  options: IntegrityOptions,
): Promise<IntegrityReport> {
  const found = new Findings(options.maxProblems ?? 50);
  const latest = await store.latestCheckpoint();
  const count = await store.entryCount();
  const report = (checkpoint: SignedCheckpoint | undefined): IntegrityReport => ({
    ok: found.problems.length === 0,
    mode: options.mode,
    size: latest?.size ?? 0,
    checkpoint,
    problems: found.problems,
    checked: found.checked,
  });
  if (!latest) {
    if (count > 0)
      found.add(
        `${count} entries are stored but no checkpoint: the checkpoint table was truncated`,
      );
    return report(undefined);
  }
  const checkpoint = verifyStoredCheckpoint(latest, verifier, found);
  if (count !== latest.size) {
    found.add(
      count < latest.size
        ? `entries are truncated: the latest checkpoint covers ${latest.size} entries but only ${count} are stored`
        : `${count - latest.size} entries are stored beyond the latest checkpoint (size ${latest.size})`,
    );
  }
  if (options.mode === 'full') await checkEverything(store, verifier, latest, found, options);
  else await checkRightEdge(store, latest, found);
  return report(checkpoint);
}

async function checkEverything(
  store: LedgerStore,
  verifier: NoteVerifier,
  latest: StoredCheckpoint,
  found: Findings,
  options: IntegrityOptions,
): Promise<void> {
  const size = latest.size;
  const tree = new TreeBuilder();
  let history = await store.checkpointsFrom(0, 1000);
  let nextCheckpoint = 0;
  const compareCheckpoints = async () => {
    while (!found.full) {
      if (nextCheckpoint >= history.length) {
        const last = history.at(-1);
        if (!last || history.length < 1000) return;
        history = await store.checkpointsFrom(last.size + 1, 1000);
        nextCheckpoint = 0;
        continue;
      }
      const cp = history[nextCheckpoint]!;
      if (cp.size > tree.size) return;
      nextCheckpoint++;
      // The latest one was verified already and its root is compared at the end.
      if (cp.size === size) continue;
      if (!hashesEqual(cp.root, tree.root())) {
        found.add(
          `checkpoint ${cp.size}: its root does not match the first ${cp.size} stored entries`,
        );
      }
      verifyStoredCheckpoint(cp, verifier, found);
    }
  };
  await compareCheckpoints();
  for (let start = 0; start < size && !found.full; start += TILE_WIDTH) {
    const end = Math.min(size, start + TILE_WIDTH);
    const entries = await store.readEntries(start, end);
    if (entries.length !== end - start) {
      found.add(
        `entries ${start}..${end - 1}: ${end - start - entries.length} missing; stopped re-hashing here`,
      );
      return;
    }
    if (options.records) await checkRecords(store, start, end, entries, found);
    for (const entry of entries) {
      tree.append(leafHash(entry));
      await compareCheckpoints();
    }
    found.checked.entries += entries.length;
    for (const tile of tree.takeChanges()) {
      if (tile.width === TILE_WIDTH) await compareTile(store, tile, found);
    }
    options.onProgress?.(end, size);
  }
  if (found.full) return;
  for (const tile of tree.edgeTiles()) await compareTile(store, tile, found);
  await compareCheckpoints();
  if (!hashesEqual(tree.root(), latest.root))
    found.add(`the root of the ${size} stored entries is not the latest checkpoint's root`);
}

async function compareTile(store: LedgerStore, expected: TileData, found: Findings): Promise<void> {
  const stored = await store.readTile(expected.level, expected.index);
  found.checked.tiles++;
  if (!stored) found.add(`tile ${tilePath(expected)} is missing`);
  else if (!sameTile(stored, expected)) {
    found.add(
      `tile ${tilePath(expected)} does not match the entries (stored width ${stored.width})`,
    );
  }
}

async function checkRecords(
  store: LedgerStore,
  start: number,
  end: number,
  entries: readonly Uint8Array[],
  found: Findings,
): Promise<void> {
  const records = new Map((await store.readRecords(start, end)).map((r) => [r.index, r]));
  for (let i = start; i < end; i++) {
    const record = records.get(i);
    found.checked.records++;
    if (!record) {
      found.add(`private record ${i} is missing`);
      continue;
    }
    let parsed: JsonObject;
    try {
      parsed = JSON.parse(record.record) as JsonObject;
    } catch {
      found.add(`private record ${i} is not valid JSON`);
      continue;
    }
    if (
      !checkRecord(entries[i - start]!, { type: record.type, record: parsed, salt: record.salt })
    ) {
      found.add(`private record ${i} does not open the commitment in entry ${i}`);
    }
  }
}

async function checkRightEdge(
  store: LedgerStore,
  latest: StoredCheckpoint,
  found: Findings,
): Promise<void> {
  const size = latest.size;
  const edge: TileData[] = [];
  for (let level = 0; level <= MAX_TILE_LEVEL; level++) {
    const count = hashCountAtTileLevel(size, level);
    if (count === 0) break;
    if (count % TILE_WIDTH !== 0) {
      const index = Math.floor(count / TILE_WIDTH);
      const tile = await store.readTile(level, index);
      found.checked.tiles++;
      if (!tile || tile.width !== count % TILE_WIDTH) {
        found.add(
          `tile ${tilePath({ level, index, width: count % TILE_WIDTH })} is ${tile ? `width ${tile.width}` : 'missing'}`,
        );
        continue;
      }
      if (!tileIsSelfConsistent(tile))
        found.add(`tile ${tilePath(tile)}: its interior does not match its hashes`);
      edge.push(tile);
    }
    if (count >= TILE_WIDTH)
      await checkLastFullTile(store, size, level, Math.floor(count / TILE_WIDTH) - 1, found);
  }
  const level0 = edge.find((t) => t.level === 0);
  if (level0) await checkTileEntries(store, level0, found);
  if (found.problems.length > 0) return;
  try {
    const root = TreeBuilder.restore(size, edge).root();
    if (!hashesEqual(root, latest.root))
      found.add('the right-edge tiles do not hash to the latest checkpoint root');
  } catch (error) {
    found.add(`the right-edge tiles do not fit size ${size}: ${(error as Error).message}`);
  }
}

async function checkLastFullTile(
  store: LedgerStore,
  size: number,
  level: number,
  index: number,
  found: Findings,
): Promise<void> {
  const tile = await store.readTile(level, index);
  found.checked.tiles++;
  if (!tile || tile.width !== TILE_WIDTH) {
    found.add(
      `tile ${tilePath({ level, index, width: TILE_WIDTH })} is ${tile ? `width ${tile.width}` : 'missing'}`,
    );
    return;
  }
  if (!tileIsSelfConsistent(tile))
    found.add(`tile ${tilePath(tile)}: its interior does not match its hashes`);
  if (level === 0) await checkTileEntries(store, tile, found);
  const parentIndex = Math.floor(index / TILE_WIDTH);
  const parent = await store.readTile(level + 1, parentIndex);
  const parentHash = parent ? hashInTile(parent, 0, index % TILE_WIDTH) : undefined;
  const root = fullTileRoot(tile);
  if (!parentHash || !root || !hashesEqual(parentHash, root)) {
    found.add(
      `tile ${tilePath(tile)}: its root is not the hash stored for it one level up (size ${size})`,
    );
  }
}

async function checkTileEntries(
  store: LedgerStore,
  tile: TileData,
  found: Findings,
): Promise<void> {
  const start = tile.index * TILE_WIDTH;
  const entries = await store.readEntries(start, start + tile.width);
  found.checked.entries += entries.length;
  const hashes = splitHashes(tile.hashes);
  if (
    entries.length !== tile.width ||
    entries.some((e, i) => !hashesEqual(leafHash(e), hashes[i]!))
  ) {
    found.add(`entries ${start}..${start + tile.width - 1} do not match tile ${tilePath(tile)}`);
  }
}
