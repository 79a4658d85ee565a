/**
 * What every access check reads from the registry — the presented API key with its system,
 * operator and certificates, and the system's profile — kept in memory, with exact invalidation.
 *
 * - Every registry change bumps `registry_version` in its own transaction (history.ts). A cached
 *   entry is stamped with the version read *before* it was loaded and is used only while the
 *   database still holds that version, so a change committed at any time, by this instance, another
 *   one or the CLI, is never hidden by an entry read before it.
 * - The version is read at most every `probeMs` (default 250 ms; concurrent lookups share one
 *   read, unless a change committed since it started), and at once after a change made through
 *   this instance (`changed()`, called when the change commits): the next check here sees it, and another instance (or the CLI on the same
 *   SQLite file) within `probeMs`. Not reading it on every lookup matters on SQLite too: each
 *   read waits for the one connection, behind whatever transaction holds it.
 * - Time does not invalidate anything: what is cached are the rows (key expiry, suspension end,
 *   certificate validity, ground validity), and standing and key state are evaluated at each
 *   request's own instant, so an expired certificate or a lapsed rotation overlap counts at once.
 */
import type { Kysely } from 'kysely';
import type { RegistryDatabase } from './registry.tables.js';

export interface RegistryVersion {
  /** The version a lookup may trust now (read from the database when due). */
  current(): Promise<number>;
  /** A change through this instance committed: the next `current()` reads the database. */
  changed(): void;
}

export interface RegistryVersionOptions {
  /** Longest time a version read is trusted (ms); 0 reads it on every lookup. Default 250. */
  readonly probeMs?: number;
  readonly now?: () => number;
}

export function createRegistryVersion(
  db: Kysely<RegistryDatabase>,
  options: RegistryVersionOptions = {},
): RegistryVersion {
  const probeMs = options.probeMs ?? 250;
  const now = options.now ?? Date.now;
  let known = -1;
  let readAt = -Infinity;
  let stale = true;
  /** Bumped by `changed()`: a read started before a change may predate its commit. */
  let generation = 0;
  /** The generation of the read whose answer `known` holds (a later read may finish first). */
  let knownGeneration = -1;
  let reading: { readonly promise: Promise<number>; readonly generation: number } | undefined;

  async function read(): Promise<number> {
    const row = await db
      .selectFrom('registry_version')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirst();
    return Number(row?.version ?? 0);
  }

  return {
    current() {
      if (!stale && probeMs > 0 && now() - readAt < probeMs) return Promise.resolve(known);
      // A read in flight is shared only if no change committed since it started: one that did
      // may have been read over, and the lookup after a change must see it.
      if (reading && reading.generation === generation) return reading.promise;
      // Marked before the read starts: a change committed during it makes the next lookup read again.
      stale = false;
      const startedAt = now();
      const started = generation;
      const promise = read()
        .then((version) => {
          // An older read finishing after a newer one must not put its version back.
          if (started >= knownGeneration) {
            known = version;
            readAt = startedAt;
            knownGeneration = started;
          }
          return version;
        })
        .catch((error: unknown) => {
          stale = true;
          throw error;
        })
        .finally(() => {
          if (reading?.promise === promise) reading = undefined;
        });
      reading = { promise, generation: started };
      return promise;
    },
    changed() {
      stale = true;
      generation += 1;
    },
  };
}

/**
 * Values loaded by key and kept while the registry version they were loaded under is current.
 * Bounded: when full, it starts again empty (the hot keys come back on their next lookup).
 */
export interface VersionedCache<T> {
  get(key: string): Promise<T>;
  readonly size: number;
}

export function createVersionedCache<T>(
  version: RegistryVersion,
  load: (key: string) => Promise<T>,
  options: { readonly capacity?: number; readonly keep?: (value: T) => boolean } = {},
): VersionedCache<T> {
  const capacity = options.capacity ?? 10_000;
  const keep = options.keep ?? (() => true);
  const entries = new Map<string, { readonly version: number; readonly value: T }>();
  return {
    async get(key) {
      const current = await version.current();
      const entry = entries.get(key);
      if (entry && entry.version === current) return entry.value;
      const value = await load(key);
      if (keep(value)) {
        if (entries.size >= capacity && !entries.has(key)) entries.clear();
        entries.set(key, { version: current, value });
      } else entries.delete(key);
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
