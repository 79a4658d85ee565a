/**
 * Data subjects: the only place an IIN is kept, sealed, so that it can be shown to its owner and
 * used to notify them. Everything else refers to a subject by pseudonym. Typed with the subjects'
 * own table only, so this store cannot query anyone else's.
 */
import type { Kysely } from 'kysely';
import { requireIinBirthDate } from '../core/identifiers.js';
import type { Secrets } from '../secrets/secrets.js';
import type { SubjectTables } from './subjects.tables.js';

export interface Subject {
  readonly pseudonym: string;
  readonly birthYear: number;
  /** `YYYY-MM-DD`, from the IIN. */
  readonly birthDate: string;
  readonly createdAt: string;
}

const sealContext = (pseudonym: string) => `subjects.iin:${pseudonym}`;

/** The IIN's birth date, or `core.invalid_iin` naming `field` and the reason (never the number). */
export function validBirthDate(iin: string, field = 'iin'): string {
  return requireIinBirthDate(iin, field);
}

/**
 * Registers the subject if new and returns it; idempotent and safe under concurrent calls. An
 * invalid IIN is `core.invalid_iin` naming `field` and the reason, never quoting the number.
 */
export async function ensureSubject<DB extends SubjectTables>(
  database: Kysely<DB>,
  secrets: Pick<Secrets, 'pseudonymOf' | 'fields'>,
  iin: string,
  now: string = new Date().toISOString(),
  field = 'iin',
): Promise<Subject & { readonly created: boolean }> {
  // Kysely's types are invariant in DB; DB includes the subjects table, so narrowing is sound.
  const db = database as unknown as Kysely<SubjectTables>;
  const birthDate = validBirthDate(iin, field);
  const pseudonym = secrets.pseudonymOf(iin);
  const inserted = await db
    .insertInto('subjects')
    .values({
      pseudonym,
      iin_sealed: secrets.fields.encrypt(iin, sealContext(pseudonym)),
      birth_year: Number(birthDate.slice(0, 4)),
      birth_date: birthDate,
      created_at: now,
    })
    .onConflict((oc) => oc.column('pseudonym').doNothing())
    .executeTakeFirst();
  const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  const row = await db
    .selectFrom('subjects')
    .select(['pseudonym', 'birth_year', 'birth_date', 'created_at'])
    .where('pseudonym', '=', pseudonym)
    .executeTakeFirstOrThrow();
  if (row.birth_date === null) {
    // Registered before birth dates were kept: the IIN in hand now supplies it.
    await db
      .updateTable('subjects')
      .set({ birth_date: birthDate })
      .where('pseudonym', '=', pseudonym)
      .where('birth_date', 'is', null)
      .execute();
  }
  return {
    pseudonym: row.pseudonym,
    birthYear: row.birth_year,
    birthDate,
    createdAt: row.created_at,
    created,
  };
}

/** The subject's IIN, for showing it to its owner; `undefined` for an unknown pseudonym. */
export async function revealIin<DB extends SubjectTables>(
  database: Kysely<DB>,
  secrets: Pick<Secrets, 'fields'>,
  pseudonym: string,
): Promise<string | undefined> {
  const db = database as unknown as Kysely<SubjectTables>;
  const row = await db
    .selectFrom('subjects')
    .select('iin_sealed')
    .where('pseudonym', '=', pseudonym)
    .executeTakeFirst();
  return row ? secrets.fields.decrypt(row.iin_sealed, sealContext(pseudonym)) : undefined;
}

/** The stored birth date of a pseudonym (null for an unknown one or an old row not yet filled). */
export async function birthDateOf<DB extends SubjectTables>(
  database: Kysely<DB>,
  pseudonym: string,
): Promise<string | null> {
  const db = database as unknown as Kysely<SubjectTables>;
  const row = await db
    .selectFrom('subjects')
    .select('birth_date')
    .where('pseudonym', '=', pseudonym)
    .executeTakeFirst();
  return row?.birth_date ?? null;
}
