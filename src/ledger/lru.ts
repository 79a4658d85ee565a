/** A small least-recently-used cache (Map keeps insertion order; a hit re-inserts the key). */
export class LruCache<K, V> {
  readonly #items = new Map<K, V>();
  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.#items.get(key);
    if (value !== undefined) {
      this.#items.delete(key);
      this.#items.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    this.#items.delete(key);
    this.#items.set(key, value);
    if (this.#items.size > this.capacity) {
      const oldest = this.#items.keys().next();
      if (!oldest.done) this.#items.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#items.size;
  }
}
