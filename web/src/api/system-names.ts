/**
 * The registry's names of systems and their operators (`GET /v1/me/system-names`), for pages
 * whose records hold only ids (consents, requests, the inbox, a child's consents). Names asked in
 * the same moment by many cards go out as one request (up to 50 ids), and each id is asked once per
 * page load: names change rarely and a stale one for a session is harmless.
 */
import { answer, type AnswerOf, api } from './client';

export type SystemName = AnswerOf<'/v1/me/system-names', 'get'>['systems'][number];

const MAX_IDS = 50;
/** Answered ids; null for one the registry does not know (or a failed request: ids stay shown). */
const known = new Map<string, SystemName | null>();
const pending = new Map<string, Promise<void>>();
let queued = new Set<string>();
let flush: Promise<void> | undefined;

async function ask(ids: readonly string[]): Promise<void> {
  try {
    const body = await answer(
      api.GET('/v1/me/system-names', { params: { query: { ids: ids.join(',') } } }),
    );
    for (const id of ids) known.set(id, body.systems.find((s) => s.id === id) ?? null);
  } catch {
    for (const id of ids) known.set(id, null);
  }
}

/** Resolves once every id is known (named or not); batches what is asked in one task. */
export function loadSystemNames(ids: readonly string[]): Promise<void> {
  for (const id of ids) if (!known.has(id) && !pending.has(id)) queued.add(id);
  if (queued.size > 0 && !flush)
    flush = Promise.resolve().then(async () => {
      const batch = [...queued];
      queued = new Set();
      flush = undefined;
      const asked: Promise<void>[] = [];
      for (let i = 0; i < batch.length; i += MAX_IDS) {
        const part = batch.slice(i, i + MAX_IDS);
        const done = ask(part).finally(() => {
          for (const id of part) pending.delete(id);
        });
        for (const id of part) pending.set(id, done);
        asked.push(done);
      }
      await Promise.all(asked);
    });
  const waits = ids.flatMap((id) => {
    const wait = known.has(id) ? undefined : (pending.get(id) ?? flush);
    return wait ? [wait] : [];
  });
  return Promise.all(waits).then(() => undefined);
}

/** A known system's names; undefined while unknown or not in the registry. */
export const systemNameOf = (id: string): SystemName | undefined => known.get(id) ?? undefined;
