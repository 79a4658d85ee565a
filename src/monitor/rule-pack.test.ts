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
