/**
 * A map from strings, for the engine's largest tables (a group per subject checked in the last
 * 24 h, the distinct subjects of each actor): open addressing with linear probing over a typed
 * array of 32-bit hashes, keys and values in plain arrays beside it.
 *
 * Why not `Map`: most lookups there miss (a subject not seen before), and V8's `Map` answers a
 * miss by walking a bucket's chain, reading every entry and its key string — several cache misses
 * on a table of millions. Here a miss reads one slot of the hash array; a key string is compared
 * only when its full hash matches. The hash is computed in JavaScript (FNV-1a); the last string
 * hashed is remembered, as several tables look up the same value of one event.
 *
 * `string-map.test.ts` holds it to `Map` (get, set, delete, size, iteration contents).
 */
let lastText: string | null = null;
let lastHash = 0;

/** A non-zero 32-bit hash of `text` (zero marks an empty slot). */
export function stringHash(text: string): number {
  if (text === lastText) return lastHash;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  // Mix the high bits into the low ones: the slot is taken from the low bits.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash |= 0;
  if (hash === 0) hash = 1;
  lastText = text;
  lastHash = hash;
  return hash;
}

const MIN_CAPACITY = 8;

/** An array of `length` holes filled with `undefined`, kept in fast elements (not `new Array(n)`). */
function slots<T>(length: number): (T | undefined)[] {
  const array: (T | undefined)[] = [];
  for (let i = 0; i < length; i += 1) array.push(undefined);
  return array;
}

export class StringMap<V> {
  #hashes: Int32Array;
  #keys: (string | undefined)[];
  #values: (V | undefined)[];
  #mask: number;
  #size = 0;

  constructor() {
    this.#hashes = new Int32Array(MIN_CAPACITY);
    this.#keys = slots(MIN_CAPACITY);
    this.#values = slots(MIN_CAPACITY);
    this.#mask = MIN_CAPACITY - 1;
  }

  get size(): number {
    return this.#size;
  }

  get(key: string): V | undefined {
    const hash = stringHash(key);
    const hashes = this.#hashes;
    const mask = this.#mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = hashes[slot]!;
      if (held === 0) return undefined;
      if (held === hash && this.#keys[slot] === key) return this.#values[slot];
    }
  }

  has(key: string): boolean {
    return this.#slotOf(key, stringHash(key)) >= 0;
  }

  set(key: string, value: V): this {
    const hash = stringHash(key);
    const hashes = this.#hashes;
    const mask = this.#mask;
    let slot = hash & mask;
    for (; ; slot = (slot + 1) & mask) {
      const held = hashes[slot]!;
      if (held === 0) break;
      if (held === hash && this.#keys[slot] === key) {
        this.#values[slot] = value;
        return this;
      }
    }
    hashes[slot] = hash;
    this.#keys[slot] = key;
    this.#values[slot] = value;
    this.#size += 1;
    // At most half full: probes stay short.
    if (this.#size * 2 > mask + 1) this.#resize((mask + 1) * 2);
    return this;
  }

  delete(key: string): boolean {
    let slot = this.#slotOf(key, stringHash(key));
    if (slot < 0) return false;
    const hashes = this.#hashes;
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    // Backward-shift deletion: later entries of the probe run move into the gap when their home
    // slot is not between the gap and them, so no tombstones are needed.
    for (let next = (slot + 1) & mask; hashes[next] !== 0; next = (next + 1) & mask) {
      const home = hashes[next]! & mask;
      const between = slot <= next ? slot < home && home <= next : slot < home || home <= next;
      if (between) continue;
      hashes[slot] = hashes[next]!;
      keys[slot] = keys[next];
      values[slot] = values[next];
      slot = next;
    }
    hashes[slot] = 0;
    keys[slot] = undefined;
    values[slot] = undefined;
    this.#size -= 1;
    return true;
  }

  clear(): void {
    this.#hashes = new Int32Array(MIN_CAPACITY);
    this.#keys = slots(MIN_CAPACITY);
    this.#values = slots(MIN_CAPACITY);
    this.#mask = MIN_CAPACITY - 1;
    this.#size = 0;
  }

  /** Calls `visit` with every entry (in slot order). */
  forEach(visit: (value: V, key: string) => void): void {
    const hashes = this.#hashes;
    for (let slot = 0; slot < hashes.length; slot += 1)
      if (hashes[slot] !== 0) visit(this.#values[slot]!, this.#keys[slot]!);
  }

  #slotOf(key: string, hash: number): number {
    const hashes = this.#hashes;
    const mask = this.#mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = hashes[slot]!;
      if (held === 0) return -1;
      if (held === hash && this.#keys[slot] === key) return slot;
    }
  }

  #resize(capacity: number): void {
    const hashes = this.#hashes;
    const keys = this.#keys;
    const values = this.#values;
    this.#hashes = new Int32Array(capacity);
    this.#keys = slots(capacity);
    this.#values = slots(capacity);
    this.#mask = capacity - 1;
    for (let old = 0; old < hashes.length; old += 1) {
      const hash = hashes[old]!;
      if (hash === 0) continue;
      let slot = hash & this.#mask;
      while (this.#hashes[slot] !== 0) slot = (slot + 1) & this.#mask;
      this.#hashes[slot] = hash;
      this.#keys[slot] = keys[old];
      this.#values[slot] = values[old];
    }
  }
}
