/**
 * Key -> slot for a slab of groups (see `distinct-table.ts`): an open-addressing hash table
 * (linear probing, at most half full) in one `Int32Array` of (slot, hash) pairs, the keys
 * themselves in the owner's slot array.
 *
 * Why not a `Map`: with millions of groups and a new key for nearly every event, a `Map`'s
 * insert (a probe of its bucket array and entry chain, growing by copying every entry) costs
 * about twice a probe here (a scratch microbenchmark, 2,000,000 new keys: 0.66-0.73 µs against
 * 0.35-0.38 µs), and its backing store is a large array of pointers the garbage collector walks
 * on every full collection; this table's array holds no pointers.
 *
 * The hash (`text-hash.ts`) is over the key's characters, from a random seed per table: what the
 * engine computes never depends on it (only where a key sits), and chosen keys do not pile onto
 * one probe sequence. Deletion shifts the following entries back (no tombstones), so probe
 * sequences stay as short as the load allows.
 */
import { randomHashSeed, seededTextHash } from './text-hash.js';

const EMPTY = -1;

export class KeyIndex {
  #table: Int32Array;
  #mask: number;
  #size = 0;
  readonly #seed: number;
  /** Where the last `find` that missed stopped, and the key's hash: `insert` puts it there. */
  #missAt = 0;
  #missHash = 0;

  /**
   * @param keys The owner's key of each slot (read only, and only for slots in this index).
   * @param capacity Initial number of positions (a power of two).
   */
  constructor(
    private readonly keys: readonly (string | null)[],
    capacity = 1_024,
    seed = randomHashSeed(),
  ) {
    this.#table = new Int32Array(capacity * 2).fill(EMPTY);
    this.#mask = capacity - 1;
    this.#seed = seed;
  }

  get size(): number {
    return this.#size;
  }

  /** The slot of `key`, or -1 (then `insert` may put a slot for this key where the search ended). */
  find(key: string): number {
    const table = this.#table;
    const hash = this.#hashOf(key);
    let at = hash & this.#mask;
    for (;;) {
      const slot = table[at * 2]!;
      if (slot === EMPTY) break;
      if (table[at * 2 + 1] === hash && this.keys[slot] === key) return slot;
      at = (at + 1) & this.#mask;
    }
    this.#missAt = at;
    this.#missHash = hash;
    return -1;
  }

  /** Adds `slot` for the key the last `find` missed (nothing may change the index in between). */
  insert(slot: number): void {
    this.#table[this.#missAt * 2] = slot;
    this.#table[this.#missAt * 2 + 1] = this.#missHash;
    this.#size += 1;
    if (this.#size * 2 > this.#mask + 1) this.#grow();
  }

  /** Removes `key`, held by `slot`. */
  delete(key: string, slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let hole = this.#hashOf(key) & mask;
    while (table[hole * 2] !== slot) hole = (hole + 1) & mask;
    this.#size -= 1;
    // Entries after the hole that may sit there (their home is not between the hole and them)
    // move back into it, until an empty position ends the run.
    let at = hole;
    for (;;) {
      at = (at + 1) & mask;
      const moving = table[at * 2]!;
      if (moving === EMPTY) break;
      const home = table[at * 2 + 1]! & mask;
      const between = hole <= at ? hole < home && home <= at : hole < home || home <= at;
      if (between) continue;
      table[hole * 2] = moving;
      table[hole * 2 + 1] = table[at * 2 + 1]!;
      hole = at;
    }
    table[hole * 2] = EMPTY;
  }

  #grow(): void {
    const old = this.#table;
    const capacity = (this.#mask + 1) * 2;
    const table = new Int32Array(capacity * 2).fill(EMPTY);
    const mask = capacity - 1;
    for (let from = 0; from < old.length; from += 2) {
      const slot = old[from]!;
      if (slot === EMPTY) continue;
      const hash = old[from + 1]!;
      let at = hash & mask;
      while (table[at * 2] !== EMPTY) at = (at + 1) & mask;
      table[at * 2] = slot;
      table[at * 2 + 1] = hash;
    }
    this.#table = table;
    this.#mask = mask;
  }

  #hashOf(key: string): number {
    return seededTextHash(this.#seed, key);
  }
}
