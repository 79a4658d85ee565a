/**
 * Per-group state of correlation rules. Windows slide on event time: an entry counts while
 * `t > now - timespan`, `now` being the newest event time seen. Each window is capped; what a
 * cap pushes out is counted by the engine, never silently lost from the figures.
 */
import { randomHashSeed, seededTextHash } from './text-hash.js';

/** How many event ids an alert lists (the newest in the window); the count is always exact. */
export const ALERT_EVENT_IDS = 100;

export interface GroupWindow {
  /** Event time of the last event that touched this group. */
  last: number;
  /** Time of the group's latest record in its table's expiry queue (see `group-table.ts`). */
  queued: number;
  /** Id of the last event counted (a window shared by rules counts each event once). */
  stamp: string;
  /**
   * The engine's dedup entries about this group, one per rule whose dedup key is the group's own
   * key (see `DedupMemo`); null until one of them fires.
   */
  held: DedupMemo | null;
  /** Entries held (for the memory figures). */
  size(): number;
  /** Drops entries at or before `cutoff`. */
  expire(cutoff: number): void;
  /** Ids of the events behind the current state, newest last, at most `ALERT_EVENT_IDS`. */
  eventIds(): string[];
}

/**
 * A dedup entry remembered on the group it is about, so a rule that keeps firing for the group (a
 * harvester's every further check) finds its entry without hashing. Owned by the engine, which
 * marks an entry `dead` when it leaves its dedup table; a window lists one entry per rule sharing it.
 */
export interface DedupMemo {
  dead: boolean;
  next: DedupMemo | null;
}

/**
 * `event_count`: the newest matching events, in a ring as long as the threshold. "At least n
 * events within the timespan" holds exactly when the oldest of the newest n is within it, so
 * nothing older needs keeping: memory per group is the threshold, not the event rate.
 */
export class CountWindow implements GroupWindow {
  last = 0;
  queued = 0;
  stamp = '';
  held: DedupMemo | null = null;
  readonly #times: number[] = [];
  readonly #ids: string[] = [];
  #start = 0;
  #size = 0;

  constructor(private readonly capacity: number) {}

  add(t: number, id: string): void {
    if (t > this.last) this.last = t;
    if (this.#size < this.capacity) {
      const index = (this.#start + this.#size) % this.capacity;
      if (index === this.#times.length) {
        this.#times.push(t);
        this.#ids.push(id);
      } else {
        this.#times[index] = t;
        this.#ids[index] = id;
      }
      this.#size += 1;
      return;
    }
    // Full: the newest replaces the oldest.
    this.#times[this.#start] = t;
    this.#ids[this.#start] = id;
    this.#start = (this.#start + 1) % this.capacity;
  }

  /** Events held within the window (at most the threshold). */
  count(): number {
    return this.#size;
  }

  size(): number {
    return this.#size;
  }

  expire(cutoff: number): void {
    while (this.#size > 0 && this.#times[this.#start]! <= cutoff) {
      this.#start = (this.#start + 1) % this.capacity;
      this.#size -= 1;
    }
  }

  eventIds(): string[] {
    const ids: string[] = [];
    for (let i = Math.max(0, this.#size - ALERT_EVENT_IDS); i < this.#size; i += 1) {
      ids.push(this.#ids[(this.#start + i) % this.capacity]!);
    }
    return ids;
  }
}

/**
 * `value_count`: distinct values with the time each was last seen. Most groups hold one value (a
 * subject checked by one operator), kept in fields; a second value moves the group to a
 * `ManyValues` (below). `DistinctReference` in the tests is the plain model this is checked against.
 */
export class DistinctWindow implements GroupWindow {
  last = 0;
  queued = 0;
  stamp = '';
  held: DedupMemo | null = null;
  #one: string | null = null;
  #oneT = 0;
  #oneId = '';
  #many: ManyValues | null = null;

  /** Adds a sighting; returns how many values the cap pushed out (0 or 1). */
  add(value: string, t: number, id: string, cap: number): number {
    if (t > this.last) this.last = t;
    const many = this.#many;
    if (many !== null) return many.add(value, t, id, cap);
    if (this.#one === null) {
      this.#one = value;
      this.#oneT = t;
      this.#oneId = id;
      return 0;
    }
    if (this.#one === value) {
      if (this.#oneT <= t) {
        this.#oneT = t;
        this.#oneId = id;
      }
      return 0;
    }
    const moved = new ManyValues();
    moved.add(this.#one, this.#oneT, this.#oneId, cap);
    this.#many = moved;
    this.#one = null;
    return moved.add(value, t, id, cap);
  }

  count(): number {
    if (this.#many !== null) return this.#many.count();
    return this.#one === null ? 0 : 1;
  }

  size(): number {
    return this.count();
  }

  expire(cutoff: number): void {
    if (this.#many !== null) this.#many.expire(cutoff);
    else if (this.#one !== null && this.#oneT <= cutoff) this.#one = null;
  }

  eventIds(): string[] {
    if (this.#many !== null) return this.#many.eventIds();
    return this.#one === null ? [] : [this.#oneId];
  }
}

/**
 * Values in time order of their latest sighting: a queue of sightings (value, time, event id)
 * with an index from value to its live sighting. A value seen again leaves a dead entry behind
 * and goes to the back, so the front is the oldest sighting and expiry (or the cap) pops from it.
 *
 * The index is a hash table of its own (open addressing, linear probing, in an `Int32Array` of
 * queue positions), not a `Map`: a harvester's window adds a new value and drops its oldest on
 * every check, and a `Map` of thousands of strings with a deletion per insertion rehashes its
 * whole table — a new backing store in the old generation — every few hundred checks. Here a
 * deletion leaves a tombstone, and the table is rebuilt from the queue (at four times the live
 * count) only when tombstones and live entries fill half of it. Each value's hash is kept beside
 * it in the queue, so a value is hashed once per sighting. Equality is the strings' own.
 */
class ManyValues {
  /** Slots: a live entry's queue position (absolute: `#base` is the position of array slot 0). */
  #table = new Int32Array(16).fill(EMPTY);
  /** Live entries plus tombstones in `#table`. */
  #used = 0;
  #live = 0;
  #values: (string | null)[] = [];
  #hashes: number[] = [];
  #times: number[] = [];
  #ids: string[] = [];
  #head = 0;
  #base = 0;

  add(value: string, t: number, id: string, cap: number): number {
    const hash = hashText(value);
    const found = this.#find(value, hash);
    if (found >= 0) {
      const slot = this.#table[found]! - this.#base;
      // An older sighting delivered late changes nothing.
      if (this.#times[slot]! > t) return 0;
      this.#values[slot] = null;
      this.#table[found] = TOMBSTONE;
      this.#live -= 1;
    }
    const end = this.#values.length;
    if (end > this.#head && this.#times[end - 1]! > t) this.#insertLate(value, hash, t, id);
    else {
      // Indexed first: a rebuild on the way fills the table from the queue, without this entry.
      this.#place(hash, this.#base + end);
      this.#values.push(value);
      this.#hashes.push(hash);
      this.#times.push(t);
      this.#ids.push(id);
    }
    if (this.#live > cap) {
      this.#dropFront();
      return 1;
    }
    return 0;
  }

  count(): number {
    return this.#live;
  }

  expire(cutoff: number): void {
    const values = this.#values;
    while (this.#head < values.length) {
      const value = values[this.#head];
      if (value !== null) {
        if (this.#times[this.#head]! > cutoff) break;
        this.#remove(value!, this.#hashes[this.#head]!);
      }
      this.#head += 1;
    }
    this.#compact();
  }

  /** Ids of the newest sightings, oldest first, at most `ALERT_EVENT_IDS`. */
  eventIds(): string[] {
    const ids: string[] = [];
    for (let i = this.#values.length - 1; i >= this.#head && ids.length < ALERT_EVENT_IDS; i -= 1)
      if (this.#values[i] !== null) ids.push(this.#ids[i]!);
    return ids.reverse();
  }

  /** The table slot holding `value`'s live entry, or -1. */
  #find(value: string, hash: number): number {
    const table = this.#table;
    const mask = table.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const position = table[i]!;
      if (position === EMPTY) return -1;
      if (position !== TOMBSTONE) {
        const slot = position - this.#base;
        if (this.#hashes[slot] === hash && this.#values[slot] === value) return i;
      }
    }
  }

  /** Indexes a new live entry (its value not in the table). */
  #place(hash: number, position: number): void {
    if ((this.#used + 1) * 2 > this.#table.length) this.#rebuild(this.#live + 1);
    const table = this.#table;
    const mask = table.length - 1;
    let i = hash & mask;
    while (table[i] !== EMPTY && table[i] !== TOMBSTONE) i = (i + 1) & mask;
    if (table[i] === EMPTY) this.#used += 1;
    table[i] = position;
    this.#live += 1;
  }

  #remove(value: string, hash: number): void {
    const found = this.#find(value, hash);
    this.#table[found] = TOMBSTONE;
    this.#live -= 1;
  }

  /** A table four times the live count (room for `live`), filled from the queue's live entries. */
  #rebuild(live: number): void {
    let size = 16;
    while (size < live * 4) size *= 2;
    const table = new Int32Array(size).fill(EMPTY);
    const mask = size - 1;
    for (let slot = this.#head; slot < this.#values.length; slot += 1) {
      if (this.#values[slot] === null) continue;
      let i = this.#hashes[slot]! & mask;
      while (table[i] !== EMPTY) i = (i + 1) & mask;
      table[i] = this.#base + slot;
    }
    this.#table = table;
    this.#used = this.#live;
  }

  /**
   * A sighting older than the newest (events delivered out of order) goes to its place in time,
   * so the queue stays in time order and expiry stays exact; the entries after it move one on.
   */
  #insertLate(value: string, hash: number, t: number, id: string): void {
    let slot = this.#values.length;
    while (slot > this.#head && this.#times[slot - 1]! > t) slot -= 1;
    this.#values.splice(slot, 0, value);
    this.#hashes.splice(slot, 0, hash);
    this.#times.splice(slot, 0, t);
    this.#ids.splice(slot, 0, id);
    // Positions have moved: the table is made again from the queue (a rare path).
    this.#live += 1;
    this.#rebuild(this.#live);
  }

  /** Drops the oldest live sighting. */
  #dropFront(): void {
    const values = this.#values;
    while (values[this.#head] === null) this.#head += 1;
    this.#remove(values[this.#head]!, this.#hashes[this.#head]!);
    this.#head += 1;
    this.#compact();
  }

  #compact(): void {
    if (this.#head < 64 || this.#head * 2 < this.#values.length) return;
    this.#values = this.#values.slice(this.#head);
    this.#hashes = this.#hashes.slice(this.#head);
    this.#times = this.#times.slice(this.#head);
    this.#ids = this.#ids.slice(this.#head);
    this.#base += this.#head;
    this.#head = 0;
    // Positions stay within an Int32Array slot: past 2^29, counted from the queue's start again.
    if (this.#base > 2 ** 29) {
      this.#base = 0;
      this.#rebuild(this.#live);
    }
  }
}

const EMPTY = -1;
const TOMBSTONE = -2;

/**
 * A random seed for the values' hash, drawn once per process: where a value sits never changes a
 * result, and the values a rule counts may come from operators' own fields, such as an actor id,
 * so they must not be able to choose values that share a slot (see `text-hash.ts`).
 */
const VALUE_HASH_SEED = randomHashSeed();
const hashText = (text: string): number => seededTextHash(VALUE_HASH_SEED, text);

/**
 * `temporal` (every rule seen within the timespan, any order) and `temporal_ordered` (in the
 * listed order). For the ordered kind, `#chainStart[i]` is the start time of the latest chain
 * that has reached step `i`, so a later start replaces an older one and the chain stays in window.
 */
export class TemporalWindow implements GroupWindow {
  last = 0;
  queued = 0;
  stamp = '';
  held: DedupMemo | null = null;
  /** The group's value of the engine's prefilter field (see the engine's `openBy`). */
  openValue = '';
  readonly #times: number[];
  readonly #ids: (string | null)[];
  readonly #chainIds: string[][];

  constructor(
    private readonly steps: number,
    private readonly ordered: boolean,
  ) {
    this.#times = new Array<number>(steps).fill(Number.NEGATIVE_INFINITY);
    this.#ids = new Array<string | null>(steps).fill(null);
    this.#chainIds = Array.from({ length: steps }, () => []);
  }

  /**
   * Records the steps this event matches (`matched[rules[step]] === 1`); true when the sequence
   * is complete.
   */
  add(
    rules: readonly number[],
    matched: Uint8Array,
    t: number,
    id: string,
    timespan: number,
  ): boolean {
    if (t > this.last) this.last = t;
    if (!this.ordered) {
      let complete = true;
      for (let step = 0; step < this.steps; step += 1) {
        if (matched[rules[step]!] === 1) {
          this.#times[step] = t;
          this.#ids[step] = id;
        }
        if (!(this.#times[step]! > t - timespan)) complete = false;
      }
      return complete;
    }
    // From the last step back, so one event never serves as two consecutive steps.
    let complete = false;
    for (let step = this.steps - 1; step >= 0; step -= 1) {
      if (matched[rules[step]!] !== 1) continue;
      if (step === 0) {
        this.#times[0] = t;
        this.#chainIds[0] = [id];
        continue;
      }
      const start = this.#times[step - 1]!;
      if (start > t - timespan && start >= this.#times[step]!) {
        this.#times[step] = start;
        this.#chainIds[step] = [...this.#chainIds[step - 1]!, id];
        if (step === this.steps - 1) complete = true;
      }
    }
    return complete;
  }

  size(): number {
    let held = 0;
    for (let step = 0; step < this.steps; step += 1)
      if (this.#times[step] !== Number.NEGATIVE_INFINITY) held += 1;
    return held;
  }

  expire(cutoff: number): void {
    for (let step = 0; step < this.steps; step += 1) {
      const time = this.#times[step]!;
      if (time <= cutoff && time !== Number.NEGATIVE_INFINITY) {
        this.#times[step] = Number.NEGATIVE_INFINITY;
        this.#ids[step] = null;
        this.#chainIds[step] = [];
      }
    }
  }

  eventIds(): string[] {
    if (this.ordered) return [...(this.#chainIds[this.steps - 1] ?? [])];
    return this.#ids.filter((id): id is string => id !== null);
  }

  /** After an alert: a completed sequence starts over, so the next alert needs a new one. */
  reset(): void {
    this.expire(Number.POSITIVE_INFINITY);
  }
}
