/**
 * Runs the tests a rule file ships: every `match` case must raise an alert of that rule, every
 * `nomatch` case must not, each on a fresh engine holding the whole rule set (so correlations
 * see the rules they count, and a test also shows the rule among its neighbours). Pure; used by
 * the test suite over the default pack and usable to vet a regulator's edited copy before it is
 * stored.
 */
import { createMonitorEngine } from './engine.js';
import type { MonitorReferenceInput } from './reference.model.js';
import type { Rule, TestCase, TestEvent } from './rule.model.js';

/** Fields every test event starts from, so a rule's tests only write what matters to it. */
export const TEST_EVENT_DEFAULTS = {
  subject: 'subject-1',
  actor: { id: 'actor-1' },
  system: 'system-1',
  operator: 'operator-1',
  purpose: 'finance.credit-scoring',
  categories: ['identity', 'financial'],
  action: 'read',
  decision: 'permit',
} as const;

/** Monday 5 January 2026, 05:00 UTC: within office hours in Kazakhstan. */
export const TEST_START = Date.parse('2026-01-05T05:00:00Z');

export interface RuleTestFailure {
  readonly ruleId: string;
  readonly file: string;
  readonly kind: 'match' | 'nomatch';
  readonly index: number;
  readonly problem: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function substitute(value: unknown, index: number): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{i(?:%([1-9][0-9]*))?\}/g, (_, modulus?: string) =>
      String(modulus === undefined ? index : index % Number(modulus)),
    );
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, index));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, index)]));
  return value;
}

function toDomainEvent(
  event: TestEvent,
  id: string,
  atMs: number,
): { id: string; type: string; at: string; data: Record<string, unknown> } {
  const { id: ownId, type, at, ...rest } = event;
  const eventType = typeof type === 'string' ? type : 'access.checked';
  const data: Record<string, unknown> =
    eventType === 'access.checked'
      ? {
          ...TEST_EVENT_DEFAULTS,
          ...rest,
          actor: { ...TEST_EVENT_DEFAULTS.actor, ...(isRecord(rest.actor) ? rest.actor : {}) },
        }
      : rest;
  return {
    id: typeof ownId === 'string' ? ownId : id,
    type: eventType,
    at:
      typeof at === 'string'
        ? new Date(Date.parse(at)).toISOString()
        : new Date(atMs).toISOString(),
    data,
  };
}

/** The delivered events of one test case, in order. */
export function expandTestCase(
  testCase: TestCase,
  prefix: string,
): ReturnType<typeof toDomainEvent>[] {
  const events: ReturnType<typeof toDomainEvent>[] = [];
  let clock = TEST_START;
  testCase.steps.forEach((step, stepIndex) => {
    if (step.kind === 'event') {
      const event = toDomainEvent(step.event, `${prefix}-${stepIndex}`, clock);
      events.push(event);
      clock = Date.parse(event.at) + 1_000;
      return;
    }
    const start = typeof step.event.at === 'string' ? Date.parse(step.event.at) : clock;
    for (let i = 0; i < step.count; i += 1) {
      const copy = substitute({ ...step.event, at: undefined }, i) as TestEvent;
      events.push(toDomainEvent(copy, `${prefix}-${stepIndex}-${i}`, start + i * step.everyMs));
    }
    clock = start + step.count * step.everyMs;
  });
  return events;
}

/** Runs one rule's tests against the rule set it belongs to. */
export function runRuleTests(rule: Rule, rules: readonly Rule[]): RuleTestFailure[] {
  const failures: RuleTestFailure[] = [];
  // A rule that only feeds correlations raises no alert of its own; its tests ask whether it matches.
  const ruleSet = rules.map((r) =>
    r.id === rule.id && r.kind === 'detection' ? { ...r, generate: true } : r,
  );
  const reference = (rule.tests.reference ?? {}) as MonitorReferenceInput;
  const run = (kind: 'match' | 'nomatch', cases: readonly TestCase[]): void => {
    cases.forEach((testCase, index) => {
      const engine = createMonitorEngine({ rules: ruleSet, reference });
      const label = testCase.name ? ` (${testCase.name})` : '';
      let raised = 0;
      for (const event of expandTestCase(testCase, `${rule.id}-${kind}-${index}`)) {
        const result = engine.process(event);
        if (result.status === 'parked') {
          failures.push({
            ruleId: rule.id,
            file: rule.file,
            kind,
            index,
            problem: `test event ${event.id} was parked: ${result.reason}`,
          });
          return;
        }
        if (result.status === 'processed')
          raised += result.alerts.filter((a) => a.ruleId === rule.id).length;
      }
      if (kind === 'match' && raised === 0) {
        failures.push({
          ruleId: rule.id,
          file: rule.file,
          kind,
          index,
          problem: `match test ${index}${label} raised no alert`,
        });
      }
      if (kind === 'nomatch' && raised > 0) {
        failures.push({
          ruleId: rule.id,
          file: rule.file,
          kind,
          index,
          problem: `nomatch test ${index}${label} raised ${raised} alert(s)`,
        });
      }
    });
  };
  run('match', rule.tests.match);
  run('nomatch', rule.tests.nomatch);
  return failures;
}
