/**
 * A `value_count` rule's groups as a slab: an index (`key-index.ts`) maps a group's key to its
 * slot number, and a group's state sits in per-slot arrays. A group that holds a
 * single value needs no object of its own: its times sit in `Float64Array`s (so a millisecond time,
 * too large for a small integer, allocates no heap number), its value and event id in arrays.
 * Only a group that gets a second value, or one an alert is raised about (the engine's dedup
 * memo and alert ids live on a window), gets a `DistinctWindow`, which then holds its values.
 *
 * Why: the per-subject rule makes a new group for nearly every check, millions of them. A
 * window object per group (eight fields, three of them boxed times) and a Map lookup for every
 * expiry step cost more than the Map insert itself (BENCHMARKS.md, Monitoring, fourth and sixth
 * rounds).
 *
 * Expiry and eviction work as `GroupTable`'s (see there): a queue of (slot, time) records, in
 * event-time order to an eighth of the timespan. A group's latest record is its live one; each
 * slot remembers that record's position in the queue, so a stale record is recognised without
 * hashing (and a slot reused by a newer group never takes over an older group's record).
 * `DistinctTableReference` in the tests is the plain model this is checked against.
 */
import { KeyIndex } from './key-index.js';
import { DistinctWindow, type GroupWindow } from './windows.js';

/** What `dropped` gets for a group that never needed a window object: only its size is read. */
const droppedWith = (entries: number): GroupWindow =>
  Object.freeze({
    last: 0,
    queued: 0,
    stamp: '',
    held: null,
    size: () => entries,
    expire: () => undefined,
    eventIds: () => [],
  });
const DROPPED_EMPTY = droppedWith(0);
const DROPPED_ONE = droppedWith(1);

const FREE = -1;

export class DistinctTable {
  readonly #requeueAfter: number;

  // Per slot. `#slotCount` slots have been used; freed ones are listed in `#free`.
  #capacity = 0;
  #slotCount = 0;
  readonly #free: number[] = [];
  readonly #keys: (string | null)[] = [];
  /** Key -> slot (see `key-index.ts`). */
  readonly #slots = new KeyIndex(this.#keys);
  /** Event time of the last event that touched the group (0 until a value is added). */
  #last: Float64Array = new Float64Array(0);
  /** Time of the group's live queue record. */
  #queuedAt: Float64Array = new Float64Array(0);
  /** Absolute position of the group's live queue record (`FREE` for a free slot). */
  #queuedPos: Float64Array = new Float64Array(0);
  /** Id of the last event counted (a table shared by rules counts each event once). */
  #stamps: string[] = [];
  /** The single value (null: none, or the group has a window). */
  #ones: (string | null)[] = [];
  #oneT: Float64Array = new Float64Array(0);
  #oneIds: string[] = [];
  #windows: (DistinctWindow | null)[] = [];

  // The expiry queue: records at absolute positions `#base + i`, live from `#head`.
  #queueSlots: Int32Array = new Int32Array(1_024);
  #queueTimes: Float64Array = new Float64Array(1_024);
  #head = 0;
  #tail = 0;
  #base = 0;

  /** The last group obtained (cleared whenever a group leaves the table). */
  #lastKey: string | null = null;
  #lastSlot = FREE;

  /** Whether the last `obtain` created its group. */
  created = false;

  constructor(timespanMs: number) {
    this.#requeueAfter = Math.max(1, Math.floor(timespanMs / 8));
  }

  get size(): number {
    return this.#slots.size;
  }

  /** The slot of the group for `key`, created if new (`created` then says so). */
  obtain(key: string, atMs: number): number {
    // Rules sharing this table ask for the same key for the same event: answered without hashing.
    const existing = key === this.#lastKey ? this.#lastSlot : this.#slots.find(key);
    this.#lastKey = key;
    if (existing !== FREE) {
      this.created = false;
      if (atMs - this.#queuedAt[existing]! >= this.#requeueAfter) this.#enqueue(existing, atMs);
      this.#lastSlot = existing;
      return existing;
    }
    const slot = this.#allocate(key);
    this.#slots.insert(slot);
    this.#lastSlot = slot;
    this.#enqueue(slot, atMs);
    this.created = true;
    return slot;
  }

  /** Marks the group as counting event `id`; false when it already did (a sharing rule's turn). */
  stamp(slot: number, id: string): boolean {
    if (this.#stamps[slot] === id) return false;
    this.#stamps[slot] = id;
    return true;
  }

  /** Adds a sighting; returns how many values the cap pushed out (0 or 1). */
  add(slot: number, value: string, t: number, id: string, cap: number): number {
    if (t > this.#last[slot]!) this.#last[slot] = t;
    const window = this.#windows[slot] as DistinctWindow | null;
    if (window !== null) return window.add(value, t, id, cap);
    const one = this.#ones[slot] as string | null;
    if (one === null) {
      this.#ones[slot] = value;
      this.#oneT[slot] = t;
      this.#oneIds[slot] = id;
      return 0;
    }
    if (one === value) {
      if (this.#oneT[slot]! <= t) {
        this.#oneT[slot] = t;
        this.#oneIds[slot] = id;
      }
      return 0;
    }
    return this.window(slot).add(value, t, id, cap);
  }

  /** Distinct values the group holds. */
  count(slot: number): number {
    const window = this.#windows[slot] as DistinctWindow | null;
    if (window !== null) return window.count();
    return this.#ones[slot] === null ? 0 : 1;
  }

  /** Drops the group's values seen at or before `cutoff`. */
  expireValues(slot: number, cutoff: number): void {
    const window = this.#windows[slot] as DistinctWindow | null;
    if (window !== null) window.expire(cutoff);
    else if (this.#ones[slot] !== null && this.#oneT[slot]! <= cutoff) this.#ones[slot] = null;
  }

  /**
   * The group's window, made on first need with the single value moved into it (the same
   * `DistinctWindow` a group had before the slab, so its values behave exactly as they did). Its
   * own `last` and `queued` are not used: the table keeps those per slot.
   */
  window(slot: number): DistinctWindow {
    let window = this.#windows[slot] as DistinctWindow | null;
    if (window !== null) return window;
    window = new DistinctWindow();
    const one = this.#ones[slot] as string | null;
    if (one !== null) {
      window.add(one, this.#oneT[slot]!, this.#oneIds[slot]!, 1);
      this.#ones[slot] = null;
    }
    this.#windows[slot] = window;
    return window;
  }

  /** Time of the least recently touched group's record, or +∞ when empty. */
  oldest(): number {
    this.#skipStale();
    return this.#head < this.#tail ? this.#queueTimes[this.#head]! : Number.POSITIVE_INFINITY;
  }

  /**
   * Drops groups whose last event is at or before `cutoff`, within `budget` queue steps; calls
   * `dropped` with each. Returns when the front is younger than the cutoff or the budget is spent.
   */
  expire(cutoff: number, budget: number, dropped: (window: GroupWindow) => void): void {
    while (budget-- > 0 && this.#head < this.#tail) {
      const time = this.#queueTimes[this.#head]!;
      if (time > cutoff) return;
      const slot = this.#queueSlots[this.#head]!;
      const live = this.#queuedPos[slot] === this.#base + this.#head;
      this.#pop();
      if (!live) continue; // a stale record
      const last = this.#last[slot]!;
      if (last > cutoff) this.#enqueue(slot, last);
      else this.#drop(slot, dropped);
    }
  }

  /** Drops the least recently touched group (at the cap); false when there is none. */
  evictOldest(dropped: (window: GroupWindow) => void): boolean {
    this.#skipStale();
    if (this.#head >= this.#tail) return false;
    const slot = this.#queueSlots[this.#head]!;
    this.#pop();
    this.#drop(slot, dropped);
    return true;
  }

  #drop(slot: number, dropped: (window: GroupWindow) => void): void {
    const window = this.#windows[slot] as DistinctWindow | null;
    const size = window !== null ? window : this.#ones[slot] === null ? DROPPED_EMPTY : DROPPED_ONE;
    this.#slots.delete(this.#keys[slot]!, slot);
    this.#lastKey = null;
    // Let go of the strings and the window, so a free slot holds nothing alive.
    this.#keys[slot] = null;
    this.#stamps[slot] = '';
    this.#ones[slot] = null;
    this.#oneIds[slot] = '';
    this.#windows[slot] = null;
    this.#queuedPos[slot] = FREE;
    this.#free.push(slot);
    dropped(size);
  }

  #skipStale(): void {
    while (
      this.#head < this.#tail &&
      this.#queuedPos[this.#queueSlots[this.#head]!] !== this.#base + this.#head
    )
      this.#pop();
  }

  #allocate(key: string): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#slotCount;
      this.#slotCount += 1;
      if (slot === this.#capacity) this.#grow();
      this.#keys.push(key);
      this.#stamps.push('');
      this.#ones.push(null);
      this.#oneIds.push('');
      this.#windows.push(null);
    } else this.#keys[slot] = key;
    this.#last[slot] = 0;
    return slot;
  }

  #grow(): void {
    const capacity = Math.max(1_024, this.#capacity * 2);
    const grown = (from: Float64Array): Float64Array => {
      const to = new Float64Array(capacity);
      to.set(from);
      return to;
    };
    this.#last = grown(this.#last);
    this.#queuedAt = grown(this.#queuedAt);
    this.#queuedPos = grown(this.#queuedPos);
    this.#oneT = grown(this.#oneT);
    this.#capacity = capacity;
  }

  #enqueue(slot: number, atMs: number): void {
    if (this.#tail === this.#queueSlots.length) {
      const slots = new Int32Array(this.#queueSlots.length * 2);
      slots.set(this.#queueSlots);
      this.#queueSlots = slots;
      const times = new Float64Array(this.#queueTimes.length * 2);
      times.set(this.#queueTimes);
      this.#queueTimes = times;
    }
    this.#queueSlots[this.#tail] = slot;
    this.#queueTimes[this.#tail] = atMs;
    this.#queuedAt[slot] = atMs;
    this.#queuedPos[slot] = this.#base + this.#tail;
    this.#tail += 1;
  }

  #pop(): void {
    this.#head += 1;
    if (this.#head > 1_024 && this.#head * 2 > this.#tail) {
      // Live records move to the front; absolute positions (`#base + i`) stay as they were.
      this.#queueSlots.copyWithin(0, this.#head, this.#tail);
      this.#queueTimes.copyWithin(0, this.#head, this.#tail);
      this.#base += this.#head;
      this.#tail -= this.#head;
      this.#head = 0;
    }
  }
}
