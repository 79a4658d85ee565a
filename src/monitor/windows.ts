/**
 * Per-group state of correlation rules. Windows slide on event time: an entry counts while
 * `t > now - timespan`, `now` being the newest event time seen. Each window is capped; what a
 * cap pushes out is counted by the engine, never silently lost from the figures.
 */

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
 * and goes to the back, so the front is the oldest sighting and expiry (or the cap) pops from it. Unlike a
 * Map of records re-inserted on every sighting, nothing is allocated per sighting: the index
 * maps to a small integer, times sit unboxed in a number array.
 */
class ManyValues {
  /** Value -> its live entry's position (absolute: `#base` is the position of array slot 0). */
  readonly #index = new Map<string, number>();
  #values: (string | null)[] = [];
  #times: number[] = [];
  #ids: string[] = [];
  #head = 0;
  #base = 0;

  add(value: string, t: number, id: string, cap: number): number {
    const position = this.#index.get(value);
    if (position !== undefined) {
      const slot = position - this.#base;
      // An older sighting delivered late changes nothing.
      if (this.#times[slot]! > t) return 0;
      this.#values[slot] = null;
    }
    const end = this.#values.length;
    if (end > this.#head && this.#times[end - 1]! > t) this.#insertLate(value, t, id);
    else {
      this.#index.set(value, this.#base + end);
      this.#values.push(value);
      this.#times.push(t);
      this.#ids.push(id);
    }
    if (this.#index.size > cap) {
      this.#dropFront();
      return 1;
    }
    return 0;
  }

  count(): number {
    return this.#index.size;
  }

  expire(cutoff: number): void {
    const values = this.#values;
    while (this.#head < values.length) {
      const value = values[this.#head];
      if (value !== null) {
        if (this.#times[this.#head]! > cutoff) break;
        this.#index.delete(value!);
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

  /**
   * A sighting older than the newest (events delivered out of order) goes to its place in time,
   * so the queue stays in time order and expiry stays exact; the entries after it move one on.
   */
  #insertLate(value: string, t: number, id: string): void {
    let slot = this.#values.length;
    while (slot > this.#head && this.#times[slot - 1]! > t) slot -= 1;
    this.#values.splice(slot, 0, value);
    this.#times.splice(slot, 0, t);
    this.#ids.splice(slot, 0, id);
    this.#index.set(value, this.#base + slot);
    for (let i = slot + 1; i < this.#values.length; i += 1) {
      const moved = this.#values[i];
      if (moved !== null) this.#index.set(moved!, this.#base + i);
    }
  }

  /** Drops the oldest live sighting. */
  #dropFront(): void {
    const values = this.#values;
    while (values[this.#head] === null) this.#head += 1;
    this.#index.delete(values[this.#head]!);
    this.#head += 1;
    this.#compact();
  }

  #compact(): void {
    if (this.#head < 64 || this.#head * 2 < this.#values.length) return;
    this.#values = this.#values.slice(this.#head);
    this.#times = this.#times.slice(this.#head);
    this.#ids = this.#ids.slice(this.#head);
    this.#base += this.#head;
    this.#head = 0;
    // Positions stay small integers (unboxed in the index).
    if (this.#base > 2 ** 29) {
      for (const [value, position] of this.#index) this.#index.set(value, position - this.#base);
      this.#base = 0;
    }
  }
}

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
