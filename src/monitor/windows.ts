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
  /** Entries held (for the memory figures). */
  size(): number;
  /** Drops entries at or before `cutoff`. */
  expire(cutoff: number): void;
  /** Ids of the events behind the current state, newest last, at most `ALERT_EVENT_IDS`. */
  eventIds(): string[];
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
 * `value_count`: distinct values with the time each was last seen. Most groups hold a value or
 * two (one subject, the operators that checked it), so up to `SMALL` values live in two short
 * arrays; a larger group moves to a Map, which iterates in insertion order — a value seen again
 * is re-inserted, so the oldest sighting is first and expiry walks from the front.
 */
const SMALL = 8;

export class DistinctWindow implements GroupWindow {
  last = 0;
  queued = 0;
  stamp = '';
  // Most groups (a subject checked by one operator) hold one value: kept in fields, no arrays.
  #one: string | null = null;
  #oneT = 0;
  #oneId = '';
  #values: string[] | null = null;
  #times: number[] | null = null;
  #ids: string[] | null = null;
  #seen: Map<string, { t: number; id: string }> | null = null;

  /** Adds a sighting; returns how many values the cap pushed out (0 or 1). */
  add(value: string, t: number, id: string, cap: number): number {
    if (t > this.last) this.last = t;
    if (this.#values === null && this.#seen === null) {
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
      this.#values = [this.#one];
      this.#times = [this.#oneT];
      this.#ids = [this.#oneId];
      this.#one = null;
    }
    if (this.#seen === null) {
      const values = this.#values!;
      const index = values.indexOf(value);
      if (index >= 0) {
        if (this.#times![index]! <= t) {
          this.#times![index] = t;
          this.#ids![index] = id;
        }
        return 0;
      }
      if (values.length < SMALL) {
        values.push(value);
        this.#times!.push(t);
        this.#ids!.push(id);
        return this.#trimSmall(cap);
      }
      this.#seen = new Map(
        values
          .map((v, i) => [v, { t: this.#times![i]!, id: this.#ids![i]! }] as const)
          .sort((a, b) => a[1].t - b[1].t),
      );
      this.#values = this.#times = this.#ids = null;
    }
    const seen = this.#seen;
    const existing = seen.get(value);
    if (existing !== undefined) {
      if (existing.t > t) return 0;
      // Re-inserted (to the back of the expiry order), the same record updated: no allocation.
      seen.delete(value);
      existing.t = t;
      existing.id = id;
      seen.set(value, existing);
      return 0;
    }
    seen.set(value, { t, id });
    if (seen.size > cap) {
      const oldest = seen.keys().next();
      if (!oldest.done) seen.delete(oldest.value);
      return 1;
    }
    return 0;
  }

  #trimSmall(cap: number): number {
    if (this.#values!.length <= cap) return 0;
    const oldest = this.#times!.indexOf(Math.min(...this.#times!));
    this.#values!.splice(oldest, 1);
    this.#times!.splice(oldest, 1);
    this.#ids!.splice(oldest, 1);
    return 1;
  }

  count(): number {
    if (this.#seen !== null) return this.#seen.size;
    if (this.#values !== null) return this.#values.length;
    return this.#one === null ? 0 : 1;
  }

  size(): number {
    return this.count();
  }

  expire(cutoff: number): void {
    if (this.#values === null && this.#seen === null) {
      if (this.#one !== null && this.#oneT <= cutoff) this.#one = null;
      return;
    }
    if (this.#seen === null) {
      for (let i = this.#times!.length - 1; i >= 0; i -= 1) {
        if (this.#times![i]! <= cutoff) {
          this.#values!.splice(i, 1);
          this.#times!.splice(i, 1);
          this.#ids!.splice(i, 1);
        }
      }
      return;
    }
    for (const [value, sighting] of this.#seen) {
      if (sighting.t > cutoff) break;
      this.#seen.delete(value);
    }
  }

  eventIds(): string[] {
    if (this.#values === null && this.#seen === null)
      return this.#one === null ? [] : [this.#oneId];
    if (this.#seen === null) {
      return this.#ids!.map((id, i) => [id, this.#times![i]!] as const)
        .sort((a, b) => a[1] - b[1])
        .map(([id]) => id);
    }
    const ids = [...this.#seen.values()].map((sighting) => sighting.id);
    return ids.slice(Math.max(0, ids.length - ALERT_EVENT_IDS));
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
