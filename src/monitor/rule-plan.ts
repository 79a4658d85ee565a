/**
 * The engine's per-event loop over its rules, planned per event type and generated as one
 * function per plan (as `detection-codegen.ts` does for one rule's detection).
 *
 * The plain loop visits every rule for every event through one call site: `rule.detect(event)`
 * calls nineteen different functions there, which V8 sees as megamorphic and will not inline, and
 * each correlation goes through a switch on its kind. A plan lists, in the rules' order, only the
 * rules that can match events of one type (an `access.checked` event never visits the
 * `monitor.alert` rules), and its generated function calls each rule's detection and its kind's
 * correlation from a call site of its own.
 *
 * Whether a rule can match a type is read from the shape of its detection alone, conservatively
 * (`mayMatchType`): a rule is left out only when every way its condition can hold needs a plain
 * `type` matcher that the type fails. Leaving such a rule out changes nothing: its detection
 * would answer false, and a correlation none of whose inputs matched is not touched.
 *
 * Nothing a rule says is spliced into the source: detections, rules and helpers are passed in a
 * constants array and named by index; the source holds only rule indexes (numbers) and names made
 * here. Where strings cannot be compiled (an `EvalError`), the same plan runs as a loop.
 */
import { DERIVED, exactText, type EventPredicate, type MatchContext } from './matcher.js';
import type { MonitorEvent } from './monitor-event.js';
import type { ConditionNode, Detection, FieldMatcher, Selection } from './rule.model.js';

/** What a rule's correlation is, for the helper that updates it; null for a detection rule. */
export type CorrelationKind = 'count' | 'distinct' | 'temporal';

/** One rule as a plan sees it. `R` and `S` are the engine's own (passed through, never read). */
export interface PlanRule<R, S> {
  readonly index: number;
  /** Own detection (a detection rule's, or a correlation's filter). */
  readonly detect: EventPredicate | null;
  /** A detection rule that raises its own alerts. */
  readonly raises: boolean;
  readonly correlation: CorrelationKind | null;
  /** A correlation's spec, passed to its helper. */
  readonly spec: S | null;
  /** For a correlation without its own detection: the indexes of the rules feeding it. */
  readonly steps: readonly number[];
  readonly rule: R;
  /** The detection, for `mayMatchType` (null: matches no event of its own). */
  readonly detection: Detection | null;
}

/** The engine's helpers a plan calls. */
export interface PlanHelpers<R, S, A, M> {
  readonly context: MatchContext;
  /** A detection rule's alert (or its suppression). */
  readonly raise: (rule: R, event: MonitorEvent, alerts: A, suppressed: M) => void;
  readonly count: (rule: R, spec: S, event: MonitorEvent, alerts: A, suppressed: M) => void;
  readonly distinct: (rule: R, spec: S, event: MonitorEvent, alerts: A, suppressed: M) => void;
  readonly temporal: (
    rule: R,
    spec: S,
    event: MonitorEvent,
    matched: Uint8Array,
    alerts: A,
    suppressed: M,
  ) => void;
}

/**
 * Runs a plan's rules over one event: `matched` is cleared by the caller and gets a 1 for each
 * rule whose detection matched; `source` is the index of a rule not to run (-1: none).
 */
export type PlannedEvaluator<A, M> = (
  event: MonitorEvent,
  matched: Uint8Array,
  source: number,
  alerts: A,
  suppressed: M,
) => void;

/**
 * Whether `detection` can hold for an event whose `type` field is the string `type`, from its
 * shape: false only when it certainly cannot (see the header). Exact where it answers false.
 */
export function mayMatchType(detection: Detection, type: string): boolean {
  return conditionMay(detection.condition, detection.selections, type);
}

function conditionMay(
  node: ConditionNode,
  selections: ReadonlyMap<string, Selection>,
  type: string,
): boolean {
  switch (node.kind) {
    case 'ref':
      return selectionMay(selections.get(node.name), type);
    // A negation can hold whatever the type is.
    case 'not':
      return true;
    case 'and':
      return node.operands.every((operand) => conditionMay(operand, selections, type));
    case 'or':
      return node.operands.some((operand) => conditionMay(operand, selections, type));
    case 'of': {
      const may = (name: string): boolean => selectionMay(selections.get(name), type);
      return node.quantifier === 'all' ? node.names.every(may) : node.names.some(may);
    }
  }
}

/** A selection holds when one of its maps does; a map when all its matchers do. */
function selectionMay(selection: Selection | undefined, type: string): boolean {
  if (selection === undefined) return true;
  return selection.some((matchers) => matchers.every((matcher) => matcherMay(matcher, type)));
}

/**
 * Whether `matcher` can hold for the string `type` in the `type` field: only a plain matcher
 * (no modifier but `cased`, no wildcard, no `null`) is read; anything else may hold. The test is
 * `valuePredicate`'s: equal text with `cased`, else equal once lower-cased.
 */
function matcherMay(matcher: FieldMatcher, type: string): boolean {
  if (matcher.field !== 'type' || DERIVED.has(matcher.field)) return true;
  if (matcher.values.length === 0) return true;
  const cased = matcher.modifiers.includes('cased');
  for (const value of matcher.values) {
    if (typeof value !== 'string' || exactText(matcher, value) === null) return true;
    if (cased ? type === value : type.toLowerCase() === value.toLowerCase()) return true;
  }
  return false;
}

/** The rules (in order) that can match events whose `type` is `type`; null: every rule. */
export function planRules<R, S>(
  rules: readonly PlanRule<R, S>[],
  type: string | null,
): PlanRule<R, S>[] {
  const visited = new Uint8Array(rules.length);
  const planned: PlanRule<R, S>[] = [];
  for (const rule of rules) {
    let runs: boolean;
    if (rule.detection !== null) runs = type === null || mayMatchType(rule.detection, type);
    else
      // A correlation fed by other rules runs when one of them can match first: a rule after it
      // has not matched yet when it runs (`matched` is cleared per event), in the plain loop too.
      runs = rule.steps.some((step) => step < rule.index && visited[step] === 1);
    if (!runs) continue;
    visited[rule.index] = 1;
    planned.push(rule);
  }
  return planned;
}

/** The plan as one generated function; where strings cannot be compiled, as a loop. */
export function generatePlan<R, S, A, M>(
  rules: readonly PlanRule<R, S>[],
  helpers: PlanHelpers<R, S, A, M>,
): PlannedEvaluator<A, M> {
  try {
    return generated(rules, helpers);
  } catch (error) {
    if (error instanceof EvalError) return interpretPlan(rules, helpers);
    throw error;
  }
}

type Factory<A, M> = (constants: readonly unknown[]) => PlannedEvaluator<A, M>;

function generated<R, S, A, M>(
  rules: readonly PlanRule<R, S>[],
  helpers: PlanHelpers<R, S, A, M>,
): PlannedEvaluator<A, M> {
  const constants: unknown[] = [
    helpers.context,
    helpers.raise,
    helpers.count,
    helpers.distinct,
    helpers.temporal,
  ];
  const ref = (value: unknown): string => {
    constants.push(value);
    return `k${constants.length - 1}`;
  };
  let body = '';
  for (const rule of rules) {
    // Numbers only: the rule's index (an integer the engine made) and names made here.
    const i = String(Math.trunc(rule.index));
    const r = ref(rule.rule);
    const update =
      rule.correlation === null
        ? ''
        : rule.correlation === 'temporal'
          ? `temporal(${r}, ${ref(rule.spec)}, event, matched, alerts, suppressed);\n`
          : `${rule.correlation}(${r}, ${ref(rule.spec)}, event, alerts, suppressed);\n`;
    if (rule.detect !== null) {
      const d = ref(rule.detect);
      const raise = rule.raises ? `raise(${r}, event, alerts, suppressed);\n` : '';
      body += `if (source !== ${i} && ${d}(event, context)) {\nmatched[${i}] = 1;\n${raise}${update}}\n`;
    } else if (update !== '') {
      const fed = rule.steps.map((step) => `matched[${String(Math.trunc(step))}] === 1`);
      if (fed.length > 0) body += `if (source !== ${i} && (${fed.join(' || ')})) ${update}`;
    }
  }
  const bindings = constants.map((_, i) => `const k${i} = constants[${i}];\n`).join('');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(
    'constants',
    `'use strict';\n${bindings}` +
      'const context = k0, raise = k1, count = k2, distinct = k3, temporal = k4;\n' +
      `return function evaluate(event, matched, source, alerts, suppressed) {\n${body}};\n`,
  ) as Factory<A, M>;
  return factory(constants);
}

/** The same plan as a loop (no generated code). */
export function interpretPlan<R, S, A, M>(
  rules: readonly PlanRule<R, S>[],
  helpers: PlanHelpers<R, S, A, M>,
): PlannedEvaluator<A, M> {
  const { context } = helpers;
  return (event, matched, source, alerts, suppressed) => {
    for (const rule of rules) {
      if (rule.index === source) continue;
      let fed = false;
      if (rule.detect !== null) {
        if (rule.detect(event, context)) {
          matched[rule.index] = 1;
          fed = true;
          if (rule.raises) helpers.raise(rule.rule, event, alerts, suppressed);
        }
      } else for (const step of rule.steps) if (matched[step] === 1) fed = true;
      if (!fed || rule.correlation === null) continue;
      if (rule.correlation === 'count')
        helpers.count(rule.rule, rule.spec!, event, alerts, suppressed);
      else if (rule.correlation === 'distinct')
        helpers.distinct(rule.rule, rule.spec!, event, alerts, suppressed);
      else helpers.temporal(rule.rule, rule.spec!, event, matched, alerts, suppressed);
    }
  };
}
