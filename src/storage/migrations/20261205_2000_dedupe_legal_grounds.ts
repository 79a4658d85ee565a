import type { Kysely } from 'kysely';

/**
 * A system's legal grounds, and each ground's purposes and recipients, are sets: the API refuses a
 * repeat since the lists became `uniqueItems` (400 request.validation). Before that a ground
 * declared twice, or a purpose or recipient named twice in one ground, was stored as sent, and
 * such a system could no longer be changed by sending its grounds back as read (GET, edit one
 * field, PATCH), nor exported and imported again. This rewrites `systems.legal_grounds_json`
 * without the repeats: inside each ground first, then grounds equal as JSON values (keys in any
 * order, as the API compares them), the first occurrence kept where it was.
 *
 * The set of grounds is what it was, so nothing derived from it changes meaning: the system keeps
 * its `version` (no registry history row or ledger record describes this; the history's snapshots
 * and the ledger keep what was stored, as it was written — its records are never rewritten), but
 * `registry_version` is bumped once when a row changed, so an instance already running while
 * `qalqan migrate` does this reloads its cached profiles rather than keep the repeats.
 */
const PAGE = 500;

export async function up(db: Kysely<unknown>): Promise<void> {
  // Untyped: the migration sees the tables as they are now, not as the code's types say.
  const any = db as Kysely<{
    systems: { id: string; legal_grounds_json: string };
    registry_version: { id: number; version: number };
  }>;
  let changed = false;
  let after = '';
  for (;;) {
    const rows = await any
      .selectFrom('systems')
      .select(['id', 'legal_grounds_json'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const deduped = dedupeLegalGrounds(row.legal_grounds_json);
      if (deduped === undefined) continue;
      await any
        .updateTable('systems')
        .set({ legal_grounds_json: deduped })
        .where('id', '=', row.id)
        .execute();
      changed = true;
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  if (changed)
    await any
      .updateTable('registry_version')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', '=', 1)
      .execute();
}

/** Nothing to undo: the same set of grounds, each once. */
export async function down(): Promise<void> {}

/**
 * The stored grounds without repeats, as JSON text; undefined when there is none to remove (or
 * the text is not a list of grounds, which is left as it is rather than guessed at).
 */
export function dedupeLegalGrounds(json: string): string | undefined {
  let grounds: unknown;
  try {
    grounds = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(grounds)) return undefined;
  let changed = false;
  const inner = grounds.map((ground: unknown) => {
    if (!isRecord(ground)) return ground;
    let next = ground;
    for (const list of ['purposes', 'recipients'] as const) {
      const values = next[list];
      if (!Array.isArray(values)) continue;
      const once = uniqueByValue(values);
      if (once.length === values.length) continue;
      next = { ...next, [list]: once };
      changed = true;
    }
    return next;
  });
  const once = uniqueByValue(inner);
  if (!changed && once.length === grounds.length) return undefined;
  return JSON.stringify(once);
}

/** The first occurrence of each value, in order; equal means equal as JSON, key order aside. */
function uniqueByValue(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = sortedJson(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** JSON with every object's keys sorted: one spelling for values Ajv's `uniqueItems` calls equal. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedJson(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
