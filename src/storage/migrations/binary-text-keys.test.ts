import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessStore } from '../../access/access.store.js';
import { newId } from '../../core/ids.js';
import { createRuleVersionsStore } from '../../monitor/rule-versions.store.js';
import { migrateToLatest } from '../migrate.js';
import { openStorage, type Storage } from '../storage.js';
import { describeStorage, postgresUrl } from '../test-support/storages.js';
import { down, up } from './20261205_1900_binary_text_keys.js';

/**
 * Keys that a language collation (en-US) orders otherwise than code points do: case mixed
 * (`a` `B` against `B` `a`), and `-` `.` `_` and digits (en-US: `_` `-` `.` digits letters; code
 * points: `-` `.` digits capitals `_` small letters).
 */
const SUBJECTS = ['p1_b', 'p1_B', 'p1_-b', 'p1__b', 'p1_.b', 'p1_0b', 'p1_Ab', 'p1_aB', 'p1_a'];
const RULES = ['zz-a', 'zz_a', 'zz.a', 'zz0', 'zza', 'zz-b', 'zzB'];
const codePointOrder = (values: readonly string[]) => [...values].sort();

const SYSTEM = 'sys_collation';
const AT = '2026-12-05T10:00:00.000Z';

async function seed(db: Kysely<unknown>): Promise<void> {
  for (const [i, subject] of SUBJECTS.entries())
    await sql`insert into access_checks (id, system_id, operator_id, subject, actor_id, actor_code,
        purpose, legal_basis, categories_json, action, decision, reasons_json, basis_json, at)
      values (${`acc_${i}`}, ${SYSTEM}, 'op_1', ${subject}, 'clerk', 'ok', 'finance.kyc',
        'consent', '[]', 'read', 'allow', '[]', '{}', ${AT})`.execute(db);
  for (const [i, rule] of RULES.entries())
    await sql`insert into monitor_rule_versions (rule_id, version, content, content_hash, action,
        reason, created_by, created_at, ledger_id)
      values (${rule}, 1, 'id: x', 'h', 'create', 'r', 'staff:x', ${AT}, ${`mrv_${i}`})`.execute(
      db,
    );
}

/** Every subject the system accessed, two a page, as the breach incident's list pages them. */
async function pagedSubjects(db: Kysely<unknown>): Promise<string[]> {
  const store = createAccessStore(db);
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const found = await store.subjectsAccessedBy(
      SYSTEM,
      '2026-12-05T00:00:00.000Z',
      '2026-12-06T00:00:00.000Z',
      after,
      2,
    );
    const page = found.slice(0, 2);
    seen.push(...page);
    if (found.length <= 2) return seen;
    after = page.at(-1);
  }
}

async function storedRuleOrder(db: Kysely<unknown>): Promise<string[]> {
  const store = createRuleVersionsStore(db);
  return (await store.latest()).map((record) => record.ruleId);
}

async function collationsOf(db: Kysely<unknown>): Promise<Record<string, string | null>> {
  const { rows } = await sql<{
    table_name: string;
    column_name: string;
    collation_name: string | null;
  }>`
    select table_name, column_name, collation_name from information_schema.columns
    where table_schema = current_schema()
      and (table_name, column_name) in (('access_checks', 'subject'),
        ('monitor_rule_versions', 'rule_id'))`.execute(db);
  return Object.fromEntries(
    rows.map((row) => [`${row.table_name}.${row.column_name}`, row.collation_name]),
  );
}

describeStorage('migration 20261205_1900: text keys in code-point order', (fx) => {
  const db = () => fx.storage.db as unknown as Kysely<unknown>;
  beforeAll(async () => {
    await seed(db());
  });

  it('pages the subjects a system accessed, and lists stored rules, in code-point order', async () => {
    expect(await pagedSubjects(db())).toEqual(codePointOrder(SUBJECTS));
    expect(await storedRuleOrder(db())).toEqual(codePointOrder(RULES));
  });

  it.skipIf(fx.dialect !== 'postgres')(
    'declares the two columns collate "C" on PostgreSQL; down gives back the default, up again C',
    async () => {
      const both = (collation: string | null) => ({
        'access_checks.subject': collation,
        'monitor_rule_versions.rule_id': collation,
      });
      expect(await collationsOf(db())).toEqual(both('C'));
      await down(db());
      expect(await collationsOf(db())).toEqual(both(null));
      await up(db());
      expect(await collationsOf(db())).toEqual(both('C'));
      expect(await pagedSubjects(db())).toEqual(codePointOrder(SUBJECTS));
    },
  );
});

/**
 * The case the migration is for: a database whose default collation is a language's. Created
 * here with ICU's en-US (PostgreSQL 15+); a server that cannot (no ICU, no CREATEDB) skips it.
 */
describe.skipIf(postgresUrl === undefined)(
  'text keys on a PostgreSQL database created with the en-US collation',
  () => {
    const name = `qalqan_t_${randomBytes(6).toString('hex')}`;
    const admin = () => new pg.Client({ connectionString: postgresUrl });
    let storage: Storage | undefined;
    let dataDir: string | undefined;
    let created = false;
    let unavailable = '';

    beforeAll(async () => {
      const client = admin();
      await client.connect();
      try {
        await client.query(
          `create database ${name} template template0 locale_provider icu icu_locale 'en-US' locale 'C'`,
        );
        created = true;
      } catch (error) {
        unavailable = (error as Error).message;
        return;
      } finally {
        await client.end();
      }
      const url = new URL(postgresUrl!);
      url.pathname = `/${name}`;
      dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-test-'));
      storage = await openStorage({ dataDir, databaseUrl: url.toString(), poolSize: 2 });
      await migrateToLatest(storage.db);
      await seed(storage.db as unknown as Kysely<unknown>);
    });

    afterAll(async () => {
      await storage?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (!created) return;
      const client = admin();
      await client.connect();
      try {
        await client.query(`drop database if exists ${name}`);
      } finally {
        await client.end();
      }
    });

    it('orders as SQLite and JavaScript do, where the database default would not', async (ctx) => {
      if (!storage) return ctx.skip(`no en-US database: ${unavailable}`);
      const db = storage.db as unknown as Kysely<unknown>;
      // The premise: this database's own order is not code-point order.
      const { rows } = await sql<{ key: string }>`
        select key from (values ${sql.join(SUBJECTS.map((s) => sql`(${s})`))}) as v (key)
        order by key`.execute(db);
      expect(rows.map((row) => row.key)).not.toEqual(codePointOrder(SUBJECTS));

      expect(await pagedSubjects(db)).toEqual(codePointOrder(SUBJECTS));
      expect(await storedRuleOrder(db)).toEqual(codePointOrder(RULES));
    });

    it('orders ids and instants, left at the default collation, in code-point order already', async (ctx) => {
      if (!storage) return ctx.skip(`no en-US database: ${unavailable}`);
      const db = storage.db as unknown as Kysely<unknown>;
      const start = Date.parse('2026-12-05T10:00:00.000Z');
      const times = Array.from({ length: 200 }, (_, i) => start + ((i * 7919) % 200) * 37_003);
      const keys = [
        ...times.map((t) => newId('acc', t)),
        ...times.map((t) => new Date(t).toISOString()),
      ];
      const { rows } = await sql<{ key: string }>`
        select key from (values ${sql.join(keys.map((k) => sql`(${k}::varchar(40))`))}) as v (key)
        order by key`.execute(db);
      expect(rows.map((row) => row.key)).toEqual(codePointOrder(keys));
    });
  },
);
