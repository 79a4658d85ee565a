/**
 * The consent read every access check makes, `consentsOfSubjectWith`, runs a statement compiled
 * once instead of a query Kysely builds per call: its SQL and parameters are held to Kysely's own
 * compile on both engines, and its answers to Kysely's own query on both databases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilerOnly } from '../storage/test-support/compiler-only.js';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  consentFromRow,
  consentsOfSubjectWith,
  consentsOfSubjectWithQuery,
  type ConsentDb,
} from './consent.store.js';
import type { ConsentsTable, ConsentTables } from './consent.tables.js';

const kyselyQuery = (db: ConsentDb, subject: string, controller: string) =>
  db
    .selectFrom('consents')
    .selectAll()
    .where('subject', '=', subject)
    .where('controller_id', '=', controller);

describe('consentsOfSubjectWithQuery', () => {
  for (const engine of ['sqlite', 'postgres'] as const)
    it(`is Kysely's own statement for the same subject and operator (${engine})`, () => {
      // One handle for every run: the text compiled for the first values serves all later ones.
      const db = compilerOnly<ConsentTables>(engine);
      fc.assert(
        fc.property(fc.string({ maxLength: 64 }), fc.string({ maxLength: 40 }), (s, c) => {
          const ours = consentsOfSubjectWithQuery(db, s, c);
          const reference = kyselyQuery(db, s, c).compile();
          expect(ours.sql).toBe(reference.sql);
          expect(ours.parameters).toEqual(reference.parameters);
        }),
        { numRuns: 200 },
      );
    });
});

function row(id: string, subject: string, controller: string, i: number): ConsentsTable {
  return {
    id,
    subject,
    subject_birth_date: '1980-01-01',
    controller_id: controller,
    systems_json: JSON.stringify([`sys_${i}`]),
    purposes_json: JSON.stringify(['health.treatment']),
    categories_json: JSON.stringify(['identity', 'health'].slice(0, 1 + (i % 2))),
    recipients_json: i % 3 === 0 ? JSON.stringify([{ identifier: 'DE-HRB-1', name: 'R' }]) : '[]',
    processing_countries_json: '["KZ"]',
    storage_countries_json: '["KZ"]',
    retention: 'P1Y',
    valid_from: i % 2 === 0 ? null : '2026-01-01T00:00:00.000Z',
    valid_until: '2027-01-01T00:00:00.000Z',
    request_expires_at: '2026-02-01T00:00:00.000Z',
    collection_method: 'portal',
    language: 'kk',
    policy_url: 'https://example.kz/policy',
    withdrawal_method: 'portal',
    message_json: JSON.stringify({ kk: 'a', ru: 'b', en: 'c' }),
    callback_url: i % 2 === 0 ? null : 'https://example.kz/cb',
    requested_by: `sys_${i}`,
    state: (['active', 'requested', 'withdrawn', 'paused'] as const)[i % 4]!,
    version: 1 + i,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-02T00:00:00.000Z',
  };
}

describeStorage('consentsOfSubjectWith', (fx) => {
  it("answers what Kysely's own query answers, row for row", async () => {
    const db = fx.storage.db as unknown as ConsentDb;
    const subjects = ['psd_a', 'psd_b', 'psd_c'];
    const controllers = ['opr_x', 'opr_y'];
    const rows = Array.from({ length: 24 }, (_, i) =>
      row(`cns_${String(i).padStart(3, '0')}`, subjects[i % 3]!, controllers[(i >> 1) % 2]!, i),
    );
    await db.insertInto('consents').values(rows).execute();
    for (const subject of [...subjects, 'psd_none'])
      for (const controller of [...controllers, 'opr_none']) {
        const expected = (await kyselyQuery(db, subject, controller).execute()).map(consentFromRow);
        const found = await consentsOfSubjectWith(db, subject, controller);
        expect(found).toEqual(expected);
        expect(found.map((c) => c.id).sort()).toEqual(
          rows
            .filter((r) => r.subject === subject && r.controller_id === controller)
            .map((r) => r.id)
            .sort(),
        );
      }
  });
});
