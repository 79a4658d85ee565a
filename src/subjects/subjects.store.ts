/**
 * Data subjects: the only place an IIN is kept, sealed, so that it can be shown to its owner and
 * used to notify them. Everything else refers to a subject by pseudonym.
 */
import type { Kysely } from 'kysely';
import { checkIin } from '../core/identifiers.js';
import { DomainError } from '../core/errors.js';
import type { Secrets } from '../secrets/secrets.js';
import type { Database } from '../storage/database.js';

export interface Subject {
  readonly pseudonym: string;
  readonly birthYear: number;
  readonly createdAt: string;
}

const sealContext = (pseudonym: string) => `subjects.iin:${pseudonym}`;

/** Registers the subject if new and returns it; idempotent and safe under concurrent calls. */
export async function ensureSubject(
  db: Kysely<Database>,
  secrets: Pick<Secrets, 'pseudonymOf' | 'fields'>,
  iin: string,
  now: string = new Date().toISOString(),
): Promise<Subject & { readonly created: boolean }> {
  const check = checkIin(iin);
  if (!check.valid)
    throw new DomainError('core.invalid_iin', `iin: ${check.message}`, {
      field: 'iin',
      reason: check.reason,
    });
  const pseudonym = secrets.pseudonymOf(iin);
  const birthYear = Number(check.birthDate.slice(0, 4));
  const inserted = await db
    .insertInto('subjects')
    .values({
      pseudonym,
      iin_sealed: secrets.fields.encrypt(iin, sealContext(pseudonym)),
      birth_year: birthYear,
      created_at: now,
    })
    .onConflict((oc) => oc.column('pseudonym').doNothing())
    .executeTakeFirst();
  const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  const row = await db
    .selectFrom('subjects')
    .select(['pseudonym', 'birth_year', 'created_at'])
    .where('pseudonym', '=', pseudonym)
    .executeTakeFirstOrThrow();
  return {
    pseudonym: row.pseudonym,
    birthYear: row.birth_year,
    createdAt: row.created_at,
    created,
  };
}

/** The subject's IIN, for showing it to its owner; `undefined` for an unknown pseudonym. */
export async function revealIin(
  db: Kysely<Database>,
  secrets: Pick<Secrets, 'fields'>,
  pseudonym: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('subjects')
    .select('iin_sealed')
    .where('pseudonym', '=', pseudonym)
    .executeTakeFirst();
  return row ? secrets.fields.decrypt(row.iin_sealed, sealContext(pseudonym)) : undefined;
}
