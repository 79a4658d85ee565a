import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';

import { parseCondition } from './condition.js';
import { parseDuration } from './duration.js';
import { applyOverrides, loadRules } from './rule-loader.js';
import { parseRuleFile } from './rule-parser.js';
import { LEVELS } from './rule.model.js';

const VALID = `id: deny-storm
title: Deny storm
level: medium
detection:
  denied:
    type: access.checked
    decision: deny
  condition: denied
tests:
  match:
    - { decision: deny }
  nomatch:
    - { decision: permit }
`;

const problemsOf = (text: string, file = 'rule.yaml') => {
  const result = parseRuleFile(file, text);
  if (result.ok) throw new Error('expected the rule to be refused');
  return result.problems;
};

describe('parseRuleFile', () => {
  it('reads a detection rule with its tests', () => {
    const result = parseRuleFile('deny.yaml', VALID);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rule).toMatchObject({
      id: 'deny-storm',
      kind: 'detection',
      level: 'medium',
      shadow: false,
      generate: true,
      responses: [],
      dedup: { groupBy: [], windowMs: 0 },
    });
    expect(result.rule.tests.match).toHaveLength(1);
    expect(result.lines.id).toBe(1);
  });

  it('reads a value_count correlation with responses', () => {
    const text = `id: bulk
title: Bulk harvesting
level: critical
response:
  - { action: block-actor, mode: automatic, for: 24h }
  - { action: suspend-system, mode: needs-confirmation }
detection:
  checks: { type: access.checked }
  condition: checks
correlation:
  type: value_count
  group-by: [operator, actor.id]
  timespan: 1h
  condition: { field: subject, gte: 1000 }
`;
    const result = parseRuleFile('bulk.yaml', text);
    expect(result.ok).toBe(true);
    if (!result.ok || result.rule.kind !== 'correlation') return;
    expect(result.rule.correlation).toEqual({
      type: 'value_count',
      rules: [],
      groupBy: ['operator', 'actor.id'],
      timespanMs: 3_600_000,
      threshold: 1000,
      field: 'subject',
    });
    expect(result.rule.responses).toEqual([
      { action: 'block-actor', mode: 'automatic', forMs: 86_400_000 },
      { action: 'suspend-system', mode: 'needs-confirmation' },
    ]);
    expect(result.rule.dedup).toEqual({ groupBy: ['operator', 'actor.id'], windowMs: 3_600_000 });
  });

  it('names the line of a YAML syntax error', () => {
    const problems = problemsOf('id: x\ntitle: [unclosed\nlevel: low\n', 'broken.yaml');
    expect(problems[0]).toMatchObject({ file: 'broken.yaml' });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
    expect(problems[0]!.problem).toMatch(/^YAML: /);
  });

  it('names the line of a bad level, an unknown modifier and a bad condition', () => {
    const text = VALID.replace('level: medium', 'level: severe')
      .replace('decision: deny\n  condition', 'decision|startz: deny\n  condition')
      .replace('condition: denied', 'condition: denied and nto x');
    const problems = problemsOf(text);
    expect(problems).toContainEqual(
      expect.objectContaining({
        line: 3,
        problem: 'level: level must be one of low, medium, high, critical',
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        line: 7,
        problem: expect.stringContaining("unknown modifier 'startz'"),
      }),
    );
  });

  it('gives the column of a condition problem', () => {
    const problems = problemsOf(
      VALID.replace('condition: denied', 'condition: denied and (filter'),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 8 });
    expect(problems[0]!.problem).toContain("column 13: 'filter' is not a selection of this rule");
  });

  it('refuses lt conditions, unknown keys, wrong placeholders and derived fields in test events', () => {
    const text = `id: x
title: X
level: low
levle: high
detection:
  sel:
    subject|expand: '%staff%'
  condition: sel
correlation:
  type: event_count
  timespan: 1h
  condition: { lt: 3 }
tests:
  match:
    - { offHours: true }
`;
    const messages = problemsOf(text).map((p) => `${p.line}: ${p.problem}`);
    expect(messages).toContain("4: levle: unknown key 'levle'");
    expect(messages).toContain(
      "7: detection.sel.subject|expand: 'staff' is kept per operator: write '%staff:operator%'",
    );
    expect(messages.some((m) => m.startsWith('12: ') && m.includes("'lt' is not supported"))).toBe(
      true,
    );
    expect(messages.some((m) => m.startsWith('15: ') && m.includes("'offHours' is derived"))).toBe(
      true,
    );
  });

  it('refuses temporal correlations without two rules and a rule with neither detection nor correlation', () => {
    expect(
      problemsOf(
        `id: t\ntitle: T\nlevel: low\ncorrelation:\n  type: temporal\n  rules: [a]\n  timespan: 1h\n`,
      ).map((p) => p.problem),
    ).toContain("correlation.rules: temporal needs 'rules' listing at least two rules");
    expect(problemsOf('id: t\ntitle: T\nlevel: low\n').map((p) => p.problem)).toContain(
      "a rule needs a 'detection' or a 'correlation'",
    );
  });

  it('refuses a value listed twice where a list is a set, naming the value, its item and line', () => {
    const text = `id: repeats
title: Repeats
level: low
detection:
  sel:
    decision: [deny, permit, Deny]
    actor.id|cased: [Clerk, clerk]
    purpose|re: ['^HR', '^hr', '^HR']
    subject|expand: ['%honeytokens%', '%protected-persons%', '%honeytokens%']
    action|cased|cased: read
  condition: sel
correlation:
  type: temporal
  rules: [access-denied, access-permitted, access-denied]
  group-by: [actor.id, subject, actor.id]
  timespan: 1h
dedup:
  group-by: [subject, subject]
`;
    const messages = problemsOf(text).map((p) => `${p.line}:${p.column}: ${p.problem}`);
    expect(messages).toEqual([
      "6:30: detection.sel.decision.2: 'Deny' is listed twice as 'deny' (first as item 0); a field matches if any of its values does, so each is listed once",
      "8:32: detection.sel.purpose|re.2: '^HR' is listed twice (first as item 0); a field matches if any of its values does, so each is listed once",
      "9:62: detection.sel.subject|expand.2: '%honeytokens%' is listed twice (first as item 0); a field matches if any of its values does, so each is listed once",
      "10:25: detection.sel.action|cased|cased: the modifier 'cased' is repeated",
      "14:44: correlation.rules.2: 'access-denied' is listed twice (first as item 0); a correlation counts each rule once",
      "14:10: correlation.rules: a correlation names other rules or has its own 'detection', not both",
      "15:33: correlation.group-by.2: 'actor.id' is listed twice (first as item 0); a group is keyed by each field once",
      "18:23: dedup.group-by.1: 'subject' is listed twice (first as item 0); alerts are folded by each field once",
    ]);
    // One value given alone, `all` with a repeat, numbers and null; a counting correlation too.
    expect(
      problemsOf(
        VALID.replace('decision: deny', 'decision|all: [deny, deny]').replace(
          'type: access.checked',
          'recordCount: [10, 10.0, null, ~]',
        ),
      ).map((p) => `${p.line}: ${p.problem}`),
    ).toEqual([
      '6: detection.denied.recordCount.1: 10 is listed twice (first as item 0); a field matches if any of its values does, so each is listed once',
      "7: detection.denied.decision|all.1: 'deny' is listed twice (first as item 0); with all, each value is required once",
    ]);
    expect(
      problemsOf(
        'id: c\ntitle: C\nlevel: low\ncorrelation:\n  type: event_count\n  rules: [a, a]\n  timespan: 1h\n  condition: { gte: 2 }\n',
      ).map((p) => `${p.line}: ${p.problem}`),
    ).toEqual([
      "6: correlation.rules.1: 'a' is listed twice (first as item 0); a correlation counts each rule once",
    ]);
  });

  it('reads a stored version holding repeats as it always did, when asked to', () => {
    const text = VALID.replace('decision: deny', 'decision: [deny, DENY, deny]');
    expect(parseRuleFile('new.yaml', text).ok).toBe(false);
    const stored = parseRuleFile('storage:deny-storm@3', text, { refuseRepeats: false });
    expect(stored.ok).toBe(true);
    if (!stored.ok || stored.rule.kind !== 'detection') return;
    expect(stored.rule.detection.selections.get('denied')).toEqual([
      [
        { field: 'type', modifiers: [], values: ['access.checked'] },
        { field: 'decision', modifiers: [], values: ['deny', 'DENY', 'deny'] },
      ],
    ]);
    // What was refused before is refused still: temporal_ordered names each rule once.
    const ordered = parseRuleFile(
      'storage:o@1',
      'id: o\ntitle: O\nlevel: low\ncorrelation:\n  type: temporal_ordered\n  rules: [a, b, a]\n  timespan: 1h\n',
      { refuseRepeats: false },
    );
    expect(ordered.ok ? [] : ordered.problems.map((p) => p.problem)).toEqual([
      'correlation.rules: temporal_ordered lists each rule once',
    ]);
  });

  it('refuses a mapping listed twice in a selection list, whatever the order of its fields', () => {
    const text = `id: maps
title: Maps
level: low
detection:
  sel:
    - { decision: deny, action: read }
    - { decision: permit }
    - { action: [read], decision: deny }
  other:
    - { type: access.checked, action|contains: exp }
    - { type: access.checked, action: exp }
    - { type: access.checked, action|contains: [exp] }
  condition: sel or other
`;
    const repeats = problemsOf(text).map((p) => `${p.file}:${p.line}:${p.column}: ${p.problem}`);
    expect(repeats).toEqual([
      'rule.yaml:8:7: detection.sel.2: this mapping is listed twice (first as item 0); a selection list matches if any of its mappings does, so each is listed once',
      'rule.yaml:12:7: detection.other.2: this mapping is listed twice (first as item 0); a selection list matches if any of its mappings does, so each is listed once',
    ]);
    // Stored before this was refused: read as it was, both mappings kept.
    const stored = parseRuleFile('storage:maps@1', text, { refuseRepeats: false });
    expect(stored.ok).toBe(true);
    if (!stored.ok || stored.rule.kind !== 'detection') return;
    expect(stored.rule.detection.selections.get('sel')).toHaveLength(3);
    // Mappings that differ in a value, a modifier or a field are alternatives, not repeats.
    expect(
      parseRuleFile(
        'rule.yaml',
        text
          .replace(
            '{ action: [read], decision: deny }',
            '{ action: [read, search], decision: deny }',
          )
          .replace('action|contains: [exp] }', 'action|contains: [exp], system: s-1 }'),
      ).ok,
    ).toBe(true);
  });

  it('refuses a mapping that is the same test written otherwise: values in another case or order, modifiers in another order', () => {
    const rule = (first: string, second: string) => `id: same-test
title: Same test
level: low
detection:
  sel:
    - ${first}
    - ${second}
  condition: sel
`;
    const refused = (first: string, second: string) =>
      problemsOf(rule(first, second)).map((p) => p.problem);
    const repeat =
      'detection.sel.1: this mapping is listed twice (first as item 0); a selection list matches if any of its mappings does, so each is listed once';
    for (const [first, second] of [
      ['{ decision: Deny }', '{ decision: deny }'],
      ['{ action: [read, export] }', '{ action: [export, read] }'],
      ['{ action|contains|all: [ex, po] }', '{ action|all|contains: [po, ex] }'],
      ['{ actor.id|startswith: Clerk }', '{ actor.id|startswith: clerk }'],
    ] as const)
      expect(refused(first, second), `${first} / ${second}`).toEqual([repeat]);
    // Where case counts, or the value is a pattern, other spellings are other tests.
    for (const [first, second] of [
      ['{ decision|cased: Deny }', '{ decision|cased: deny }'],
      ["{ actor.id|re: '^A' }", "{ actor.id|re: '^a' }"],
    ] as const)
      expect(parseRuleFile('rule.yaml', rule(first, second)).ok, `${first} / ${second}`).toBe(true);
  });

  it("refuses a value listed twice in a list of the tests' reference data, naming the list", () => {
    const text = `${VALID}  reference:
    honeytokens: [subject-honey, subject-2, subject-honey]
    staff: { operator-1: [subject-9, subject-10], operator-2: [subject-9, subject-9] }
    workingHours:
      operator-1: { timeZone: Asia/Almaty, days: [1, 2, 1], start: '09:00', end: '18:00' }
    protectedPersons: [subject-vip, Subject-VIP]
`;
    expect(problemsOf(text).map((p) => `${p.line}:${p.column}: ${p.problem}`)).toEqual([
      "15:45: tests.reference.honeytokens.2: 'subject-honey' is listed twice (first as item 0); a reference list names each value once",
      "16:75: tests.reference.staff.operator-2.1: 'subject-9' is listed twice (first as item 0); a reference list names each value once",
      '18:57: tests.reference.workingHours.operator-1.days.2: 1 is listed twice (first as item 0); a reference list names each value once',
    ]);
    const stored = parseRuleFile('storage:deny-storm@2', text, { refuseRepeats: false });
    expect(stored.ok).toBe(true);
    if (!stored.ok) return;
    expect(stored.rule.tests.reference?.honeytokens).toEqual([
      'subject-honey',
      'subject-2',
      'subject-honey',
    ]);
  });

  it("refuses a field's values exactly when two are the same test, naming the first repeat", () => {
    const word = fc.constantFrom('deny', 'Deny', 'DENY', 'permit', 'Permit', 'x*', 'X*');
    fc.assert(
      fc.property(fc.array(word, { minLength: 2, maxLength: 6 }), fc.boolean(), (values, cased) => {
        const key = cased ? 'decision|cased' : 'decision';
        const text = stringify({
          id: 'values',
          title: 'Values',
          level: 'low',
          detection: { sel: { [key]: values }, condition: 'sel' },
        });
        const same = (v: string) => (cased ? v : v.toLowerCase());
        const index = values.findIndex((v, i) => values.slice(0, i).map(same).includes(same(v)));
        const result = parseRuleFile('values.yaml', text);
        if (index < 0) return result.ok;
        if (result.ok) return false;
        const first = values.map(same).indexOf(same(values[index]!));
        expect(result.problems).toHaveLength(1);
        expect(result.problems[0]!.problem).toMatch(
          new RegExp(
            `^detection\\.sel\\.${key.replace('|', '\\|')}\\.${index}: '${values[index]!.replace('*', '\\*')}' is listed twice.* \\(first as item ${first}\\)`,
          ),
        );
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a file holding something other than one mapping', () => {
    expect(problemsOf('- a\n- b\n')[0]!.problem).toMatch(/one mapping/);
    expect(problemsOf('id: a\n---\nid: b\n')[0]!.problem).toMatch(/^YAML: /);
  });

  it('refuses a mapping or a list used as a key, at its line, without a process warning', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    try {
      // The shape a mutated `denied:` line leaves: the selection's fields become a mapping key.
      const complex = VALID.replace('  denied:\n', '  ?\n');
      expect(problemsOf(complex)).toContainEqual(
        expect.objectContaining({
          line: 6,
          problem: 'a key must be a plain value, not a mapping or a list',
        }),
      );
      expect(problemsOf('id: t\n? [a, b]\n: c\n')).toContainEqual(
        expect.objectContaining({ line: 2, column: 3 }),
      );
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('never throws, and locates every problem in the file, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const result = parseRuleFile('any.yaml', text);
        if (!result.ok) {
          const lines = text.split(/\r\n|\r|\n/).length;
          for (const problem of result.problems) {
            expect(problem.file).toBe('any.yaml');
            expect(problem.line).toBeGreaterThanOrEqual(1);
            expect(problem.line).toBeLessThanOrEqual(lines + 1);
            expect(problem.problem.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on structured YAML of any shape, nor on mutations of a valid rule', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        fc.record(
          { id: json, title: json, level: json, detection: json, correlation: json, tests: json },
          {
            requiredKeys: [],
          },
        ),
        (value) => {
          const result = parseRuleFile('shape.yaml', stringify(value));
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
    const lines = VALID.split('\n');
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.string({ maxLength: 30 }), (index, replacement) => {
        const mutated = [...lines];
        mutated[index] = replacement;
        const result = parseRuleFile('mutated.yaml', mutated.join('\n'));
        if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('reads back any well-formed correlation it is given', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LEVELS),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom('s', 'm', 'h', 'd'),
        fc.subarray(['actor.id', 'operator', 'system', 'subject'], { minLength: 1 }),
        (level, threshold, amount, unit, groupBy) => {
          const rule = {
            id: 'generated',
            title: 'Generated',
            level,
            detection: { sel: { type: 'access.checked' }, condition: 'sel' },
            correlation: {
              type: 'event_count',
              'group-by': groupBy,
              timespan: `${amount}${unit}`,
              condition: { gte: threshold },
            },
          };
          const result = parseRuleFile('generated.yaml', stringify(rule));
          expect(result.ok).toBe(true);
          if (!result.ok || result.rule.kind !== 'correlation') return;
          expect(result.rule.level).toBe(level);
          expect(result.rule.correlation.threshold).toBe(threshold);
          expect(result.rule.correlation.groupBy).toEqual(groupBy);
          expect(result.rule.correlation.timespanMs).toBe(parseDuration(`${amount}${unit}`));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('parseCondition', () => {
  const names = ['selection', 'filter', 'sel_a', 'sel_b'];

  it('parses precedence, quantifiers and parentheses', () => {
    expect(parseCondition('selection and not filter or sel_a', names)).toEqual({
      ok: true,
      node: {
        kind: 'or',
        operands: [
          {
            kind: 'and',
            operands: [
              { kind: 'ref', name: 'selection' },
              { kind: 'not', operand: { kind: 'ref', name: 'filter' } },
            ],
          },
          { kind: 'ref', name: 'sel_a' },
        ],
      },
    });
    expect(parseCondition('1 of sel_* and not (filter)', names)).toMatchObject({
      ok: true,
      node: {
        kind: 'and',
        operands: [{ kind: 'of', quantifier: 'one', names: ['sel_a', 'sel_b'] }, { kind: 'not' }],
      },
    });
    expect(parseCondition('all of them', names)).toMatchObject({
      ok: true,
      node: { kind: 'of', quantifier: 'all', names },
    });
  });

  it('reports the column of unbalanced parentheses, unknown names and stray tokens', () => {
    expect(parseCondition('(selection', names)).toMatchObject({ ok: false, column: 11 });
    expect(parseCondition('selection or x', names)).toMatchObject({ ok: false, column: 14 });
    expect(parseCondition('selection filter', names)).toMatchObject({ ok: false, column: 11 });
    expect(parseCondition('1 of nothing*', names)).toMatchObject({ ok: false, column: 6 });
  });

  it('never throws and any column it reports lies within the text', () => {
    const word = fc.constantFrom(
      'and',
      'or',
      'not',
      '(',
      ')',
      '1',
      'all',
      'of',
      'them',
      'sel_*',
      'selection',
      'filter',
      'x',
      '|',
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 20 }), (words) => {
        const text = words.join(' ');
        const result = parseCondition(text, names);
        if (!result.ok) {
          expect(result.column).toBeGreaterThanOrEqual(1);
          expect(result.column).toBeLessThanOrEqual(text.length + 1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('loadRules', () => {
  const correlation = (id: string, rules: string[]) => `id: ${id}
title: ${id}
level: high
correlation:
  type: temporal_ordered
  rules: [${rules.join(', ')}]
  group-by: [actor.id]
  timespan: 1h
`;

  it('keeps loading the other rules when one file is malformed, naming file and line', () => {
    const loaded = loadRules([
      { file: 'a.yaml', text: VALID },
      {
        file: 'b.yaml',
        text: 'id: b\ntitle: B\nlevel: low\ndetection: {sel: {type: x}, condition: sel\n',
      },
      { file: 'c.yaml', text: VALID.replace('id: deny-storm', 'id: other') },
    ]);
    expect(loaded.rules.map((r) => r.id)).toEqual(['deny-storm', 'other']);
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]).toMatchObject({ file: 'b.yaml' });
  });

  it('refuses a second rule with a taken id and a correlation naming a missing or refused rule', () => {
    const loaded = loadRules([
      { file: 'a.yaml', text: VALID },
      { file: 'dup.yaml', text: VALID },
      { file: 'ok.yaml', text: correlation('ok', ['deny-storm', 'deny-storm-2']) },
      { file: 'b.yaml', text: VALID.replace('id: deny-storm', 'id: deny-storm-2') },
      { file: 'dangling.yaml', text: correlation('dangling', ['deny-storm', 'missing']) },
      { file: 'chained.yaml', text: correlation('chained', ['deny-storm', 'ok']) },
    ]);
    expect(loaded.rules.map((r) => r.id)).toEqual(['deny-storm', 'deny-storm-2', 'ok']);
    expect(loaded.problems).toEqual([
      {
        file: 'dup.yaml',
        line: 1,
        column: 1,
        problem: "id: the id 'deny-storm' is already used by a.yaml",
      },
      {
        file: 'dangling.yaml',
        line: 6,
        column: 1,
        problem: "correlation.rules: no loaded rule has the id 'missing'",
      },
      {
        file: 'chained.yaml',
        line: 6,
        column: 1,
        problem: "correlation.rules: 'ok' is a correlation; a correlation counts detection rules",
      },
    ]);
  });

  it('applies threshold, timespan, level and shadow overrides, and names bad ones', () => {
    const { rules } = loadRules([
      { file: 'a.yaml', text: VALID },
      { file: 'b.yaml', text: VALID.replace('id: deny-storm', 'id: b') },
      { file: 'ok.yaml', text: correlation('ok', ['deny-storm', 'b']) },
    ]);
    const result = applyOverrides(rules, {
      ok: { timespan: '2h', level: 'critical' },
      'deny-storm': { shadow: true, threshold: 3 },
      nope: { shadow: true },
    });
    const ok = result.rules.find((r) => r.id === 'ok');
    expect(ok).toMatchObject({
      level: 'critical',
      correlation: { timespanMs: 7_200_000 },
      dedup: { windowMs: 7_200_000 },
    });
    expect(result.rules.find((r) => r.id === 'deny-storm')).toMatchObject({ shadow: true });
    expect(result.problems).toEqual([
      "override for 'nope': no such rule",
      "override for 'deny-storm': threshold and timespan apply to correlations",
    ]);
  });
});
