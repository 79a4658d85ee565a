/**
 * One correlation rule's groups, with expiry and eviction that cost O(1) per event.
 *
 * Re-inserting a group into a Map on every touch (a textbook LRU) churns V8's hash tables at a
 * few million groups. Instead a queue records `(key, time)` when a group is created and again
 * when it is touched more than an eighth of the timespan after its last record; the queue is in
 * event-time order, so its front is (to an eighth of the timespan) the least recently touched
 * group. Expiry pops the front: a stale record (the group has a newer one, or is gone) is
 * skipped, a group touched since its record is re-queued, a group whose window has passed is
 * dropped. Eviction at the global cap drops the group at the front.
 */
import type { GroupWindow } from './windows.js';

export class GroupTable<W extends GroupWindow> {
  readonly #groups = new Map<string, W>();
  #keys: string[] = [];
  #times: number[] = [];
  #head = 0;
  readonly #requeueAfter: number;
  /** The last group obtained (cleared whenever a group leaves the table). */
  #lastKey: string | null = null;
  #lastWindow: W | undefined = undefined;
  /**
   * Whether the queue's front record is known to be live (checked since the front last moved and
   * since any group was re-queued or dropped): at the group cap the engine asks every rule's
   * `oldest()` once per eviction, and most fronts have not changed since the last time.
   */
  #frontLive = false;

  constructor(timespanMs: number) {
    this.#requeueAfter = Math.max(1, Math.floor(timespanMs / 8));
  }

  get size(): number {
    return this.#groups.size;
  }

  get(key: string): W | undefined {
    return this.#groups.get(key);
  }

  /** Whether the last `obtain` created its group (a field, not a returned pair: no allocation per event). */
  created = false;

  /** The group for `key`, created by `create(arg)` if new (`created` then says so). */
  obtain<A>(key: string, atMs: number, create: (arg: A) => W, arg: A): W {
    // Rules sharing this table ask for the same key for the same event: answered without hashing.
    const existing = key === this.#lastKey ? this.#lastWindow : this.#groups.get(key);
    this.#lastKey = key;
    if (existing !== undefined) {
      this.created = false;
      if (atMs - existing.queued >= this.#requeueAfter) this.#enqueue(key, existing, atMs);
      this.#lastWindow = existing;
      return existing;
    }
    const window = create(arg);
    this.#lastWindow = window;
    this.#groups.set(key, window);
    this.#enqueue(key, window, atMs);
    this.created = true;
    return window;
  }

  /** Time of the least recently touched group's record, or +∞ when empty. */
  oldest(): number {
    this.#skipStale();
    return this.#head < this.#keys.length ? this.#times[this.#head]! : Number.POSITIVE_INFINITY;
  }

  /**
   * Drops groups whose last event is at or before `cutoff`, within `budget` queue steps; calls
   * `dropped` with each. Returns when the front is younger than the cutoff or the budget is spent.
   */
  expire(cutoff: number, budget: number, dropped: (window: W) => void): void {
    while (budget-- > 0 && this.#head < this.#keys.length) {
      const time = this.#times[this.#head]!;
      if (time > cutoff) return;
      const key = this.#keys[this.#head]!;
      this.#pop();
      const window = this.#groups.get(key);
      if (window === undefined || window.queued !== time) continue; // a stale record
      if (window.last > cutoff) this.#enqueue(key, window, window.last);
      else {
        this.#groups.delete(key);
        this.#lastKey = null;
        dropped(window);
      }
    }
  }

  /** Drops the least recently touched group (at the cap); false when there is none. */
  evictOldest(dropped: (window: W) => void): boolean {
    this.#skipStale();
    if (this.#head >= this.#keys.length) return false;
    const key = this.#keys[this.#head]!;
    this.#pop();
    const window = this.#groups.get(key)!;
    this.#groups.delete(key);
    this.#lastKey = null;
    dropped(window);
    return true;
  }

  #skipStale(): void {
    if (this.#frontLive) return;
    while (this.#head < this.#keys.length) {
      const window = this.#groups.get(this.#keys[this.#head]!);
      if (window !== undefined && window.queued === this.#times[this.#head]) {
        this.#frontLive = true;
        return;
      }
      this.#pop();
    }
  }

  #enqueue(key: string, window: W, atMs: number): void {
    // Re-queueing the front's group leaves the front record stale; into an empty queue, the new
    // record becomes the front. Records added behind a live front leave it live.
    if (this.#head >= this.#keys.length || this.#keys[this.#head] === key) this.#frontLive = false;
    window.queued = atMs;
    this.#keys.push(key);
    this.#times.push(atMs);
  }

  #pop(): void {
    this.#frontLive = false;
    this.#head += 1;
    if (this.#head > 1_024 && this.#head * 2 > this.#keys.length) {
      this.#keys = this.#keys.slice(this.#head);
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }
}
