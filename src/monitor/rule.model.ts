/**
 * Detection rules as the monitoring centre runs them (DOMAIN.md §8, issue 13): Sigma's shape — a
 * single-event `detection` with named selections and a `condition`, or a `correlation`
 * (`event_count`, `value_count`, `temporal`, `temporal_ordered`) over the events of other rules or
 * of its own filter, grouped by fields within a `timespan`. These types are what the parser
 * returns once a YAML file has passed every check; the engine compiles them further.
 */

export const LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

export const RESPONSE_ACTIONS = [
  'throttle-actor',
  'block-actor',
  'suspend-system',
  'block-country',
] as const;
export type RuleResponseAction = (typeof RESPONSE_ACTIONS)[number];

export const RESPONSE_MODES = ['automatic', 'needs-confirmation'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** What an alert asks the response service to do; high-impact actions wait for an analyst. */
export interface RuleResponse {
  readonly action: RuleResponseAction;
  readonly mode: ResponseMode;
  /** How long the response lasts once in force; absent: until lifted. */
  readonly forMs?: number;
}

export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

/** A value an event field holds once the event is flattened. */
export type FieldValue = string | number | boolean | null | readonly (string | number)[];
export type Scalar = string | number | boolean | null;

export const MODIFIERS = [
  'contains',
  'startswith',
  'endswith',
  'all',
  're',
  'gt',
  'gte',
  'lt',
  'lte',
  'exists',
  'expand',
  'fieldref',
  'cased',
] as const;
export type Modifier = (typeof MODIFIERS)[number];

/** One `field|modifier…: value(s)` line of a selection. */
export interface FieldMatcher {
  readonly field: string;
  readonly modifiers: readonly Modifier[];
  /** Several values: any matches (all with the `all` modifier). */
  readonly values: readonly Scalar[];
}

/** A selection: a map of field matchers (all must hold), or a list of such maps (any). */
export type Selection = readonly (readonly FieldMatcher[])[];

/** A parsed `condition` expression over selection names. */
export type ConditionNode =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'not'; readonly operand: ConditionNode }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'of'; readonly quantifier: 'one' | 'all'; readonly names: readonly string[] };

export interface Detection {
  readonly selections: ReadonlyMap<string, Selection>;
  readonly condition: ConditionNode;
}

export interface CorrelationSpec {
  readonly type: CorrelationType;
  /** Ids of the rules whose matches feed this one (Sigma); empty when the rule has its own filter. */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespanMs: number;
  /** `value_count`: the field whose distinct values are counted. */
  readonly field?: string;
  /** Fires when the count (distinct values for `value_count`) reaches this; `gt: n` is `n + 1`. */
  readonly threshold: number;
}

/** A test event as written in a rule file: `at` and `type` may be left out, the rest is `data`. */
export type TestEvent = Readonly<Record<string, unknown>>;

/** One test: a single event, or a scenario of events and generated runs. */
export interface TestCase {
  readonly name?: string;
  readonly steps: readonly TestStep[];
}

export type TestStep =
  | { readonly kind: 'event'; readonly event: TestEvent }
  | {
      readonly kind: 'repeat';
      readonly count: number;
      readonly everyMs: number;
      /** String values may hold `{i}` (0-based index of the copy) or `{i%n}` (the index modulo n). */
      readonly event: TestEvent;
    };

export interface RuleTests {
  readonly match: readonly TestCase[];
  readonly nomatch: readonly TestCase[];
  /** Reference data the tests need (honeytokens, staff, working hours, …), in the input shape. */
  readonly reference?: Readonly<Record<string, unknown>>;
}

export interface Dedup {
  /** Alerts with equal values of these fields within `windowMs` are one alert. */
  readonly groupBy: readonly string[];
  readonly windowMs: number;
}

interface RuleCommon {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly level: Level;
  /** A shadow rule's alerts are marked and never trigger a response. */
  readonly shadow: boolean;
  /** false: the rule only feeds correlations and raises no alert of its own. */
  readonly generate: boolean;
  readonly responses: readonly RuleResponse[];
  readonly dedup: Dedup;
  readonly tests: RuleTests;
  /** Where the rule came from, for messages. */
  readonly file: string;
}

export interface DetectionRule extends RuleCommon {
  readonly kind: 'detection';
  readonly detection: Detection;
}

export interface CorrelationRule extends RuleCommon {
  readonly kind: 'correlation';
  readonly correlation: CorrelationSpec;
  /** The rule's own event filter when it names no other rules. */
  readonly detection?: Detection;
}

export type Rule = DetectionRule | CorrelationRule;

/** A refused rule file (or rule): where and why, for the person editing it. */
export interface RuleProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}
