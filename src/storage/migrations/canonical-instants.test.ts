import { type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeStorage } from '../test-support/storages.js';
import { up } from './20261205_1700_canonical_instants.js';

describeStorage('migration 20261205_1700: client-given instants in canonical UTC form', (fx) => {
  it('rewrites consents’ and withdrawal grounds’ instants written with offsets, and nothing else', async () => {
    const db = fx.storage.db as unknown as Kysely<unknown>;
    const consent = (id: string, validUntil: string, requestExpiresAt: string) => sql`
      insert into consents (id, subject, subject_birth_date, controller_id, systems_json,
        purposes_json, categories_json, recipients_json, processing_countries_json,
        storage_countries_json, retention, valid_from, valid_until, request_expires_at,
        collection_method, language, policy_url, withdrawal_method, message_json, requested_by,
        state, version, created_at, updated_at)
      values (${id}, 'subj', '1990-01-01', 'op_1', '[]', '[]', '[]', '[]', '[]', '[]', 'P1Y',
        null, ${validUntil}, ${requestExpiresAt}, 'api', 'en', 'https://x.kz', 'portal', '{}',
        'sys_1', 'active', 1, '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z')`;
    await consent('cns_offset', '2027-12-31T03:00:00+05:00', '2027-06-30t00:00:00z').execute(db);
    await consent('cns_plain', '2027-12-31T00:00:00.000Z', '2027-06-30T00:00:00.000Z').execute(db);
    await consent('cns_leap', '2027-12-31T23:59:60Z', '2027-06-30T00:00:00Z').execute(db);
    const ground = (id: string, validUntil: string | null) => sql`
      insert into withdrawal_grounds (id, system_id, operator_id, purpose, reason_json, reference,
        declared_by, declared_at, valid_until)
      values (${id}, 'sys_1', 'op_1', 'finance.kyc', '{}', 'Law 1', 'staff:x',
        '2026-12-01T00:00:00.000Z', ${validUntil})`;
    await ground('wgr_offset', '2027-01-01T00:00:00-03:00').execute(db);
    await ground('wgr_none', null).execute(db);

    await up(db);

    const { rows: consents } = await sql<{
      id: string;
      valid_until: string;
      request_expires_at: string;
      created_at: string;
    }>`select id, valid_until, request_expires_at, created_at from consents
       where id in ('cns_offset', 'cns_plain', 'cns_leap') order by id`.execute(db);
    expect(consents).toEqual([
      // A leap second has no canonical form: left as it was, not guessed.
      {
        id: 'cns_leap',
        valid_until: '2027-12-31T23:59:60Z',
        request_expires_at: '2027-06-30T00:00:00.000Z',
        created_at: '2026-12-01T00:00:00.000Z',
      },
      {
        id: 'cns_offset',
        valid_until: '2027-12-30T22:00:00.000Z',
        request_expires_at: '2027-06-30T00:00:00.000Z',
        created_at: '2026-12-01T00:00:00.000Z',
      },
      {
        id: 'cns_plain',
        valid_until: '2027-12-31T00:00:00.000Z',
        request_expires_at: '2027-06-30T00:00:00.000Z',
        created_at: '2026-12-01T00:00:00.000Z',
      },
    ]);
    const { rows: grounds } = await sql<{ id: string; valid_until: string | null }>`
      select id, valid_until from withdrawal_grounds where id in ('wgr_offset', 'wgr_none')
      order by id`.execute(db);
    expect(grounds).toEqual([
      { id: 'wgr_none', valid_until: null },
      { id: 'wgr_offset', valid_until: '2027-01-01T03:00:00.000Z' },
    ]);
  });
});
