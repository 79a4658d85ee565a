/**
 * The SQL side of the citizen's search (`citizen-search.ts` resolves words to values): the
 * distinct values the citizen's own records hold, and the condition that keeps the rows holding a
 * matched value. Both read only the subject's rows, through `access_checks_subject_at`, so the
 * cost is bounded by one citizen's records whatever the size of the table, and the condition is
 * exact comparisons (no text matching in SQL), so SQLite and PostgreSQL answer alike.
 */
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { WordMatch } from './citizen-search.js';
import type { AccessTables } from './access.tables.js';

/**
 * Distinct (basis reference, recipient) pairs read per search, the most recently used first: the
 * bound on one search's work and on its parameter lists, far above what a person's records hold
 * (references name laws and court orders; recipients are a handful of companies).
 */
export const FREE_TEXT_FACETS = 1000;

/** The systems the citizen's records name, and their distinct free-text values. */
export async function citizenFacets(db: Kysely<AccessTables>, subject: string) {
  const systems = await db
    .selectFrom('access_checks')
    .select(['system_id', 'operator_id'])
    .where('subject', '=', subject)
    .groupBy(['system_id', 'operator_id'])
    .execute();
  const free = await db
    .selectFrom('access_checks')
    .select(['basis_reference', 'recipient_json'])
    .where('subject', '=', subject)
    .where((eb) =>
      eb.or([eb('basis_reference', 'is not', null), eb('recipient_json', 'is not', null)]),
    )
    .groupBy(['basis_reference', 'recipient_json'])
    .orderBy((eb) => eb.fn.max('at'), 'desc')
    .limit(FREE_TEXT_FACETS)
    .execute();
  const basisReferences = new Set<string>();
  const recipients = new Map<string, string>();
  for (const row of free) {
    if (row.basis_reference !== null) basisReferences.add(row.basis_reference);
    if (row.recipient_json !== null && !recipients.has(row.recipient_json)) {
      const recipient = JSON.parse(row.recipient_json) as { name?: unknown };
      if (typeof recipient.name === 'string') recipients.set(row.recipient_json, recipient.name);
    }
  }
  return {
    systems: systems.map((s) => ({ systemId: s.system_id, operatorId: s.operator_id })),
    basisReferences: [...basisReferences],
    recipients: [...recipients].map(([json, name]) => ({ json, name })),
  };
}

// LIKE's own characters in a category code are matched literally.
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Every word matches one of the row's fields (the SQL form of `rowMatches`). */
export function searchCondition(
  eb: ExpressionBuilder<AccessTables, 'access_checks'>,
  words: readonly WordMatch[],
) {
  return eb.and(
    words.map((m) => {
      const any = [];
      if (m.systemIds.length > 0) any.push(eb('system_id', 'in', m.systemIds));
      if (m.operatorIds.length > 0) any.push(eb('operator_id', 'in', m.operatorIds));
      if (m.purposes.length > 0) any.push(eb('purpose', 'in', m.purposes));
      if (m.countries.length > 0) any.push(eb('country', 'in', m.countries));
      if (m.basisReferences.length > 0) any.push(eb('basis_reference', 'in', m.basisReferences));
      if (m.recipients.length > 0) any.push(eb('recipient_json', 'in', m.recipients));
      // Categories are a sorted JSON array of codes: a code is there with its quotes around it.
      for (const code of m.categories)
        any.push(
          sql<boolean>`${eb.ref('categories_json')} like ${`%"${likeLiteral(code)}"%`} escape '\\'`,
        );
      return eb.or(any);
    }),
  );
}
