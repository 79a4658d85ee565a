/**
 * The default pack (DOMAIN.md §8): every file loads, every rule ships events that must match and
 * events that must not, and each of them does what it says — one generated test per rule file.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { applyOverrides, loadRules } from './rule-loader.js';
import { DEFAULT_RULES_DIR, readRuleSources } from './rule-files.js';
import { runRuleTests } from './rule-tests.js';

const sources = await readRuleSources();
const { rules, problems } = loadRules(sources);

describe('the default rule pack', () => {
  it('loads every file without a problem', () => {
    expect(problems).toEqual([]);
    expect(rules).toHaveLength(
      readdirSync(DEFAULT_RULES_DIR).filter((f) => f.endsWith('.yaml')).length,
    );
  });

  it('holds every rule DOMAIN.md §8 lists', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(
      [
        'access-burst',
        'access-denied',
        'access-permitted',
        'bulk-export',
        'bulk-harvesting',
        'bulk-harvesting-critical',
        'coworker-snooping',
        'deny-storm',
        'deny-then-permit',
        'destination-country',
        'honeytoken-touched',
        'inactive-actor',
        'multi-incident',
        'off-hours-volume',
        'protected-person-access',
        'purpose-category-mismatch',
        'repeat-offender',
        'self-access',
        'subject-many-operators',
      ].sort(),
    );
  });

  it('blocks the actor automatically and proposes suspending the system on critical harvesting and honeytokens', () => {
    for (const id of ['bulk-harvesting-critical', 'honeytoken-touched']) {
      const rule = rules.find((r) => r.id === id)!;
      expect(rule.level).toBe('critical');
      expect(rule.responses).toEqual([
        { action: 'block-actor', mode: 'automatic', forMs: 86_400_000 },
        { action: 'suspend-system', mode: 'needs-confirmation' },
      ]);
    }
  });

  it('is the pack docs/MONITOR.md tabulates: level, kind, threshold, window and responses', () => {
    const H = 3_600_000;
    const counted = (type: string, threshold: number, timespanMs: number, groupBy: string[]) => ({
      type,
      threshold,
      timespanMs,
      groupBy,
    });
    const block24h = { action: 'block-actor', mode: 'automatic', forMs: 24 * H };
    const suspend = { action: 'suspend-system', mode: 'needs-confirmation' };
    const table: Record<string, { level: string; correlation?: object; responses?: object[] }> = {
      'self-access': { level: 'high' },
      'coworker-snooping': { level: 'high' },
      'protected-person-access': { level: 'high' },
      'honeytoken-touched': { level: 'critical', responses: [block24h, suspend] },
      'access-burst': {
        level: 'medium',
        correlation: counted('event_count', 100, H / 12, ['operator', 'actor.id']),
      },
      'purpose-category-mismatch': { level: 'medium' },
      'bulk-harvesting': {
        level: 'high',
        correlation: counted('value_count', 200, H, ['operator', 'actor.id']),
      },
      'bulk-harvesting-critical': {
        level: 'critical',
        correlation: counted('value_count', 1_000, H, ['operator', 'actor.id']),
        responses: [block24h, suspend],
      },
      'bulk-export': { level: 'high' },
      'off-hours-volume': {
        level: 'medium',
        correlation: counted('event_count', 50, H, ['operator', 'actor.id']),
      },
      'inactive-actor': {
        level: 'high',
        responses: [{ action: 'block-actor', mode: 'automatic' }],
      },
      'access-denied': { level: 'low' },
      'access-permitted': { level: 'low' },
      'deny-storm': {
        level: 'medium',
        correlation: counted('event_count', 20, H / 6, ['operator', 'system', 'actor.id']),
      },
      'deny-then-permit': {
        level: 'medium',
        correlation: counted('temporal_ordered', 2, H, ['operator', 'actor.id', 'subject']),
      },
      'destination-country': {
        level: 'high',
        responses: [{ action: 'block-country', mode: 'needs-confirmation', forMs: 7 * 24 * H }],
      },
      'subject-many-operators': {
        level: 'high',
        correlation: counted('value_count', 5, 24 * H, ['subject']),
      },
      'multi-incident': {
        level: 'high',
        correlation: counted('event_count', 3, 24 * H, ['operator', 'actor.id']),
      },
      'repeat-offender': {
        level: 'critical',
        correlation: counted('value_count', 2, 30 * 24 * H, ['operator', 'actor.id']),
      },
    };
    const actual = Object.fromEntries(
      rules.map((rule) => [
        rule.id,
        {
          level: rule.level,
          ...(rule.kind === 'correlation'
            ? {
                correlation: {
                  type: rule.correlation.type,
                  threshold: rule.correlation.threshold,
                  timespanMs: rule.correlation.timespanMs,
                  groupBy: rule.correlation.groupBy,
                },
              }
            : {}),
          ...(rule.responses.length > 0 ? { responses: rule.responses } : {}),
        },
      ]),
    );
    expect(actual).toEqual(table);
    // The base rules only feed correlations; every other rule raises alerts of its own.
    expect(rules.filter((r) => !r.generate).map((r) => r.id)).toEqual([
      'access-denied',
      'access-permitted',
    ]);
    // What is counted: distinct subjects, operators and days; bulk-export is one export of 1,000.
    const field = (id: string) => {
      const rule = rules.find((r) => r.id === id)!;
      return rule.kind === 'correlation' ? rule.correlation.field : undefined;
    };
    expect(
      [
        'bulk-harvesting',
        'bulk-harvesting-critical',
        'subject-many-operators',
        'repeat-offender',
      ].map(field),
    ).toEqual(['subject', 'subject', 'operator', 'day']);
    expect(rules.find((r) => r.id === 'deny-then-permit')).toMatchObject({
      correlation: { rules: ['access-denied', 'access-permitted'] },
    });
  });

  describe.each(rules.map((rule) => [rule.id, rule] as const))('%s', (_id, rule) => {
    it('ships events that must match and events that must not', () => {
      expect(rule.tests.match.length, `${rule.file}: tests.match`).toBeGreaterThan(0);
      expect(rule.tests.nomatch.length, `${rule.file}: tests.nomatch`).toBeGreaterThan(0);
    });

    it('matches its match events and not its nomatch events', () => {
      expect(runRuleTests(rule, rules)).toEqual([]);
    });
  });

  // The match events sit right at the threshold: one more and they no longer match, so the tests
  // pin the threshold rather than pass whatever it is.
  const counting = rules.filter(
    (rule) => rule.kind === 'correlation' && !rule.correlation.type.startsWith('temporal'),
  );
  it.each(counting.map((rule) => [rule.id, rule] as const))(
    '%s stops matching when its threshold is raised by one',
    (_id, rule) => {
      const threshold = rule.kind === 'correlation' ? rule.correlation.threshold : 0;
      const raised = applyOverrides(rules, { [rule.id]: { threshold: threshold + 1 } }).rules;
      const failures = runRuleTests(
        raised.find((r) => r.id === rule.id)!,
        raised,
      );
      expect(failures.filter((f) => f.kind === 'match').length).toBeGreaterThan(0);
    },
  );
});
