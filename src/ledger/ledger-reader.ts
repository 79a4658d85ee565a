/**
 * The read side: checkpoint, tiles, entry bundles and proofs, answered from the sequencer's
 * committed view when this instance sequences, else from storage. Full tiles and bundles never
 * change, so they are cached (LRU); right-edge data comes from memory or a fresh read.
 *
 * Everything served is bounded by one checkpoint read first: a tile or proof beyond that tree
 * size does not exist yet, even if storage already holds a newer batch.
 */
import { DomainError } from '../core/errors.js';
import { type SignedCheckpoint, openCheckpoint } from './checkpoint/checkpoint.js';
import type { NoteVerifier } from './checkpoint/note.js';
import { LruCache } from './lru.js';
import type { CommittedView } from './sequencer.js';
import type { LedgerStore } from './store/ledger-store.js';
import { HASH_SIZE, type Hash } from './tree/hash.js';
import { isIndex } from './tree/math.js';
import {
  type LeafRange,
  type Subtree,
  planConsistency,
  planInclusion,
  rangeHash,
  subtreesOf,
} from './tree/proofs.js';
import { type TileData, hashInTile, locateSubtree } from './tree/tile-data.js';
import { TILE_WIDTH, encodeEntryBundle, tileWidthAt } from './tree/tiles.js';

export interface InclusionProof {
  readonly index: number;
  readonly size: number;
  /** Audit path, bottom up (RFC 9162 §2.1.3). */
  readonly hashes: readonly Hash[];
}

export interface ConsistencyProof {
  readonly from: number;
  readonly to: number;
  readonly hashes: readonly Hash[];
}

export interface LedgerReader {
  checkpoint(): Promise<SignedCheckpoint>;
  /** The C2SP tile bytes, or undefined when the tree has no such tile (yet). */
  tile(level: number, index: number, width: number): Promise<Uint8Array | undefined>;
  /** The entry bundle bytes, or undefined when the tree has no such bundle (yet). */
  entryBundle(index: number, width: number): Promise<Uint8Array | undefined>;
  /** Public entries [start, end) of the current tree. */
  entries(start: number, end: number): Promise<readonly Uint8Array[]>;
  proveInclusion(index: number, size?: number): Promise<InclusionProof>;
  proveConsistency(from: number, to?: number): Promise<ConsistencyProof>;
}

export interface LedgerReaderDeps {
  readonly store: LedgerStore;
  readonly verifier: NoteVerifier;
  /** The sequencer's committed view, or undefined on a standby instance. */
  readonly view: () => CommittedView | undefined;
  readonly cacheTiles: number;
  readonly cacheBundles: number;
}

const key = (level: number, index: number) => `${level}/${index}`;

export function createLedgerReader(deps: LedgerReaderDeps): LedgerReader {
  const { store } = deps;
  const tiles = new LruCache<string, TileData>(deps.cacheTiles);
  const bundles = new LruCache<number, Uint8Array>(deps.cacheBundles);
  const rangeHashes = new LruCache<string, Hash>(4096);
  const edgeTiles = new WeakMap<CommittedView, Map<number, TileData | undefined>>();
  let standbyCheckpoint: SignedCheckpoint | undefined;

  async function checkpoint(): Promise<SignedCheckpoint> {
    const view = deps.view();
    if (view) return view.checkpoint;
    const stored = await store.latestCheckpoint();
    if (!stored)
      throw new DomainError(
        'ledger.unavailable',
        'The ledger has no checkpoint yet: its sequencer has not started.',
      );
    if (standbyCheckpoint?.note !== stored.note)
      standbyCheckpoint = openCheckpoint(stored.note, deps.verifier);
    return standbyCheckpoint;
  }

  function edgeTile(view: CommittedView, level: number): TileData | undefined {
    let byLevel = edgeTiles.get(view);
    if (!byLevel) {
      byLevel = new Map();
      edgeTiles.set(view, byLevel);
    }
    if (!byLevel.has(level)) byLevel.set(level, view.tree.edgeTile(level));
    return byLevel.get(level);
  }

  /** The stored tile (level, index), at least as wide as it is in a tree of `size`. */
  async function tileData(
    level: number,
    index: number,
    size: number,
  ): Promise<TileData | undefined> {
    const width = tileWidthAt(size, level, index);
    if (width === 0) return undefined;
    if (width === TILE_WIDTH) {
      const cached = tiles.get(key(level, index));
      if (cached) return cached;
    } else {
      const view = deps.view();
      const edge = view ? edgeTile(view, level) : undefined;
      if (edge?.index === index && edge.width >= width) return edge;
    }
    const stored = await store.readTile(level, index);
    if (!stored || stored.width < width) {
      throw new Error(
        `ledger storage lacks tile ${level}/${index} width ${width} of tree size ${size}`,
      );
    }
    if (stored.width === TILE_WIDTH) tiles.set(key(level, index), stored);
    return stored;
  }

  async function entries(start: number, end: number): Promise<readonly Uint8Array[]> {
    const view = deps.view();
    if (view) {
      const tailStart = view.checkpoint.size - view.tail.length;
      if (start >= tailStart && end <= view.checkpoint.size)
        return view.tail.slice(start - tailStart, end - tailStart);
    }
    const rows = await store.readEntries(start, end);
    if (rows.length !== end - start)
      throw new Error(`ledger storage lacks entries in [${start}, ${end})`);
    return rows;
  }

  async function prove(ranges: readonly LeafRange[], size: number): Promise<Hash[]> {
    const needed = new Map<string, { level: number; index: number }>();
    for (const range of ranges) {
      for (const s of subtreesOf(range)) {
        const at = locateSubtree(s.level, s.index);
        needed.set(key(at.tileLevel, at.tileIndex), { level: at.tileLevel, index: at.tileIndex });
      }
    }
    const fetched = new Map<string, TileData>();
    await Promise.all(
      [...needed].map(async ([k, t]) => {
        const tile = await tileData(t.level, t.index, size);
        if (tile) fetched.set(k, tile);
      }),
    );
    const lookup = (s: Subtree) => {
      const at = locateSubtree(s.level, s.index);
      const tile = fetched.get(key(at.tileLevel, at.tileIndex));
      return tile ? hashInTile(tile, at.k, at.pos) : undefined;
    };
    return ranges.map((range) => {
      // A range that is not one complete subtree needs hashing; the log is append-only, so
      // its hash never changes, and proofs against the same tree size share the top ranges.
      const rangeKey = `${range.start}:${range.end}`;
      const cached = rangeHashes.get(rangeKey);
      if (cached) return cached;
      const hash = rangeHash(range, lookup);
      if (subtreesOf(range).length > 1) rangeHashes.set(rangeKey, hash);
      return hash;
    });
  }

  function requireSize(size: number, current: number, what: string): void {
    if (!isIndex(size))
      throw new DomainError(
        'request.validation',
        `${what} must be a whole number ≥ 0, got ${size}`,
      );
    if (size > current) {
      throw new DomainError(
        'ledger.size_beyond_tree',
        `${what} ${size} is larger than the tree (size ${current}).`,
      );
    }
  }

  return {
    checkpoint,
    entries,

    async tile(level, index, width) {
      const { size } = await checkpoint();
      if (width > tileWidthAt(size, level, index)) return undefined;
      const data = await tileData(level, index, size);
      return data?.hashes.subarray(0, width * HASH_SIZE);
    },

    async entryBundle(index, width) {
      const { size } = await checkpoint();
      if (width > tileWidthAt(size, 0, index)) return undefined;
      if (width === TILE_WIDTH) {
        const cached = bundles.get(index);
        if (cached) return cached;
      }
      const bundle = encodeEntryBundle(
        await entries(index * TILE_WIDTH, index * TILE_WIDTH + width),
      );
      if (width === TILE_WIDTH) bundles.set(index, bundle);
      return bundle;
    },

    async proveInclusion(index, size) {
      const current = (await checkpoint()).size;
      const treeSize = size ?? current;
      requireSize(treeSize, current, 'size');
      if (!isIndex(index) || index >= treeSize) {
        throw new DomainError(
          'ledger.index_out_of_range',
          `index ${index} is not in a tree of size ${treeSize}.`,
        );
      }
      return {
        index,
        size: treeSize,
        hashes: await prove(planInclusion(index, treeSize), treeSize),
      };
    },

    async proveConsistency(from, to) {
      const current = (await checkpoint()).size;
      const toSize = to ?? current;
      requireSize(toSize, current, 'to');
      if (!isIndex(from) || from < 1 || from > toSize) {
        throw new DomainError(
          'ledger.bad_proof_range',
          `from must be between 1 and to (${toSize}), got ${from}; every tree extends the empty tree.`,
        );
      }
      return { from, to: toSize, hashes: await prove(planConsistency(from, toSize), toSize) };
    },
  };
}
