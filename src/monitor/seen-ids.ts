/**
 * The event ids the engine remembers to recognise redeliveries, in slices of event time.
 *
 * One set of every id in the hour costs a hash operation to add each id and another to forget
 * it, on a table of a million entries whose deletions keep it rehashing. Here an id goes into the
 * set of its event's time slice (a 1,024th of the horizon): a redelivery is the same event,
 * with the same time, so it is looked for in that one slice. Forgetting drops whole slices — a
 * slice once its newest possible time is past the horizon, and the oldest slices while more ids
 * than the cap are held — so nothing is deleted id by id. `SeenIdsReference` in the tests is the
 * plain model this is checked against.
 */
/**
 * Small slices keep each set small enough to stay in the CPU's caches (3.5 s of a one-hour horizon:
 * 7,000 ids at 2,000 events/s); with 64 slices each held 110,000 and adding an id cost a cache
 * miss or two more (BENCHMARKS.md, monitoring, seventh round).
 */
export const SLICES_PER_HORIZON = 1024;

export class SeenIds {
  readonly #sliceMs: number;
  readonly #cap: number;
  readonly #slices = new Map<number, Set<string>>();
  /** Slice numbers held, ascending. */
  #order: number[] = [];
  #size = 0;
  /** The slice last added to (events arrive mostly in time order): found without hashing. */
  #lastNumber = Number.NaN;
  #lastSlice: Set<string> | undefined = undefined;

  constructor(horizonMs: number, cap: number) {
    this.#sliceMs = Math.max(1, Math.ceil(horizonMs / SLICES_PER_HORIZON));
    this.#cap = cap;
  }

  /** Ids held. */
  get size(): number {
    return this.#size;
  }

  has(id: string, atMs: number): boolean {
    return this.#slices.get(Math.floor(atMs / this.#sliceMs))?.has(id) ?? false;
  }

  /** Remembers `id` (of an event at `atMs`); false when it was already held. */
  add(id: string, atMs: number): boolean {
    const number = Math.floor(atMs / this.#sliceMs);
    let slice = number === this.#lastNumber ? this.#lastSlice : this.#slices.get(number);
    if (slice === undefined) {
      slice = new Set();
      this.#slices.set(number, slice);
      this.#insertNumber(number);
    }
    this.#lastNumber = number;
    this.#lastSlice = slice;
    const before = slice.size;
    slice.add(id);
    if (slice.size === before) return false;
    this.#size += 1;
    return true;
  }

  /**
   * Forgets every slice whose times are all at or before `cutoff`, then the oldest slices while
   * more than the cap are held.
   */
  forget(cutoff: number): void {
    while (this.#order.length > 0) {
      const number = this.#order[0]!;
      const newest = (number + 1) * this.#sliceMs - 1;
      if (newest > cutoff && this.#size <= this.#cap) return;
      this.#size -= this.#slices.get(number)!.size;
      this.#slices.delete(number);
      this.#order.shift();
      if (number === this.#lastNumber) {
        this.#lastNumber = Number.NaN;
        this.#lastSlice = undefined;
      }
    }
  }

  #insertNumber(number: number): void {
    const order = this.#order;
    let at = order.length;
    // A slice older than the newest (an event delivered late) goes to its place.
    while (at > 0 && order[at - 1]! > number) at -= 1;
    order.splice(at, 0, number);
  }
}
