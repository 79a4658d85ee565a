import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

import { generateDetection } from './detection-codegen.js';
import { compileDetection, type MatchContext } from './matcher.js';
import type { MonitorEvent } from './monitor-event.js';
import { mayMatchType } from './rule-plan.js';
import type { CompiledReference } from './reference.js';
import type {
  ConditionNode,
  Detection,
  FieldMatcher,
  FieldValue,
  Modifier,
  Scalar,
  Selection,
} from './rule.model.js';

// Few fields and few texts, in several cases, so that matchers hit, miss and meet lists and gaps.
const FIELDS = ['type', 'subject', 'actor.id', 'operator', 'count', 'tags', 'gone', 'crossBorder'];
const TEXTS = ['abc', 'ABC', 'Abc', 'ab', 'a*c', 'x.y', 'op-1', 'OP-1', 's-honey', '', 'é', 'É'];
const PATTERNS = ['a*', 'A?c', '*c', 'a\\*c', '?', '*', 'x.?', 'o*-1', '\\?'];

const scalarValue: fc.Arbitrary<Scalar> = fc.oneof(
  fc.constantFrom(...TEXTS, ...PATTERNS),
  fc.constantFrom(0, 1, 5, -2, 2.5),
  fc.boolean(),
  fc.constant(null),
);

/** A matcher as the parser could give it (values fitting their modifiers). */
const matcher: fc.Arbitrary<FieldMatcher> = fc.oneof(
  // Plain values (the pack's usual matcher) most often.
  {
    weight: 6,
    arbitrary: fc.record({
      field: fc.constantFrom(...FIELDS),
      modifiers: fc.constant<Modifier[]>([]),
      values: fc.array(scalarValue, { minLength: 1, maxLength: 4 }),
    }),
  },
  fc.record({
    field: fc.constantFrom(...FIELDS),
    modifiers: fc.constantFrom<Modifier[]>(
      ['cased'],
      ['all'],
      ['all', 'cased'],
      ['contains'],
      ['contains', 'cased'],
      ['startswith'],
      ['endswith', 'cased'],
      ['endswith'],
    ),
    values: fc.array(scalarValue, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    field: fc.constantFrom(...FIELDS),
    modifiers: fc.constantFrom<Modifier[]>(['gt'], ['gte'], ['lt'], ['lte'], ['all', 'gte']),
    values: fc.array(fc.constantFrom<Scalar>(0, 1, 5, -2, 2.5, null), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({
    field: fc.constantFrom(...FIELDS),
    modifiers: fc.constantFrom<Modifier[]>(['re'], ['re', 'cased']),
    values: fc.array(fc.constantFrom<Scalar>('^a', 'b', 'C$', '^op-\\d$', '.', null), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({
    field: fc.constantFrom(...FIELDS),
    modifiers: fc.constant<Modifier[]>(['exists']),
    values: fc.constantFrom<Scalar[]>([true], [false]),
  }),
  fc.record({
    field: fc.constantFrom(...FIELDS),
    modifiers: fc.constant<Modifier[]>(['fieldref']),
    values: fc.array(fc.constantFrom<Scalar>(...FIELDS), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    field: fc.constantFrom(...FIELDS),
    modifiers: fc.constantFrom<Modifier[]>(['expand'], ['all', 'expand']),
    values: fc.array(fc.constantFrom<Scalar>('%honeytokens%', '%staff:operator%', '%staff:gone%'), {
      minLength: 1,
      maxLength: 2,
    }),
  }),
);

const selection: fc.Arbitrary<Selection> = fc.array(fc.array(matcher, { maxLength: 3 }), {
  minLength: 0,
  maxLength: 3,
});

const NAMES = ['sel_a', 'sel_b', 'filter', 'other'];

const condition: fc.Arbitrary<ConditionNode> = fc.letrec<{ node: ConditionNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('ref' as const), name: fc.constantFrom(...NAMES) }),
    fc.record({ kind: fc.constant('not' as const), operand: tie('node') }),
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      operands: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('of' as const),
      quantifier: fc.constantFrom('one' as const, 'all' as const),
      names: fc.subarray(NAMES),
    }),
  ),
})).node;

const detection: fc.Arbitrary<Detection> = fc
  .tuple(fc.array(selection, { minLength: NAMES.length, maxLength: NAMES.length }), condition)
  .map(([selections, node]) => ({
    selections: new Map(NAMES.map((name, i) => [name, selections[i]!])),
    condition: node,
  }));

const fieldValue: fc.Arbitrary<FieldValue | undefined> = fc.oneof(
  fc.constantFrom(...TEXTS, ...PATTERNS),
  fc.constantFrom(0, 1, 5, -2, 2.5),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(fc.constantFrom(...TEXTS), fc.constantFrom(0, 1, 5)), { maxLength: 3 }),
);

const event: fc.Arbitrary<MonitorEvent> = fc
  .array(fieldValue, { minLength: FIELDS.length, maxLength: FIELDS.length })
  .map((values) => {
    const fields: Record<string, FieldValue> = {};
    FIELDS.forEach((field, i) => {
      if (values[i] !== undefined) fields[field] = values[i];
    });
    return {
      id: 'e',
      type: String(fields.type ?? 'x'),
      at: '2026-01-05T05:00:00.000Z',
      atMs: 0,
      fields,
      depth: 0,
      derived: {},
      keys: [],
    };
  });

const LISTS: Record<string, ReadonlySet<string>> = {
  'honeytokens/': new Set(['s-honey', 'abc', '1']),
  'staff/op-1': new Set(['abc', 'ab']),
  'staff/OP-1': new Set(['ABC']),
  'staff/5': new Set(['5', 'x.y']),
};

const reference = {
  lookup: (name: string, key: string | null) => LISTS[`${name}/${key ?? ''}`] ?? new Set(),
} as unknown as CompiledReference;

/** A context whose derived field (`crossBorder`) is read from the event's fields, as stored. */
const context: MatchContext = {
  reference,
  get: (item, field) => item.fields[field],
};

describe('generated detections', () => {
  it('answer as the closure compiler does, on random detections and event sequences', () => {
    fc.assert(
      fc.property(detection, fc.array(event, { minLength: 1, maxLength: 12 }), (rule, events) => {
        // One pair of predicates per rule over a sequence: their memos see the same history.
        const plain = compileDetection(rule);
        const fast = generateDetection(rule);
        for (const item of events) expect(fast(item, context)).toBe(plain(item, context));
      }),
      { numRuns: 2_000 },
    );
  });

  it('put no rule text in the generated source: odd names and values match as data', () => {
    const odd = "'); throw new Error('injected'); ('";
    const rule: Detection = {
      selections: new Map([
        [odd, [[{ field: odd, modifiers: [], values: [odd, `${odd}*`] }]]],
        ['b`${x}', [[{ field: '\\u0000', modifiers: ['cased'], values: ['*/'] }]]],
      ]),
      condition: {
        kind: 'or',
        operands: [
          { kind: 'ref', name: odd },
          { kind: 'ref', name: 'b`${x}' },
        ],
      },
    };
    const fast = generateDetection(rule);
    const item = (fields: Record<string, FieldValue>): MonitorEvent => ({
      id: 'e',
      type: 't',
      at: '',
      atMs: 0,
      fields,
      depth: 0,
      derived: {},
      keys: [],
    });
    expect(fast(item({ [odd]: odd.toUpperCase() }), context)).toBe(true);
    expect(fast(item({ '\\u0000': '*/' }), context)).toBe(true);
    expect(fast(item({ '\\u0000': '*/x' }), context)).toBe(false);
    expect(fast(item({}), context)).toBe(false);
  });

  it('falls back to the closures where strings cannot be compiled', () => {
    const rule: Detection = {
      selections: new Map([['sel', [[{ field: 'type', modifiers: [], values: ['abc'] }]]]]),
      condition: { kind: 'ref', name: 'sel' },
    };
    // As under --disallow-code-generation-from-strings.
    vi.stubGlobal('Function', function refused() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    try {
      const fallback = generateDetection(rule);
      const item = (type: string): MonitorEvent => ({
        id: 'e',
        type,
        at: '',
        atMs: 0,
        fields: { type },
        depth: 0,
        derived: {},
        keys: [],
      });
      expect(fallback(item('ABC'), context)).toBe(true);
      expect(fallback(item('abd'), context)).toBe(false);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('the event types a detection can match (rule-plan.ts)', () => {
  it('never leaves out a detection that holds for an event of that type', () => {
    fc.assert(
      fc.property(detection, fc.array(event, { minLength: 1, maxLength: 12 }), (rule, events) => {
        const plain = compileDetection(rule);
        for (const item of events) {
          const type = item.fields.type;
          if (typeof type === 'string' && plain(item, context))
            expect(mayMatchType(rule, type)).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves out a detection whose every way to hold names another type', () => {
    const typed = (values: Scalar[], modifiers: Modifier[] = []): Detection => ({
      selections: new Map([
        ['sel', [[{ field: 'type', modifiers, values }], [{ field: 'type', modifiers, values }]]],
      ]),
      condition: { kind: 'ref', name: 'sel' },
    });
    expect(mayMatchType(typed(['access.checked']), 'monitor.alert')).toBe(false);
    expect(mayMatchType(typed(['ACCESS.checked']), 'access.CHECKED')).toBe(true);
    expect(mayMatchType(typed(['Access.Checked'], ['cased']), 'access.checked')).toBe(false);
    expect(mayMatchType(typed(['a', 'access.checked']), 'access.checked')).toBe(true);
    expect(mayMatchType(typed(['access.*']), 'access.checked')).toBe(true);
    expect(mayMatchType(typed(['x'], ['contains']), 'access.checked')).toBe(true);
    expect(mayMatchType(typed([null, 'x']), 'access.checked')).toBe(true);
  });
});
