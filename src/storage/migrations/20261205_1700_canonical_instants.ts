import type { Kysely } from 'kysely';
import { canonicalInstant } from '../../core/instant.js';

/**
 * Instants a client gave, stored as it wrote them, rewritten in the one form stored instants are
 * compared in (`core/instant.ts`): UTC milliseconds. Until the API brought every `date-time` to
 * that form (`http/validation.ts`), a consent valid until `2027-12-31T00:00:00+05:00` was stored
 * so, and the expiry sweep and the access check compared it as text with `…Z` instants — the
 * consent outlived its end by five hours, and an offset the other way ended it early. The
 * registry, the regimes and the monitoring centre already normalised theirs; these columns did
 * not. A value with no canonical form (a leap second) is left as it is. The ledger keeps what was
 * asked, as it was written: its records are never rewritten.
 */
const COLUMNS = [
  { table: 'consents', column: 'valid_until' },
  { table: 'consents', column: 'request_expires_at' },
  { table: 'withdrawal_grounds', column: 'valid_until' },
] as const;

const PAGE = 1000;

export async function up(db: Kysely<unknown>): Promise<void> {
  // Untyped: the migration sees the tables as they are now, not as the code's types say.
  const any = db as Kysely<Record<string, Record<string, string | null>>>;
  for (const { table, column } of COLUMNS) {
    let after = '';
    for (;;) {
      const rows = await any
        .selectFrom(table)
        .select(['id', column])
        .where('id', '>', after)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const row of rows) {
        const value = row[column];
        const canonical = typeof value === 'string' ? canonicalInstant(value) : undefined;
        if (canonical !== undefined && canonical !== value)
          await any
            .updateTable(table)
            .set({ [column]: canonical })
            .where('id', '=', row.id as string)
            .execute();
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.id as string;
    }
  }
}

/** Nothing to undo: the canonical form means the same instants. */
export async function down(): Promise<void> {}
