/**
 * The rule catalog over the real versions store, on SQLite and PostgreSQL, without a server:
 * two saves based on the same version, racing, give one new version and one
 * `409 monitor.rule_version_conflict` — whether they reach the insert together (the primary key
 * decides) or one commits between the other's reading and its numbering (the catalog decides);
 * and a version stored with a repeated value, before repeats were refused, stays in force while
 * a new one holding a repeat is refused.
 */
import { expect, it } from 'vitest';
import { isDomainError } from '../core/errors.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { createMonitorStore } from './monitor.store.js';
import { parseRuleFile } from './rule-parser.js';
import { contentHash, createRuleCatalog, type RuleCatalog } from './rule-versions.js';
import { createRuleVersionsStore, type RuleVersionsStore } from './rule-versions.store.js';

/** A rule watching one clerk's exports, with the tests a stored rule must carry. */
function watchRule(id: string, clerks: string, level = 'medium'): string {
  return [
    `id: ${id}`,
    `title: Exports by ${clerks}`,
    `level: ${level}`,
    'detection:',
    '  check:',
    '    type: access.checked',
    '    action: export',
    `    actor.id: ${clerks}`,
    '  condition: check',
    'tests:',
    '  match:',
    '    - { action: export, actor: { id: clerk-1 } }',
    '  nomatch:',
    '    - { action: read, actor: { id: clerk-1 } }',
    '',
  ].join('\n');
}

/** What a save ended in: the version it stored, or the code it was refused with. */
async function outcome(save: Promise<{ version: number }>): Promise<number | string> {
  try {
    return (await save).version;
  } catch (error) {
    if (isDomainError(error)) return `${error.status} ${error.code}`;
    throw error;
  }
}

describeStorage('monitor rule catalog over the versions store', (fx) => {
  /** A catalog whose store may hold a call until told; the ledger side is not under test. */
  function catalogOf(
    ruleId: string,
    wrap: (store: RuleVersionsStore) => RuleVersionsStore = (store) => store,
  ): RuleCatalog {
    const text = watchRule(ruleId, 'clerk-1');
    const parsed = parseRuleFile(`${ruleId}.yaml`, text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const monitor = createMonitorStore(fx.storage.db);
    return createRuleCatalog({
      baseline: [{ rule: parsed.rule, text }],
      store: wrap(createRuleVersionsStore(fx.storage.db)),
      counter: () => monitor.rulesVersion(),
      enqueue: async () => {},
      sequence: async () => {},
      changed: () => {},
      refuseIin: () => {},
      clock: () => new Date(),
      log: { error: () => {} },
    });
  }

  const stored = async (ruleId: string) =>
    (await createRuleVersionsStore(fx.storage.db).versions(ruleId)).map((v) => v.content);

  /**
   * A catalog whose saves wait at the insert until two have numbered their version; `open` lets
   * them go (call it when a save ends, so one refused before the insert frees the other).
   */
  function togetherAtInsert(baselineId: string) {
    let waiting = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const catalog = catalogOf(baselineId, (store) => ({
      ...store,
      async append(...args) {
        waiting += 1;
        if (waiting === 2) open();
        await gate;
        return store.append(...args);
      },
    }));
    return { catalog, open, waiting: () => waiting };
  }

  /**
   * A catalog whose first save to number its version waits there (`reached` resolves) until
   * `release` is called: the other save commits in between.
   */
  function heldAtNumbering(baselineId: string) {
    let first = true;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrive!: () => void;
    const reached = new Promise<void>((resolve) => (arrive = resolve));
    const catalog = catalogOf(baselineId, (store) => ({
      ...store,
      async versions(ruleId) {
        if (first) {
          first = false;
          arrive();
          await gate;
        }
        return store.versions(ruleId);
      },
    }));
    return { catalog, reached, release };
  }

  it('two saves based on the same version that reach the insert together: one is stored, the other is a 409', async () => {
    const { catalog, open, waiting } = togetherAtInsert('race-insert');
    const texts = [
      watchRule('race-insert', 'clerk-1', 'high'),
      watchRule('race-insert', 'clerk-1', 'low'),
    ];
    const saves = texts.map((text) =>
      catalog.update('race-insert', text, 'racing', 'staff:regulator:r', 0).finally(open),
    );
    const outcomes = await Promise.all(saves.map(outcome));
    expect(waiting()).toBe(2);
    expect(outcomes.sort()).toEqual([1, '409 monitor.rule_version_conflict']);
    const versions = await stored('race-insert');
    expect(versions).toHaveLength(1);
    expect(texts).toContain(versions[0]);
    expect((await catalog.get('race-insert')).content).toBe(versions[0]);
  });

  it('a save based on a version another save replaced meanwhile is a 409, not a version past it', async () => {
    const { catalog, reached, release } = heldAtNumbering('race-number');
    const late = outcome(
      catalog.update(
        'race-number',
        watchRule('race-number', 'clerk-1', 'high'),
        'based on 0',
        'staff:regulator:a',
        0,
      ),
    );
    // The other save starts once the first has checked its base and is held.
    await reached;
    const early = outcome(
      catalog
        .update(
          'race-number',
          watchRule('race-number', 'clerk-1', 'low'),
          'also based on 0',
          'staff:regulator:b',
          0,
        )
        .finally(release),
    );
    expect(await early).toBe(1);
    expect(await late).toBe('409 monitor.rule_version_conflict');
    expect(await stored('race-number')).toEqual([watchRule('race-number', 'clerk-1', 'low')]);
  });

  it('two creates of one id, racing, store one rule; the other is told the id is taken, whether or not the first committed before it numbered its version', async () => {
    // Together at the insert.
    const { catalog: together, open } = togetherAtInsert('baseline-a');
    const pair = [watchRule('new-a', 'clerk-1', 'high'), watchRule('new-a', 'clerk-1', 'low')];
    const outcomes = await Promise.all(
      pair.map((text) => outcome(together.create(text, 'new', 'staff:regulator:r').finally(open))),
    );
    expect(outcomes.sort()).toEqual([1, '409 monitor.rule_exists']);
    expect(await stored('new-a')).toHaveLength(1);

    // One committed while the other was between its check and its numbering.
    const { catalog: apart, reached, release } = heldAtNumbering('baseline-b');
    const late = outcome(
      apart.create(watchRule('new-b', 'clerk-1', 'high'), 'late', 'staff:regulator:a'),
    );
    await reached;
    const early = outcome(
      apart
        .create(watchRule('new-b', 'clerk-1', 'low'), 'early', 'staff:regulator:b')
        .finally(release),
    );
    expect(await early).toBe(1);
    expect(await late).toBe('409 monitor.rule_exists');
    expect(await stored('new-b')).toEqual([watchRule('new-b', 'clerk-1', 'low')]);
  });

  it('a version stored with a repeated value stays in force; a new one holding a repeat is refused with its line', async () => {
    const catalog = catalogOf('repeats-kept');
    const old = watchRule('repeats-kept', '[clerk-1, clerk-1]');
    // As a version saved before repeats were refused: straight into the store.
    await createRuleVersionsStore(fx.storage.db).append(
      {
        ruleId: 'repeats-kept',
        version: 1,
        content: old,
        contentHash: contentHash(old),
        action: 'update',
        restoredFrom: null,
        reason: 'before repeats were refused',
        createdBy: 'staff:regulator:r',
        createdAt: new Date().toISOString(),
        ledgerId: 'mrv_repeats_kept',
      },
      { id: 'mrv_repeats_kept', type: 'monitor.rule-version', record: {} },
      async () => {},
    );
    const entry = (await catalog.current()).entries.find((e) => e.id === 'repeats-kept');
    expect(entry).toMatchObject({ version: 1, loaded: true, problems: [] });

    const refused = await catalog
      .update(
        'repeats-kept',
        watchRule('repeats-kept', '[clerk-1, clerk-2, Clerk-2]'),
        'a typo',
        'staff:regulator:r',
        1,
      )
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(isDomainError(refused) && refused.code).toBe('monitor.rule_invalid');
    expect(isDomainError(refused) && refused.extensions.problems).toEqual([
      {
        line: 8,
        column: 34,
        problem:
          "detection.check.actor.id.2: 'Clerk-2' is listed twice as 'clerk-2' (first as item 1); a field matches if any of its values does, so each is listed once",
      },
    ]);
    expect(await stored('repeats-kept')).toEqual([old]);
  });
});
