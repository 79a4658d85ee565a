import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

import { createMonitorEngine, type MonitorAlert, type ProcessResult } from './engine.js';
import { readRuleSources } from './rule-files.js';
import { applyOverrides, loadRules } from './rule-loader.js';
import { parseRuleFile } from './rule-parser.js';
import type { Rule } from './rule.model.js';

const pack = loadRules(await readRuleSources()).rules;
const BASE = Date.parse('2026-03-02T06:00:00Z');

let serial = 0;
const check = (data: Record<string, unknown> = {}, atMs = BASE, id = `e-${++serial}`) => ({
  id,
  type: 'access.checked',
  at: new Date(atMs).toISOString(),
  data: {
    subject: 's-1',
    actor: { id: 'a-1' },
    system: 'sys-1',
    operator: 'op-1',
    purpose: 'finance.credit-scoring',
    categories: ['identity'],
    action: 'read',
    decision: 'permit',
    ...data,
  },
});

const alertsOf = (result: ProcessResult): readonly MonitorAlert[] =>
  result.status === 'processed' ? result.alerts : [];

/** `stored`: read as a version stored before repeated values were refused is (see below). */
function ruleFrom(text: string, stored = false): Rule {
  const result = parseRuleFile('inline.yaml', text, { refuseRepeats: !stored });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.rule;
}

describe('createMonitorEngine', () => {
  it('blocks a harvester automatically at the 1,000th distinct subject and proposes suspending the system', () => {
    const engine = createMonitorEngine({ rules: pack });
    const raised: MonitorAlert[] = [];
    for (let i = 0; i < 1_000; i += 1) {
      raised.push(
        ...alertsOf(
          engine.process(
            check({ subject: `s-${i}`, decision: i % 3 ? 'permit' : 'deny' }, BASE + i * 1_000),
          ),
        ),
      );
    }
    const critical = raised.find((a) => a.ruleId === 'bulk-harvesting-critical');
    expect(critical).toMatchObject({
      level: 'critical',
      count: 1_000,
      groupKey: 'op-1\u001fa-1',
      group: { operator: 'op-1', 'actor.id': 'a-1' },
      shadow: false,
      responses: [
        { action: 'block-actor', mode: 'automatic', forMs: 86_400_000 },
        { action: 'suspend-system', mode: 'needs-confirmation' },
      ],
      context: { actorId: 'a-1', operator: 'op-1', system: 'sys-1', subject: 's-999' },
    });
    expect(critical!.events).toHaveLength(100);
    expect(critical!.id).toBe(`bulk-harvesting-critical:${critical!.events.at(-1)}`);
    expect(raised.filter((a) => a.ruleId === 'bulk-harvesting')).toHaveLength(1);
  });

  it('changes nothing when an event is delivered again', () => {
    const engine = createMonitorEngine({ rules: pack, reference: { honeytokens: ['s-honey'] } });
    const event = check({ subject: 's-honey' });
    expect(alertsOf(engine.process(event))).toHaveLength(1);
    const before = engine.stats();
    expect(engine.process(structuredClone(event))).toEqual({ status: 'duplicate' });
    expect(engine.stats()).toEqual({ ...before, duplicates: 1 });
  });

  it('counts and parks what it cannot read, and events too late to tell from a redelivery', () => {
    const engine = createMonitorEngine({ rules: pack });
    expect(engine.process('not an event')).toEqual({ status: 'parked', reason: 'not an object' });
    expect(
      engine.process({ id: 'x', type: 'access.checked', at: 'yesterday', data: {} }),
    ).toMatchObject({
      status: 'parked',
      reason: 'at must be an ISO-8601 instant',
    });
    const noSubject = check();
    delete (noSubject.data as Record<string, unknown>).subject;
    expect(engine.process(noSubject)).toMatchObject({
      status: 'parked',
      reason: 'access.checked needs data.subject (a string)',
    });
    engine.process(check({}, BASE + 10 * 3_600_000));
    expect(engine.process(check({}, BASE))).toMatchObject({
      status: 'parked',
      reason: expect.stringMatching(/^late/),
    });
    expect(engine.stats()).toMatchObject({ parked: 4, late: 1, parkedHeld: 4, processed: 1 });
    const held = engine.parked({ drain: true });
    expect(held.map((p) => p.id)).toEqual([undefined, 'x', noSubject.id, expect.any(String)]);
    expect(held[0]!.input).toBe('not an event');
    expect(engine.parked()).toEqual([]);
    expect(engine.stats().parked).toBe(4);
  });

  it('parks an access.checked without subject, actor.id, system, operator or decision, holding the newest maxParked (MONITOR.md)', () => {
    const engine = createMonitorEngine({ rules: pack, limits: { maxParked: 2 } });
    const fields = ['subject', 'actor.id', 'system', 'operator', 'decision'];
    for (const field of fields) {
      const event = check();
      const data = event.data as Record<string, unknown>;
      if (field === 'actor.id') data.actor = { pseudonym: 'p-1' };
      else delete data[field];
      expect(engine.process(event), field).toEqual({
        status: 'parked',
        reason: `access.checked needs data.${field} (a string)`,
      });
    }
    expect(engine.stats()).toMatchObject({ parked: 5, parkedHeld: 2, processed: 0 });
    expect(engine.parked().map((p) => p.reason)).toEqual([
      'access.checked needs data.operator (a string)',
      'access.checked needs data.decision (a string)',
    ]);
  });

  it('folds repeats within the dedup window into the first alert, and alerts again after it', () => {
    const engine = createMonitorEngine({ rules: pack, reference: { honeytokens: ['s-honey'] } });
    const first = alertsOf(engine.process(check({ subject: 's-honey' }, BASE, 'h1')));
    expect(first.map((a) => a.id)).toEqual(['honeytoken-touched:h1']);
    const again = engine.process(
      check({ subject: 's-honey', action: 'search' }, BASE + 60_000, 'h2'),
    );
    expect(again).toEqual({
      status: 'processed',
      alerts: [],
      suppressed: [
        { ruleId: 'honeytoken-touched', alertId: 'honeytoken-touched:h1', eventId: 'h2' },
      ],
    });
    expect(
      alertsOf(engine.process(check({ subject: 's-honey' }, BASE + 3_600_000, 'h3'))).map(
        (a) => a.id,
      ),
    ).toEqual(['honeytoken-touched:h3']);
    expect(engine.stats().rules['honeytoken-touched']).toEqual({
      alerts: 2,
      suppressed: 1,
      groups: 0,
    });
  });

  it('marks a shadow rule’s alerts, gives them no response and does not count them as incidents', () => {
    const rules = applyOverrides(pack, { 'deny-then-permit': { shadow: true } }).rules;
    const engine = createMonitorEngine({ rules });
    const raised: MonitorAlert[] = [];
    for (let i = 0; i < 3; i += 1) {
      raised.push(
        ...alertsOf(
          engine.process(check({ subject: `s-${i}`, decision: 'deny' }, BASE + i * 10_000)),
        ),
      );
      raised.push(
        ...alertsOf(engine.process(check({ subject: `s-${i}` }, BASE + i * 10_000 + 1_000))),
      );
    }
    expect(raised.map((a) => [a.ruleId, a.shadow, a.responses.length])).toEqual([
      ['deny-then-permit', true, 0],
      ['deny-then-permit', true, 0],
      ['deny-then-permit', true, 0],
    ]);
  });

  it('escalates three medium alerts about one actor to a high one (alerts fed back)', () => {
    const engine = createMonitorEngine({ rules: pack });
    const raised: MonitorAlert[] = [];
    for (let i = 0; i < 3; i += 1) {
      raised.push(
        ...alertsOf(
          engine.process(check({ subject: `s-${i}`, decision: 'deny' }, BASE + i * 10_000)),
        ),
      );
      raised.push(
        ...alertsOf(engine.process(check({ subject: `s-${i}` }, BASE + i * 10_000 + 1_000))),
      );
    }
    const incident = raised.find((a) => a.ruleId === 'multi-incident');
    expect(incident).toMatchObject({ level: 'high', count: 3, groupKey: 'op-1\u001fa-1' });
    expect(incident!.events).toEqual(
      raised.filter((a) => a.ruleId === 'deny-then-permit').map((a) => a.id),
    );
  });

  it('feeds alerts back as monitor.alert events with their fields, two levels deep; a rule never counts its own (MONITOR.md)', () => {
    const detection = (id: string, level: string, selection: string) =>
      ruleFrom(
        [
          `id: ${id}`,
          `title: ${id}`,
          `level: ${level}`,
          'detection:',
          `  hit: ${selection}`,
          '  condition: hit',
        ].join('\n'),
      );
    const rules = [
      detection('base', 'medium', '{ type: access.checked }'),
      // Every field a fed-back alert carries, as MONITOR.md lists them.
      detection(
        'about-base',
        'high',
        "{ type: monitor.alert, ruleId: base, level: medium, day: '2026-03-02', count: 1, " +
          'actor.id: a-1, actor.pseudonym: p-1, operator: op-1, system: sys-1, subject: s-1 }',
      ),
      detection('about-about', 'high', '{ type: monitor.alert, ruleId: about-base }'),
      // An alert two levels deep is not fed back again: this never fires.
      detection('third-level', 'high', '{ type: monitor.alert, ruleId: about-about }'),
      // Matches every alert but its own.
      detection('any-alert', 'low', '{ type: monitor.alert }'),
    ];
    const engine = createMonitorEngine({ rules });
    const event = check({ actor: { id: 'a-1', pseudonym: 'p-1' } }, BASE, 'evt-fed');
    const raised = alertsOf(engine.process(event)).map((a) => a.id);
    expect([...raised].sort()).toEqual(
      [
        'base:evt-fed',
        'about-base:base:evt-fed',
        'any-alert:base:evt-fed',
        'about-about:about-base:base:evt-fed',
        'any-alert:about-base:base:evt-fed',
      ].sort(),
    );
  });

  it('puts an event missing a group-by field in no group (MONITOR.md)', () => {
    const rule = ruleFrom(
      [
        'id: by-recipient',
        'title: by recipient',
        'level: low',
        'detection:',
        '  hit: { type: access.checked }',
        '  condition: hit',
        'correlation:',
        '  type: event_count',
        '  group-by: [operator, recipient]',
        '  timespan: 1h',
        '  condition: { gte: 2 }',
      ].join('\n'),
    );
    const engine = createMonitorEngine({ rules: [rule] });
    const without = [0, 1, 2].flatMap((i) => alertsOf(engine.process(check({}, BASE + i))));
    expect(without).toEqual([]);
    expect(engine.stats().groups).toBe(0);
    const withRecipient = [3, 4].flatMap((i) =>
      alertsOf(engine.process(check({ recipient: 'bank-1' }, BASE + i))),
    );
    expect(withRecipient).toMatchObject([{ ruleId: 'by-recipient', count: 2 }]);
  });

  it('keeps groups within the cap, evicting the least recently touched, and counts what a full window drops', () => {
    const rule = ruleFrom(`id: many
title: Many
level: low
detection: { c: { type: access.checked }, condition: c }
correlation: { type: event_count, group-by: [subject], timespan: 1h, condition: { gte: 3 } }
`);
    const engine = createMonitorEngine({ rules: [rule], limits: { maxGroups: 100 } });
    for (let i = 0; i < 1_000; i += 1) engine.process(check({ subject: `s-${i}` }, BASE + i));
    expect(engine.stats()).toMatchObject({ groups: 100, evictedGroups: 900, windowEntries: 100 });
    // The oldest went; the newest are still counting.
    engine.process(check({ subject: 's-999' }, BASE + 2_000));
    const third = alertsOf(engine.process(check({ subject: 's-999' }, BASE + 2_001)));
    expect(third.map((a) => [a.ruleId, a.count])).toEqual([['many', 3]]);
    engine.process(check({ subject: 's-0' }, BASE + 2_002));
    expect(alertsOf(engine.process(check({ subject: 's-0' }, BASE + 2_003)))).toEqual([]);

    const distinct = ruleFrom(`id: distinct
title: Distinct
level: low
detection: { c: { type: access.checked }, condition: c }
correlation: { type: value_count, group-by: [actor.id], timespan: 1h, condition: { field: subject, gte: 3 } }
`);
    const capped = createMonitorEngine({ rules: [distinct], limits: { maxWindowEntries: 5 } });
    for (let i = 0; i < 8; i += 1) capped.process(check({ subject: `s-${i}` }, BASE + i));
    expect(capped.stats()).toMatchObject({ windowOverflow: 3, windowEntries: 5, groups: 1 });
    expect(() => createMonitorEngine({ rules: pack, limits: { maxWindowEntries: 999 } })).toThrow(
      /exceeds the window cap/,
    );
  });

  it('lets windows pass: groups and remembered ids go once the newest event is past their time', () => {
    const engine = createMonitorEngine({ rules: pack, limits: { dedupHorizonMs: 60_000 } });
    for (let i = 0; i < 50; i += 1)
      engine.process(check({ subject: `s-${i}`, actor: { id: `a-${i}` } }, BASE + i));
    const busy = engine.stats();
    expect(busy.groups).toBeGreaterThan(100);
    // Forty days on, a trickle of events lets every rule shed its stale groups.
    for (let i = 0; i < 400; i += 1)
      engine.process(check({ subject: 'late' }, BASE + 40 * 86_400_000 + i));
    const after = engine.stats();
    expect(after.seenIds).toBeLessThanOrEqual(400);
    expect(after.groups).toBeLessThan(20);
  });

  it('derives off-hours from the operator’s zone, and takes new reference data at once', () => {
    const rule = ruleFrom(`id: off
title: Off
level: low
detection: { c: { type: access.checked, offHours: true }, condition: c }
`);
    const engine = createMonitorEngine({ rules: [rule] });
    const night = BASE + 14 * 3_600_000; // 20:00 UTC: past midnight in Almaty
    expect(alertsOf(engine.process(check({}, night)))).toEqual([]);
    expect(
      engine.setReference({
        workingHours: {
          'op-1': { timeZone: 'Asia/Almaty', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
          'op-2': { timeZone: 'Mars/Olympus', days: [1], start: '09:00', end: '18:00' },
        },
      }),
    ).toEqual(["working hours of operator 'op-2': unknown time zone 'Mars/Olympus'"]);
    expect(alertsOf(engine.process(check({}, night + 1)))).toHaveLength(1);
    expect(alertsOf(engine.process(check({}, BASE)))).toEqual([]);
  });

  it('gives the same alerts for the same stream, however often events are redelivered', () => {
    const event = fc.record({
      subject: fc.constantFrom('s-1', 's-2', 's-3', 's-honey'),
      actor: fc.constantFrom('a-1', 'a-2'),
      operator: fc.constantFrom('op-1', 'op-2', 'op-3', 'op-4', 'op-5'),
      decision: fc.constantFrom('permit', 'deny'),
      gap: fc.integer({ min: 0, max: 120_000 }),
      redeliver: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 120 }), (events) => {
        const reference = { honeytokens: ['s-honey'], protectedPersons: ['s-3'] };
        const clean = createMonitorEngine({ rules: pack, reference });
        const noisy = createMonitorEngine({ rules: pack, reference });
        const fromClean: string[] = [];
        const fromNoisy: string[] = [];
        let at = BASE;
        events.forEach((e, i) => {
          at += e.gap;
          const delivered = check(
            {
              subject: e.subject,
              actor: { id: e.actor },
              operator: e.operator,
              decision: e.decision,
            },
            at,
            `p-${i}`,
          );
          fromClean.push(...alertsOf(clean.process(delivered)).map((a) => JSON.stringify(a)));
          fromNoisy.push(...alertsOf(noisy.process(delivered)).map((a) => JSON.stringify(a)));
          if (e.redeliver)
            fromNoisy.push(
              ...alertsOf(noisy.process(structuredClone(delivered))).map((a) => JSON.stringify(a)),
            );
        });
        expect(fromNoisy).toEqual(fromClean);
      }),
      { numRuns: 60 },
    );
  });
});

describe('dedup entries remembered on the group', () => {
  // A rule deduplicating by its own group-by finds its entry on the group's window. The reference
  // names the field twice in its dedup group-by: the same partition of events, so the same alerts,
  // but a key of its own, found in the rule's table every time. A new rule may not name a field
  // twice; a version stored before that was refused is read as it is, as here.
  const counting = (id: string, threshold: number, dedupBy: string, window: string) =>
    ruleFrom(
      `id: ${id}
title: Counting
level: medium
detection: { c: { type: access.checked }, condition: c }
correlation: { type: event_count, group-by: [actor.id], timespan: 1m, condition: { gte: ${threshold} } }
dedup: { group-by: ${dedupBy}, window: ${window} }
`,
      true,
    );
  const distinct = (dedupBy: string) =>
    ruleFrom(
      `id: distinct
title: Distinct
level: medium
detection: { c: { type: access.checked }, condition: c }
correlation: { type: value_count, group-by: [actor.id], timespan: 2m, condition: { field: subject, gte: 2 } }
dedup: { group-by: ${dedupBy}, window: 3m }
`,
      true,
    );
  const rulesWith = (dedupBy: string) => [
    counting('one', 1, dedupBy, '5m'),
    counting('two', 2, dedupBy, '2m'),
    distinct(dedupBy),
  ];

  it('answers as the rule’s own table does, as entries expire, are capped and groups leave', () => {
    const event = fc.record({
      subject: fc.constantFrom('s-1', 's-2', 's-3'),
      actor: fc.constantFrom('a-1', 'a-2', 'a-3', 'a-4'),
      gap: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 60_000, max: 400_000 })),
    });
    const limits = fc.record({
      maxSuppressions: fc.integer({ min: 1, max: 6 }),
      maxGroups: fc.integer({ min: 1, max: 8 }),
    });
    fc.assert(
      fc.property(limits, fc.array(event, { maxLength: 120 }), (caps, events) => {
        const remembered = createMonitorEngine({ rules: rulesWith('[actor.id]'), limits: caps });
        const looked = createMonitorEngine({
          rules: rulesWith('[actor.id, actor.id]'),
          limits: caps,
        });
        let at = BASE;
        events.forEach((e, i) => {
          at += e.gap;
          const input = check({ subject: e.subject, actor: { id: e.actor } }, at, `d-${i}`);
          expect(remembered.process(input)).toEqual(looked.process(input));
        });
        expect(remembered.stats().suppressions).toBe(looked.stats().suppressions);
      }),
      { numRuns: 200 },
    );
  });
});

describe('deny-then-permit prefilter', () => {
  // The engine looks a later step's group up only when its last group-by value (here the subject,
  // or the operator) has a group open; the plain model: every (operator, actor, subject) keeps the
  // time of its latest deny, and a permit within the hour of it raises and starts over.
  const sequence = (groupBy: string) =>
    ruleFrom(`id: dtp
title: Denied then permitted
level: medium
correlation: { type: temporal_ordered, rules: [denied, permitted], group-by: ${groupBy}, timespan: 1h }
`);
  const step = (decision: string) =>
    ruleFrom(`id: ${decision === 'deny' ? 'denied' : 'permitted'}
title: Step
level: low
generate: false
detection: { c: { type: access.checked, decision: ${decision} }, condition: c }
`);
  const rulesBy = (groupBy: string) => [step('deny'), step('permit'), sequence(groupBy)];

  it('raises exactly when the plain model does, whichever field filters, as groups expire', () => {
    const event = fc.record({
      subject: fc.constantFrom('s-1', 's-2'),
      actor: fc.constantFrom('a-1', 'a-2', 'a-3'),
      operator: fc.constantFrom('op-1', 'op-2'),
      decision: fc.constantFrom('permit', 'deny'),
      // Seconds apart, or long enough for other groups to pass their hour.
      gap: fc.oneof(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 600_000, max: 2_400_000 }),
      ),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 150 }), (events) => {
        const bySubject = createMonitorEngine({ rules: rulesBy('[operator, actor.id, subject]') });
        const byOperator = createMonitorEngine({ rules: rulesBy('[subject, actor.id, operator]') });
        const lastDeny = new Map<string, number>();
        let at = BASE;
        events.forEach((e, i) => {
          at += e.gap;
          const data = {
            subject: e.subject,
            actor: { id: e.actor },
            operator: e.operator,
            decision: e.decision,
          };
          const key = `${e.operator}/${e.actor}/${e.subject}`;
          let expected = 0;
          if (e.decision === 'deny') lastDeny.set(key, at);
          else if ((lastDeny.get(key) ?? -Infinity) > at - 3_600_000) {
            expected = 1;
            lastDeny.delete(key);
          }
          // Raised or folded into an earlier alert by the dedup window: either way it fired.
          const fired = (result: ProcessResult) =>
            result.status === 'processed'
              ? [...result.alerts.map((a) => a.events), ...result.suppressed.map((m) => m.eventId)]
              : [];
          const one = fired(bySubject.process(check(data, at, `q-${i}`)));
          const other = fired(byOperator.process(check(data, at, `q-${i}`)));
          expect(one).toEqual(other);
          expect(one).toHaveLength(expected);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('forgets a group pushed out by the cap: a permit after it raises nothing', () => {
    const engine = createMonitorEngine({
      rules: rulesBy('[operator, actor.id, subject]'),
      limits: { maxGroups: 2 },
    });
    engine.process(check({ subject: 's-1', decision: 'deny' }, BASE));
    engine.process(check({ subject: 's-2', decision: 'deny' }, BASE + 1));
    engine.process(check({ subject: 's-3', decision: 'deny' }, BASE + 2));
    expect(engine.stats()).toMatchObject({ groups: 2, evictedGroups: 1 });
    expect(alertsOf(engine.process(check({ subject: 's-1' }, BASE + 3)))).toEqual([]);
    expect(alertsOf(engine.process(check({ subject: 's-3' }, BASE + 4)))).toHaveLength(1);
    // s-1 can open a group again.
    engine.process(check({ subject: 's-1', decision: 'deny' }, BASE + 5));
    expect(alertsOf(engine.process(check({ subject: 's-1' }, BASE + 6)))).toHaveLength(1);
  });
});

describe('detection semantics', () => {
  const matches = (selection: string, data: Record<string, unknown>, reference = {}): boolean => {
    const rule = ruleFrom(
      `id: t\ntitle: T\nlevel: low\ndetection:\n  s:\n${selection}\n  condition: s\n`,
    );
    return (
      alertsOf(createMonitorEngine({ rules: [rule], reference }).process(check(data))).length === 1
    );
  };

  it("derives crossBorder from the access decision's answer, or else from a country other than KZ", () => {
    const abroad = '    crossBorder: true';
    expect(matches(abroad, { action: 'read', country: 'DE', crossBorder: false })).toBe(false);
    expect(matches(abroad, { action: 'read', country: 'US', crossBorder: true })).toBe(true);
    expect(matches(abroad, { action: 'transfer', country: 'de' })).toBe(true);
    expect(matches(abroad, { action: 'transfer', country: 'KZ' })).toBe(false);
    expect(matches(abroad, { action: 'read' })).toBe(false);
  });

  it('matches whole values case-insensitively, with wildcards, unless cased', () => {
    expect(matches('    purpose: FINANCE.credit-scoring', {})).toBe(true);
    expect(matches('    purpose: finance.*', {})).toBe(true);
    expect(matches('    purpose: finance', {})).toBe(false);
    expect(matches('    purpose|cased: FINANCE.credit-scoring', {})).toBe(false);
    expect(matches("    purpose: 'finance.credit-scorin?'", {})).toBe(true);
  });

  it('matches list fields by any element, all values with all, null as missing, numbers by comparison', () => {
    expect(matches('    categories: health', { categories: ['identity', 'health'] })).toBe(true);
    expect(matches('    categories|all: [identity, health]', { categories: ['identity'] })).toBe(
      false,
    );
    expect(
      matches('    categories|all: [identity, health]', { categories: ['health', 'identity'] }),
    ).toBe(true);
    expect(matches('    country: null', {})).toBe(true);
    expect(matches('    country: null', { country: 'DE' })).toBe(false);
    expect(matches('    recordCount|gt: 10', { recordCount: 11 })).toBe(true);
    expect(matches('    recordCount|gt: 10', { recordCount: '11' })).toBe(false);
    expect(matches("    subject|re: '^s-\\d+$'", {})).toBe(true);
    expect(matches('    subject|contains: "-"', {})).toBe(true);
  });

  it('compares fields with fieldref and looks lists up with expand', () => {
    expect(
      matches('    actor.pseudonym|fieldref: subject', { actor: { id: 'a', pseudonym: 's-1' } }),
    ).toBe(true);
    expect(matches('    actor.pseudonym|fieldref: subject', { actor: { id: 'a' } })).toBe(false);
    expect(
      matches("    subject|expand: '%staff:operator%'", {}, { staff: { 'op-1': ['s-1'] } }),
    ).toBe(true);
    expect(
      matches("    subject|expand: '%staff:operator%'", {}, { staff: { 'op-2': ['s-1'] } }),
    ).toBe(false);
  });
});

describe('rules planned per event type (rule-plan.ts)', () => {
  // Besides the pack: type matchers in other cases, `cased`, lists, wildcards and `not`; a rule
  // without one; correlations fed by rules of several types, and by a rule listed after them.
  const extra = [
    `id: upper
title: Upper
level: low
detection: { c: { type: ACCESS.CHECKED, decision: deny }, condition: c }
`,
    `id: cased
title: Cased
level: low
detection: { c: { type|cased: Access.Checked }, condition: c }
`,
    `id: listed
title: Listed
level: low
generate: false
detection: { c: { type: [other.kind, monitor.alert] }, condition: c }
`,
    `id: wild
title: Wild
level: low
generate: false
detection: { c: { type: 'acc*' }, condition: c }
`,
    `id: negated
title: Negated
level: low
detection: { c: { type: access.checked }, condition: not c }
`,
    `id: untyped
title: Untyped
level: medium
detection: { c: { action: export }, condition: c }
`,
    `id: across
title: Across
level: high
correlation:
  type: temporal
  rules: [listed, wild, later]
  group-by: [operator]
  timespan: 10m
`,
    `id: counted
title: Counted
level: medium
correlation: { type: event_count, rules: [listed, untyped], group-by: [operator], timespan: 5m, condition: { gte: 2 } }
`,
    `id: later
title: Later
level: low
generate: false
detection: { c: { type: other.kind }, condition: c }
`,
  ].map((text) => ruleFrom(text));
  const rules = [...pack, ...extra];
  const TYPES = [
    'access.checked',
    'ACCESS.checked',
    'Access.Checked',
    'monitor.alert',
    'other.kind',
  ];

  it('answers exactly as the plain loop over every rule, generated or as loops', () => {
    const item = fc.record({
      type: fc.constantFrom(...TYPES),
      // A `type` in the data replaces the event's in the fields the rules read.
      dataType: fc.constantFrom(
        undefined,
        'monitor.alert',
        'other.kind',
        ['x', 'access.checked'],
        3,
      ),
      subject: fc.constantFrom('s-1', 's-2', 's-honey'),
      actor: fc.constantFrom('a-1', 'a-2'),
      operator: fc.constantFrom('op-1', 'op-2'),
      action: fc.constantFrom('read', 'export'),
      decision: fc.constantFrom('permit', 'deny'),
      level: fc.constantFrom('medium', 'high'),
      gap: fc.integer({ min: 0, max: 90_000 }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 150 }), (events) => {
        const reference = { honeytokens: ['s-honey'] };
        const engines = (['reference', 'generated', 'loop'] as const).map((evaluator) =>
          createMonitorEngine({ rules, reference, evaluator }),
        );
        let at = BASE;
        events.forEach((e, i) => {
          at += e.gap;
          const base = check(
            {
              subject: e.subject,
              actor: { id: e.actor },
              operator: e.operator,
              action: e.action,
              decision: e.decision,
              level: e.level,
              ruleId: 'honeytoken-touched',
              ...(e.dataType !== undefined ? { type: e.dataType } : {}),
            },
            at,
            `t-${i}`,
          );
          const input = { ...base, type: e.type };
          const [expected, ...others] = engines.map((engine) =>
            JSON.stringify(engine.process(structuredClone(input))),
          );
          for (const answer of others) expect(answer).toBe(expected);
        });
        // Every figure but how many plans each compiled (the reference compiles none).
        const [expected, ...others] = engines.map((engine) =>
          JSON.stringify({ ...engine.stats(), plans: undefined }),
        );
        for (const answer of others) expect(answer).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('compiles a plan per set of rules, not per event type: a stream of many types shares them', () => {
    const engine = createMonitorEngine({ rules });
    const expected = createMonitorEngine({ rules, evaluator: 'reference' });
    for (let i = 0; i < 300; i += 1) {
      // 200 types no rule names, then the two the pack's rules do, over and over.
      const type =
        i % 3 === 0 ? 'access.checked' : i % 3 === 1 ? `other.kind-${i}` : 'monitor.alert';
      const input = {
        ...check({ subject: `s-${i}`, ruleId: 'x' }, BASE + i * 1_000, `m-${i}`),
        type,
      };
      expect(JSON.stringify(engine.process(input))).toBe(JSON.stringify(expected.process(input)));
    }
    // access.checked, monitor.alert, and one for every type that no rule's detection can match.
    expect(engine.stats().plans).toBeLessThanOrEqual(3);
    expect(engine.stats().processed).toBe(300);
  });

  it('runs the plans as loops where code cannot be generated from strings', () => {
    const stream = Array.from({ length: 400 }, (_, i) =>
      check(
        { subject: `s-${i}`, decision: i % 3 === 0 ? 'deny' : 'permit' },
        BASE + i * 1_000,
        `f-${i}`,
      ),
    );
    const expected = createMonitorEngine({ rules, evaluator: 'reference' });
    // As under --disallow-code-generation-from-strings.
    vi.stubGlobal('Function', function refused() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    try {
      const engine = createMonitorEngine({ rules });
      for (const input of stream)
        expect(JSON.stringify(engine.process(input))).toBe(JSON.stringify(expected.process(input)));
      expect(engine.stats().alerts).toBeGreaterThan(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
