/**
 * The regulator's rule versions on SQLite and PostgreSQL, through the routes: a malformed rule
 * is a 422 naming its line and stores nothing; a rule failing its own test events is refused;
 * a new rule and a new version are in force in the running evaluator without a restart (and
 * their windows rebuilt from the replay); versions list who, when and the content hash; a
 * rollback is a new version with the earlier content; disable and enable; every change is in the
 * ledger; the shadow switch applies to a stored version; with two instances on one PostgreSQL
 * database a version saved on the standby is in force on the leader within a second.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import { makeIin } from '../scan/test-support/identifiers.js';
import { DEFAULT_RULES_DIR } from './rule-files.js';
import {
  asStaff,
  checked,
  eventually,
  type MonitorHarness,
  monitorHarness,
} from './test-support/monitor-app.js';

const T0 = Date.parse('2026-12-03T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A rule watching one clerk's exports, with the tests a stored rule must carry. */
function watchRule(id: string, clerk: string, level = 'medium'): string {
  return [
    `id: ${id}`,
    `title: Exports by ${clerk}`,
    `level: ${level}`,
    'detection:',
    '  check:',
    '    type: access.checked',
    '    action: export',
    `    actor.id: ${clerk}`,
    '  condition: check',
    'tests:',
    '  match:',
    `    - { action: export, actor: { id: ${clerk} } }`,
    '  nomatch:',
    `    - { action: read, actor: { id: ${clerk} } }`,
    `    - { action: export, actor: { id: someone-else } }`,
    '',
  ].join('\n');
}

const regulator = asStaff('regulator');

async function send(
  h: MonitorHarness,
  method: 'POST' | 'PUT' | 'GET',
  url: string,
  payload?: Record<string, unknown>,
  headers: Record<string, string> = regulator,
) {
  return h.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

describeStorage('monitor rule versions', (fx) => {
  /** A version as an older build stored it (today's parser may refuse it), written directly. */
  async function storeAsOlderBuild(ruleId: string, version: number, content: string) {
    await fx.storage.db
      .insertInto('monitor_rule_versions')
      .values({
        rule_id: ruleId,
        version,
        content,
        content_hash: sha256(content),
        action: 'update',
        restored_from: null,
        reason: 'from an older build',
        created_by: 'staff:old',
        created_at: at(0),
        ledger_id: `mrv_OLD_${ruleId}_${version}`,
      })
      .execute();
    await fx.storage.db
      .updateTable('monitor_rules_version')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', '=', 1)
      .execute();
  }

  it('refuses a malformed rule with its line and stores nothing', async () => {
    const h = await monitorHarness(fx.storage);
    // Tests run in a random order on one database: compare with what was there before.
    const stored = async () =>
      Number(
        (
          await fx.storage.db
            .selectFrom('monitor_rule_versions')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    try {
      const storedBefore = await stored();
      const before = await fx.storage.db
        .selectFrom('monitor_rules_version')
        .select('version')
        .executeTakeFirstOrThrow();
      const bad = watchRule('bad-level', 'clerk-x').replace('level: medium', 'level: severe');
      const res = await send(h, 'POST', '/v1/monitor/rules', { content: bad, reason: 'test' });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json<{ code: string; detail: string; problems: { line: number }[] }>();
      expect(body.code).toBe('monitor.rule_invalid');
      expect(body.problems[0]!.line).toBe(3);
      expect(body.detail).toMatch(/^line 3, column \d+: level/);
      // YAML that does not parse at all: the yaml package's position.
      const broken = await send(h, 'POST', '/v1/monitor/rules/self-access/versions', {
        content: 'id: self-access\ntitle: [unclosed\nlevel: high\n',
        reason: 'test',
      });
      expect(broken.statusCode).toBe(422);
      expect(broken.json<{ problems: { line: number }[] }>().problems[0]!.line).toBeGreaterThan(1);
      // A version naming another id.
      const renamed = await send(h, 'POST', '/v1/monitor/rules/self-access/versions', {
        content: watchRule('not-self-access', 'clerk-x'),
        reason: 'test',
      });
      expect(renamed.statusCode).toBe(422);
      expect(renamed.json<{ detail: string }>().detail).toMatch(
        /^line 1, column 1: id: this is a version of 'self-access'/,
      );
      // Nothing that could be an IIN is answered back, and no id that could be one is stored.
      const iin = makeIin(1990, 1, 1, 3, 12)!;
      const quoted = await send(h, 'POST', '/v1/monitor/rules', {
        content: `${watchRule('quoted', 'clerk-x')}x${iin}: 1\n`,
        reason: 'x',
      });
      expect(quoted.statusCode).toBe(422);
      expect(quoted.body).not.toContain(iin);
      expect(quoted.json<{ detail: string }>().detail).toContain('[12 digits]');
      const iinId = await send(h, 'POST', '/v1/monitor/rules', {
        content: watchRule(`r${iin}`, 'clerk-x'),
        reason: 'x',
      });
      expect(iinId.statusCode).toBe(422);
      expect(iinId.json<{ detail: string }>().detail).toMatch(
        /^line 1, column 1: id: an id must not/,
      );
      expect(iinId.body).not.toContain(iin);
      // No tests: refused (a stored rule carries what must match and what must not).
      const untested = watchRule('no-tests', 'clerk-x').split('tests:')[0]!;
      const noTests = await send(h, 'POST', '/v1/monitor/rules', {
        content: untested,
        reason: 'x',
      });
      expect(noTests.statusCode).toBe(422);
      expect(noTests.json<{ detail: string }>().detail).toMatch(/tests: a rule needs/);
      expect(await stored()).toBe(storedBefore);
      const after = await fx.storage.db
        .selectFrom('monitor_rules_version')
        .select('version')
        .executeTakeFirstOrThrow();
      expect(Number(after.version)).toBe(Number(before.version));
    } finally {
      await h.close();
    }
  });

  it('refuses a rule that fails its own test events, and one that breaks a correlation', async () => {
    const h = await monitorHarness(fx.storage);
    try {
      // The nomatch event is one the detection matches.
      const failing = watchRule('fails-own-tests', 'clerk-y').replace(
        '- { action: read, actor: { id: clerk-y } }',
        '- { action: export, actor: { id: clerk-y } }',
      );
      const res = await send(h, 'POST', '/v1/monitor/rules', { content: failing, reason: 'x' });
      expect(res.statusCode).toBe(422);
      const body = res.json<{ code: string; failures: { kind: string; index: number }[] }>();
      expect(body.code).toBe('monitor.rule_tests_failed');
      expect(body.failures).toEqual([
        expect.objectContaining({ kind: 'nomatch', index: 0, ruleId: 'fails-own-tests' }),
      ]);
      // access-denied narrowed to searches: deny-storm, which counts it, fails its tests.
      const shipped = await readFile(join(DEFAULT_RULES_DIR, 'access-denied.yaml'), 'utf8');
      const narrowed = shipped
        .replace('decision: deny\n  condition', 'decision: deny\n    action: search\n  condition')
        .replace('- { decision: deny }', '- { decision: deny, action: search }');
      const broke = await send(h, 'POST', '/v1/monitor/rules/access-denied/versions', {
        content: narrowed,
        reason: 'only searches',
      });
      expect(broke.statusCode).toBe(422);
      expect(
        broke.json<{ failures: { ruleId: string }[] }>().failures.map((f) => f.ruleId),
      ).toContain('deny-storm');
      const listed = await send(h, 'GET', '/v1/monitor/rules/access-denied/versions');
      expect(listed.json<{ items: unknown[] }>().items).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('refuses a selection mapping or a reference value listed twice, naming it; a version stored before still loads', async () => {
    const h = await monitorHarness(fx.storage);
    try {
      const twice = `${watchRule('watch-twice', 'clerk-twice').replace(
        '    type: access.checked\n    action: export\n    actor.id: clerk-twice\n',
        '    - { action: export, actor.id: clerk-twice }\n    - { actor.id: clerk-twice, action: export }\n',
      )}  reference:\n    honeytokens: [subject-h, subject-h]\n`;
      const res = await send(h, 'POST', '/v1/monitor/rules', { content: twice, reason: 'x' });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        code: 'monitor.rule_invalid',
        detail:
          'line 7, column 7: detection.check.1: this mapping is listed twice (first as item 0); a selection list matches if any of its mappings does, so each is listed once (and 1 more)',
        problems: [
          { line: 7, column: 7 },
          {
            line: 16,
            column: 30,
            problem:
              "tests.reference.honeytokens.1: 'subject-h' is listed twice (first as item 0); a reference list names each value once",
          },
        ],
      });
      expect((await send(h, 'GET', '/v1/monitor/rules/watch-twice')).statusCode).toBe(404);
      // The same text stored by a build that did not refuse it is read as it was, and in force.
      await storeAsOlderBuild('watch-twice', 1, twice);
      expect(
        (await send(h, 'GET', '/v1/monitor/rules/watch-twice')).json<Record<string, unknown>>(),
      ).toMatchObject({ version: 1, source: 'stored', loaded: true, problems: [] });
    } finally {
      await h.close();
    }
  });

  it('refuses a correlation naming a rule not in force, and a change that would leave a correlation unable to load (MONITOR.md)', async () => {
    const h = await monitorHarness(fx.storage);
    try {
      const tests = [
        'tests:',
        '  match: [{ events: [{ action: read }, { action: read }] }]',
        '  nomatch: [{ action: read }]',
        '',
      ];
      const counting = (id: string, counts: string) =>
        [
          `id: ${id}`,
          `title: Counts ${counts}`,
          'level: low',
          'correlation:',
          '  type: event_count',
          `  rules: [${counts}]`,
          '  group-by: [actor.id]',
          '  timespan: 1h',
          '  condition: { gte: 2 }',
          ...tests,
        ].join('\n');
      const missing = await send(h, 'POST', '/v1/monitor/rules', {
        content: counting('counts-missing', 'no-such-rule'),
        reason: 'x',
      });
      expect([missing.statusCode, missing.json<{ code: string }>().code]).toEqual([
        422,
        'monitor.rule_invalid',
      ]);
      expect(missing.json<{ detail: string }>().detail).toContain('no-such-rule');
      expect((await send(h, 'GET', '/v1/monitor/rules/counts-missing')).statusCode).toBe(404);
      // access-denied turned into a correlation: deny-storm and deny-then-permit count it.
      const versions = async () =>
        (await send(h, 'GET', '/v1/monitor/rules/access-denied/versions')).json<{
          items: unknown[];
        }>().items.length;
      const before = await versions();
      const turned = await send(h, 'POST', '/v1/monitor/rules/access-denied/versions', {
        content: counting('access-denied', 'access-permitted'),
        reason: 'x',
      });
      expect([turned.statusCode, turned.json<{ code: string }>().code]).toEqual([
        422,
        'monitor.rule_invalid',
      ]);
      expect(turned.json<{ detail: string }>().detail).toMatch(/deny-storm|deny-then-permit/);
      expect(await versions()).toBe(before);
    } finally {
      await h.close();
    }
  });

  it('a new rule, a new version, a rollback and a disable are in force without a restart and in the ledger', async () => {
    const h = await monitorHarness(fx.storage, { rulesPollMs: 200 });
    try {
      // An export before the rule exists: the rebuild replays it, so the new rule sees it.
      const early = checked(at(0), { action: 'export', actor: { id: 'clerk-watch' } });
      await h.bus.publish([early]);
      await eventually(() => (h.monitor.evaluator.engine?.stats().processed ?? 0) >= 1);

      const created = await send(h, 'POST', '/v1/monitor/rules', {
        content: watchRule('watch-exports', 'clerk-watch'),
        reason: 'a tip-off about clerk-watch',
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers.location).toBe('/v1/monitor/rules/watch-exports');
      expect(created.json()).toMatchObject({
        id: 'watch-exports',
        version: 1,
        source: 'stored',
        enabled: true,
        loaded: true,
        level: 'medium',
        contentHash: sha256(watchRule('watch-exports', 'clerk-watch')),
      });
      const first = await eventually(() =>
        h.alerts.find((a) => a.ruleId === 'watch-exports' && a.events.includes(early.id)),
      );
      expect(first).toMatchObject({ level: 'medium', shadow: false });

      // Version 2 raises the level; the engine swaps it in.
      const v2 = watchRule('watch-exports', 'clerk-watch', 'high');
      const updated = await send(h, 'POST', '/v1/monitor/rules/watch-exports/versions', {
        content: v2,
        reason: 'more serious than thought',
        baseVersion: 1,
      });
      expect(updated.statusCode).toBe(201);
      expect(updated.json()).toMatchObject({ version: 2, level: 'high' });
      await eventually(
        () =>
          h.monitor.evaluator.engine?.rules.find((r) => r.id === 'watch-exports')?.level === 'high',
      );
      const later = checked(at(30), { action: 'export', actor: { id: 'clerk-watch' } });
      await h.bus.publish([later]);
      const second = await eventually(() =>
        h.alerts.find((a) => a.ruleId === 'watch-exports' && a.events.includes(later.id)),
      );
      expect(second.level).toBe('high');
      // The replay stored nothing twice: one alert per triggering event.
      expect(h.alerts.filter((a) => a.events.includes(early.id))).toHaveLength(1);

      // A stale base, and the same content again: 409s, nothing stored.
      const stale = await send(h, 'POST', '/v1/monitor/rules/watch-exports/versions', {
        content: watchRule('watch-exports', 'clerk-watch', 'low'),
        reason: 'x',
        baseVersion: 1,
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json<{ code: string }>().code).toBe('monitor.rule_version_conflict');
      const same = await send(h, 'POST', '/v1/monitor/rules/watch-exports/versions', {
        content: v2,
        reason: 'x',
      });
      expect(same.json<{ code: string }>().code).toBe('monitor.rule_unchanged');

      // Rollback to 1: version 3 with version 1's content.
      const back = await send(h, 'POST', '/v1/monitor/rules/watch-exports/rollback', {
        version: 1,
        reason: 'level back to medium',
      });
      expect(back.statusCode).toBe(201);
      expect(back.json()).toMatchObject({
        version: 3,
        level: 'medium',
        contentHash: sha256(watchRule('watch-exports', 'clerk-watch')),
      });
      const versions = await send(
        h,
        'GET',
        '/v1/monitor/rules/watch-exports/versions',
        undefined,
        asStaff('auditor'),
      );
      expect(versions.statusCode).toBe(200);
      const items = versions.json<{ items: Record<string, unknown>[] }>().items;
      expect(items.map((v) => [v.version, v.action, v.restoredFrom, v.current])).toEqual([
        [1, 'create', null, false],
        [2, 'update', null, false],
        [3, 'rollback', 1, true],
      ]);
      expect(items[0]).toMatchObject({
        createdBy: 'staff:test-regulator',
        reason: 'a tip-off about clerk-watch',
        contentHash: sha256(watchRule('watch-exports', 'clerk-watch')),
      });
      expect(items[0]!.createdAt).toEqual(expect.any(String));
      const content = await send(
        h,
        'GET',
        '/v1/monitor/rules/watch-exports/versions/2',
        undefined,
        asStaff('soc'),
      );
      expect(content.json()).toMatchObject({ version: 2, content: v2 });

      // Disabled: out of the engine, listed as disabled.
      const off = await send(h, 'PUT', '/v1/monitor/rules/watch-exports/enabled', {
        enabled: false,
        reason: 'tip-off cleared',
      });
      expect(off.statusCode).toBe(200);
      expect(off.json()).toMatchObject({ enabled: false, loaded: false });
      await eventually(
        () =>
          h.monitor.evaluator.engine !== null &&
          !h.monitor.evaluator.engine.rules.some((r) => r.id === 'watch-exports'),
      );
      const list = await send(h, 'GET', '/v1/monitor/rules', undefined, asStaff('soc'));
      expect(
        list
          .json<{ items: Record<string, unknown>[] }>()
          .items.find((r) => r.id === 'watch-exports'),
      ).toMatchObject({ version: 3, source: 'stored', enabled: false, loaded: false, hits: 2 });
      expect(
        list
          .json<{ items: Record<string, unknown>[] }>()
          .items.find((r) => r.id === 'honeytoken-touched'),
      ).toMatchObject({ version: 0, source: 'shipped', enabled: true, loaded: true });

      // Every change is a ledger record, appended through the outbox.
      const versionRows = await fx.storage.db
        .selectFrom('monitor_rule_versions')
        .select(['ledger_id', 'version'])
        .where('rule_id', '=', 'watch-exports')
        .orderBy('version')
        .execute();
      const stateRow = await fx.storage.db
        .selectFrom('monitor_rule_states')
        .select('ledger_id')
        .where('rule_id', '=', 'watch-exports')
        .executeTakeFirstOrThrow();
      for (const id of [...versionRows.map((r) => r.ledger_id), stateRow.ledger_id])
        expect(await h.outbox.ledgerIndexOf(id)).toEqual(expect.any(Number));
      expect(versionRows.map((r) => Number(r.version))).toEqual([1, 2, 3]);
    } finally {
      await h.close();
    }
  });

  it('rolls a shipped rule back to its file, keeps a shadow switch across versions, and will not disable a counted rule', async () => {
    const h = await monitorHarness(fx.storage, { rulesPollMs: 200 });
    try {
      const shipped = await readFile(join(DEFAULT_RULES_DIR, 'self-access.yaml'), 'utf8');
      const edited = shipped.replace('level: high', 'level: critical');
      const saved = await send(h, 'POST', '/v1/monitor/rules/self-access/versions', {
        content: edited,
        reason: 'self-access is critical here',
        baseVersion: 0,
      });
      expect(saved.statusCode).toBe(201);
      const mode = await send(h, 'PUT', '/v1/monitor/rules/self-access/mode', {
        mode: 'shadow',
        reason: 'watching the new level first',
      });
      expect(mode.json()).toMatchObject({ mode: 'shadow', version: 1, source: 'stored' });
      await eventually(() => {
        const rule = h.monitor.evaluator.engine?.rules.find((r) => r.id === 'self-access');
        return rule?.level === 'critical' && rule.shadow;
      });
      const self = checked(at(100), {
        subject: 'psn-self-v',
        actor: { id: 'clerk-self-v', pseudonym: 'psn-self-v' },
      });
      await h.bus.publish([self]);
      const alert = await eventually(() => h.alerts.find((a) => a.events.includes(self.id)));
      expect(alert).toMatchObject({ ruleId: 'self-access', level: 'critical', shadow: true });

      const back = await send(h, 'POST', '/v1/monitor/rules/self-access/rollback', {
        version: 0,
        reason: 'back to the shipped rule',
      });
      expect(back.json()).toMatchObject({
        version: 2,
        source: 'stored',
        level: 'high',
        contentHash: sha256(shipped),
      });
      const versions = await send(h, 'GET', '/v1/monitor/rules/self-access/versions');
      expect(versions.json<{ items: Record<string, unknown>[] }>().items[0]).toMatchObject({
        version: 0,
        source: 'shipped',
        action: 'shipped',
        contentHash: sha256(shipped),
        createdBy: null,
      });

      const inUse = await send(h, 'PUT', '/v1/monitor/rules/access-denied/enabled', {
        enabled: false,
        reason: 'x',
      });
      expect(inUse.statusCode).toBe(409);
      expect(inUse.json()).toMatchObject({
        code: 'monitor.rule_in_use',
        // deny-then-permit too, unless another test (in random order) switched it off.
        usedBy: expect.arrayContaining(['deny-storm']),
      });
      const iin = await send(h, 'PUT', '/v1/monitor/rules/self-access/enabled', {
        enabled: false,
        reason: `complaint by ${makeIin(1990, 1, 1, 3, 12)!}`,
      });
      expect(iin.statusCode).toBe(400);
      const missing = await send(h, 'POST', '/v1/monitor/rules/no-such-rule/rollback', {
        version: 0,
        reason: 'x',
      });
      expect(missing.statusCode).toBe(404);
      // Past PostgreSQL's 32-bit `integer`: refused by the schema on both engines (PostgreSQL
      // answered 500, SQLite 404), in the body as in the path.
      for (const body of [
        { version: 2 ** 31, reason: 'x' },
        { version: 0, reason: 'x', baseVersion: 2 ** 31 },
      ]) {
        const huge = await send(h, 'POST', '/v1/monitor/rules/self-access/rollback', body);
        expect([huge.statusCode, huge.json<{ code: string }>().code]).toEqual([
          400,
          'request.validation',
        ]);
      }
      const noFile = await send(h, 'GET', '/v1/monitor/rules/self-access/versions/9');
      expect(noFile.json<{ code: string }>().code).toBe('monitor.rule_version_not_found');
    } finally {
      await h.close();
    }
  });

  it('overrides apply to the shipped file only; a stored version that no longer parses is not loaded and says why', async () => {
    const h = await monitorHarness(fx.storage, {
      overrides: { 'bulk-export': { level: 'low' } },
    });
    try {
      const rules = async () =>
        (await send(h, 'GET', '/v1/monitor/rules')).json<{ items: Record<string, unknown>[] }>()
          .items;
      expect((await rules()).find((r) => r.id === 'bulk-export')).toMatchObject({
        version: 0,
        level: 'low',
      });
      const shipped = await readFile(join(DEFAULT_RULES_DIR, 'bulk-export.yaml'), 'utf8');
      const saved = await send(h, 'POST', '/v1/monitor/rules/bulk-export/versions', {
        content: shipped.replace(/^title: .*$/m, 'title: Bulk export (regulator)'),
        reason: 'retitled',
      });
      expect(saved.statusCode).toBe(201);
      expect(saved.json()).toMatchObject({ version: 1, level: 'high' });

      // Any id the parser accepts (dots, underscores) can be switched like a shipped rule.
      const dotted = await send(h, 'POST', '/v1/monitor/rules', {
        content: watchRule('watch_dotted.v2', 'clerk-dotted'),
        reason: 'an id with a dot',
      });
      expect(dotted.statusCode).toBe(201);
      const shadowed = await send(h, 'PUT', '/v1/monitor/rules/watch_dotted.v2/mode', {
        mode: 'shadow',
        reason: 'watch first',
      });
      expect(shadowed.json()).toMatchObject({ id: 'watch_dotted.v2', mode: 'shadow', version: 1 });

      // A taken id is a 409, not a new version.
      const taken = await send(h, 'POST', '/v1/monitor/rules', { content: shipped, reason: 'x' });
      expect(taken.statusCode).toBe(409);
      expect(taken.json<{ code: string }>().code).toBe('monitor.rule_exists');

      // A version stored by an older build that today's parser refuses (written directly).
      await storeAsOlderBuild('bulk-export', 2, 'id: bulk-export\nlevel: extreme\n');
      const refused = (await rules()).find((r) => r.id === 'bulk-export');
      expect(refused).toMatchObject({ version: 2, source: 'stored', loaded: false });
      expect((refused!.problems as string[]).join(' ')).toMatch(/^line \d+, column \d+: .*level/);
      await eventually(
        () =>
          h.monitor.evaluator.engine !== null &&
          !h.monitor.evaluator.engine.rules.some((r) => r.id === 'bulk-export'),
      );
      // A rule created here (no shipped file to describe it) is listed too, under the title its
      // text still gives, and a version that parses puts it back in force.
      const unreadable = watchRule('watch_dotted.v2', 'clerk-dotted').replace(
        'level: medium',
        'level: extreme',
      );
      await storeAsOlderBuild('watch_dotted.v2', 2, unreadable);
      const created = (await rules()).find((r) => r.id === 'watch_dotted.v2');
      expect(created).toMatchObject({
        version: 2,
        source: 'stored',
        loaded: false,
        title: 'Exports by clerk-dotted',
      });
      expect((created!.problems as string[]).join(' ')).toMatch(/level/);
      expect((await send(h, 'GET', '/v1/monitor/rules/watch_dotted.v2')).statusCode).toBe(200);
      const mended = await send(h, 'POST', '/v1/monitor/rules/watch_dotted.v2/versions', {
        content: watchRule('watch_dotted.v2', 'clerk-dotted'),
        reason: 'readable again',
        baseVersion: 2,
      });
      expect(mended.statusCode).toBe(201);
      expect((await rules()).find((r) => r.id === 'watch_dotted.v2')).toMatchObject({
        version: 3,
        loaded: true,
        problems: [],
      });

      // A correlation is not enabled while a rule it counts is off.
      const offPermit = await send(h, 'PUT', '/v1/monitor/rules/deny-then-permit/enabled', {
        enabled: false,
        reason: 'noisy',
      });
      expect(offPermit.statusCode).toBe(200);
      const offRule = await send(h, 'PUT', '/v1/monitor/rules/access-permitted/enabled', {
        enabled: false,
        reason: 'not needed',
      });
      expect(offRule.statusCode).toBe(200);
      const on = await send(h, 'PUT', '/v1/monitor/rules/deny-then-permit/enabled', {
        enabled: true,
        reason: 'back',
      });
      expect(on.statusCode).toBe(409);
      expect(on.json()).toMatchObject({ code: 'monitor.rule_in_use', needs: ['access-permitted'] });
    } finally {
      await h.close();
    }
  });

  it.skipIf(fx.dialect === 'sqlite')(
    'a version saved on a standby instance is in force on the leader within a second',
    async () => {
      const a = await monitorHarness(fx.storage);
      const b = await monitorHarness(fx.storage, { lead: false });
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(b.monitor.evaluator.role).toBe('standby');
        const res = await send(b, 'POST', '/v1/monitor/rules', {
          content: watchRule('watch-two', 'clerk-two-instances'),
          reason: 'saved on the standby',
        });
        expect(res.statusCode).toBe(201);
        await eventually(
          () => a.monitor.evaluator.engine?.rules.some((r) => r.id === 'watch-two') === true,
          2_000,
        );
        // The leader polls the rule-change counter every 500 ms (the default) and rebuilds.
        const shadow = await send(b, 'PUT', '/v1/monitor/rules/watch-two/mode', {
          mode: 'shadow',
          reason: 'shadow from the standby',
        });
        expect(shadow.statusCode).toBe(200);
        await eventually(
          () =>
            a.monitor.evaluator.engine?.rules.find((r) => r.id === 'watch-two')?.shadow === true,
          2_000,
        );
      } finally {
        await a.close();
        await b.close();
      }
    },
  );
});
