import { createHash, randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type AccessHarness,
  accessHarness,
  asSystem,
  iinBornOn,
  profile,
} from '../../access/test-support/access-app.js';
import { canonicalJson, type JsonValue } from '../../ledger/entry/canonical-json.js';
import { describeStorage } from '../test-support/storages.js';
import { down, up } from './20261205_1730_access_idempotency_key_hash.js';

const SUBJECT = iinBornOn('1990-05-17', 11);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function columns(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<Record<string, unknown>>`select * from access_idempotency`.execute(db);
  return rows.flatMap((row) => Object.values(row).map(String));
}

describeStorage('migration 20261205_1730: access_idempotency keeps digests of keys', (fx) => {
  let h: AccessHarness;
  const clinic = 'sys_clinic';
  const db = () => fx.storage.db as unknown as Kysely<unknown>;

  beforeAll(async () => {
    h = await accessHarness(fx.storage);
    h.profiles.set(clinic, profile(clinic));
  });
  afterAll(async () => {
    await h.close();
  });

  const post = (body: unknown, key: string, url = '/v1/access-checks') =>
    h.app.inject({
      method: 'POST',
      url,
      headers: { ...asSystem(clinic), 'idempotency-key': key },
      payload: body as Record<string, unknown>,
    });
  const body = {
    subject: SUBJECT,
    categories: ['identity'],
    purpose: 'health.treatment',
    legalBasis: 'consent',
    actor: { id: 'doctor-1' },
    action: 'read',
  };

  it('hashes the keys written before, so a retry with one still replays', async () => {
    await sql`delete from access_idempotency`.execute(db());
    // Checks answered under keys, then the table as it was before this migration: raw keys.
    const iinKey = iinBornOn('1995-05-19', 7);
    const batchKey = `batch-${randomUUID()}`;
    const single = await post(body, iinKey);
    const batch = await post({ checks: [body, body] }, batchKey, '/v1/access-checks/batch');
    expect([single.statusCode, batch.statusCode]).toEqual([200, 200]);
    await down(db());
    // Rows of before: the raw key, and the body's plain SHA-256.
    const ids = (answer: { checkId: string }[]) => JSON.stringify(answer.map((a) => a.checkId));
    const plainBody = (kind: string, value: unknown) =>
      sha256(canonicalJson([kind, value as JsonValue]));
    await sql`update access_idempotency set key = ${iinKey},
        body_hash = ${plainBody('single', body)}
      where check_ids_json = ${ids([single.json()])}`.execute(db());
    await sql`update access_idempotency set key = ${batchKey},
        body_hash = ${plainBody('batch', [body, body])}
      where check_ids_json = ${ids(batch.json().results)}`.execute(db());
    expect(await columns(db())).toContain(iinKey);

    await up(db());
    // No raw key left anywhere in the table; the old rows hold their keys' SHA-256.
    const values = await columns(db());
    expect(values.filter((value) => value.includes(iinKey) || value.includes(batchKey))).toEqual(
      [],
    );
    expect(values).toEqual(expect.arrayContaining([sha256(iinKey), sha256(batchKey)]));
    const { rows } = await sql<{ key_hash: string }>`
      select key_hash from access_idempotency order by key_hash`.execute(db());
    expect(rows).toHaveLength(2);

    // A retry with either old key replays; another body under one is still a 422.
    expect((await post(body, iinKey)).json()).toEqual(single.json());
    expect(
      (await post({ checks: [body, body] }, batchKey, '/v1/access-checks/batch')).json(),
    ).toEqual(batch.json());
    const other = await post({ ...body, categories: ['identity', 'contact'] }, iinKey);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('access.idempotency_mismatch');

    // The retention's index is there, and a key is unique per system again.
    if (fx.dialect === 'sqlite') {
      const { rows: indexes } = await sql<{ name: string }>`
        select name from sqlite_master where type = 'index' and tbl_name = 'access_idempotency'
        order by name`.execute(db());
      expect(indexes.map((row) => row.name)).toContain('access_idempotency_created_at');
    } else {
      const { rows: indexes } = await sql<{ indexname: string }>`
        select indexname from pg_indexes where tablename = 'access_idempotency'
          and schemaname = current_schema() order by indexname`.execute(db());
      expect(indexes.map((row) => row.indexname)).toEqual([
        'access_idempotency_created_at',
        'access_idempotency_key_hash_pk',
      ]);
    }
    await expect(
      sql`insert into access_idempotency
        (system_id, key_hash, body_hash, kind, check_ids_json, created_at)
        values (${clinic}, ${sha256(iinKey)}, 'x', 'single', '[]', 'y')`.execute(db()),
    ).rejects.toThrow();
  });

  it('converts more rows than one batch, and a key that is the SHA-256 of another key', async () => {
    await down(db());
    await sql`delete from access_idempotency`.execute(db());
    const keys = Array.from({ length: 2100 }, (_, n) => `key-${String(n).padStart(4, '0')}`);
    // A client's key may be the hex digest of another of its keys: no collision on conversion.
    keys.push(sha256(keys[0]!));
    for (let i = 0; i < keys.length; i += 500)
      await sql`insert into access_idempotency
        (system_id, key, body_hash, kind, check_ids_json, created_at) values ${sql.join(
          keys
            .slice(i, i + 500)
            .map(
              (key) => sql`(${clinic}, ${key}, 'b', 'single', '[]', '2026-12-05T16:30:00.000Z')`,
            ),
        )}`.execute(db());
    await up(db());
    const { rows } = await sql<{ key_hash: string }>`
      select key_hash from access_idempotency`.execute(db());
    expect(rows.map((row) => row.key_hash).sort()).toEqual(keys.map(sha256).sort());
  });
});
