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
  /** Entries held (for the memory figures). */
  size(): number;
  /** Drops entries at or before `cutoff`. */
  expire(cutoff: number): void;
  /** Ids of the events behind the current state, newest last, at most `ALERT_EVENT_IDS`. */
  eventIds(): string[];
}

/** `event_count`: the times (and ids) of the matching events in the window. */
export class CountWindow implements GroupWindow {
  last = 0;
  #times: number[] = [];
  #ids: string[] = [];
  #head = 0;

  /** Adds an event; returns how many entries the cap pushed out (0 or 1). */
  add(t: number, id: string, cap: number): number {
    this.#times.push(t);
    this.#ids.push(id);
    this.last = Math.max(this.last, t);
    if (this.count() > cap) {
      this.#head += 1;
      this.#compact();
      return 1;
    }
    return 0;
  }

  count(): number {
    return this.#times.length - this.#head;
  }

  size(): number {
    return this.count();
  }

  expire(cutoff: number): void {
    while (this.#head < this.#times.length && this.#times[this.#head]! <= cutoff) this.#head += 1;
    this.#compact();
  }

  eventIds(): string[] {
    return this.#ids.slice(Math.max(this.#head, this.#ids.length - ALERT_EVENT_IDS));
  }

  #compact(): void {
    if (this.#head > 64 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#ids = this.#ids.slice(this.#head);
      this.#head = 0;
    }
  }
}

/**
 * `value_count`: distinct values with the time they were last seen. A Map iterates in insertion
 * order and a value seen again is re-inserted, so the oldest sighting is always first and
 * expiry is a walk from the front.
 */
export class DistinctWindow implements GroupWindow {
  last = 0;
  readonly #seen = new Map<string, { t: number; id: string }>();

  /** Adds a sighting; returns how many values the cap pushed out (0 or 1). */
  add(value: string, t: number, id: string, cap: number): number {
    const existing = this.#seen.get(value);
    if (existing !== undefined) {
      if (existing.t > t) return 0;
      this.#seen.delete(value);
    }
    this.#seen.set(value, { t, id });
    this.last = Math.max(this.last, t);
    if (this.#seen.size > cap) {
      const oldest = this.#seen.keys().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
      return 1;
    }
    return 0;
  }

  count(): number {
    return this.#seen.size;
  }

  size(): number {
    return this.#seen.size;
  }

  expire(cutoff: number): void {
    for (const [value, sighting] of this.#seen) {
      if (sighting.t > cutoff) break;
      this.#seen.delete(value);
    }
  }

  eventIds(): string[] {
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

  /** Records the steps this event matches; true when the sequence is complete. */
  add(matched: readonly boolean[], t: number, id: string, timespan: number): boolean {
    this.last = Math.max(this.last, t);
    if (!this.ordered) {
      matched.forEach((hit, step) => {
        if (hit) {
          this.#times[step] = t;
          this.#ids[step] = id;
        }
      });
      return this.#times.every((time) => time > t - timespan);
    }
    // From the last step back, so one event never serves as two consecutive steps.
    let complete = false;
    for (let step = this.steps - 1; step >= 0; step -= 1) {
      if (!matched[step]) continue;
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
    return this.#times.filter((time) => time !== Number.NEGATIVE_INFINITY).length;
  }

  expire(cutoff: number): void {
    this.#times.forEach((time, step) => {
      if (time <= cutoff) {
        this.#times[step] = Number.NEGATIVE_INFINITY;
        this.#ids[step] = null;
        this.#chainIds[step] = [];
      }
    });
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
