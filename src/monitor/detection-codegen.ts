/**
 * A rule's detection generated as the source of one function per rule (its selections as inner
 * functions), instead of `matcher.ts`'s tree of small closures. The closures are shared code: every
 * rule's `a && b` runs through the same call sites, which V8 sees as megamorphic and will not
 * inline. A generated function has call sites of its own, each calling one predicate.
 *
 * Nothing the rule says is spliced into the source: field names, values and the value predicates
 * (`matcher.ts`'s own, so case, wildcards, lists, modifiers and `expand` behave as there) are
 * passed in a constants array and named by index. The source is built from the rule's shape alone
 * (how many selections, matchers and values; which modifiers). `compileDetection` stays the
 * reference, and a property test holds this one to it on random detections and events.
 */
import {
  compileDetection,
  DERIVED,
  exactText,
  valuePredicate,
  type EventPredicate,
} from './matcher.js';
import type { ConditionNode, Detection, FieldMatcher, Selection } from './rule.model.js';

type Factory = (constants: readonly unknown[]) => EventPredicate;

/** Collects the constants of one detection; `ref` names one in the generated source. */
class Constants {
  readonly values: unknown[] = [];
  ref(value: unknown): string {
    this.values.push(value);
    return `c${this.values.length - 1}`;
  }
}

/** Statements that set `r` to whether `matcher` holds (as `compileMatcher`'s closure answers). */
function matcherSource(matcher: FieldMatcher, constants: Constants): string {
  const field = constants.ref(matcher.field);
  const get = DERIVED.has(matcher.field)
    ? `context.get(event, ${field})`
    : `event.fields[${field}]`;
  const mods = new Set(matcher.modifiers);
  if (mods.has('exists')) {
    const want = matcher.values[0] === true ? 'true' : 'false';
    return (
      `v = ${get};\n` +
      `r = (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) === ${want};\n`
    );
  }
  const wantsNull = matcher.values.includes(null) ? 'true' : 'false';
  // One test per value of the matcher, on the element `x`, in the values' order.
  const tests = matcher.values
    .filter((value) => value !== null)
    .map((value) => {
      const predicate = constants.ref(valuePredicate(matcher, value));
      const call = `${predicate}(x, event, context)`;
      const exact = exactText(matcher, value);
      if (exact === null) return call;
      const text = constants.ref(exact);
      return mods.has('cased') ? `x === ${text}` : `(x === ${text} || ${call})`;
    });
  // Whether a test holds for `v`, or for any element of a list (`holds`).
  const holds = (test: string): string =>
    `if (Array.isArray(v)) {\n` +
    `  h = false;\n` +
    `  for (let i = 0; i < v.length; i += 1) { x = v[i]; if (${test}) { h = true; break; } }\n` +
    `} else { x = v; h = ${test}; }\n`;
  if (mods.has('all')) {
    // Every value must hold (each for the value or an element of it); a missing value holds none.
    let source = `v = ${get};\nr = v !== undefined && v !== null;\n`;
    for (const test of tests) source += `if (r) {\n${holds(test)}r = h;\n}\n`;
    return source;
  }
  const any = tests.length === 0 ? 'false' : tests.join(' || ');
  return (
    `v = ${get};\n` +
    `if (v === undefined || v === null) r = ${wantsNull};\n` +
    `else {\n${holds(any)}r = h;\n}\n`
  );
}

/** A function `name(event, context)`: whether any of the selection's maps has all its matchers hold. */
function selectionSource(name: string, selection: Selection, constants: Constants): string {
  let body = '';
  selection.forEach((matchers, alternative) => {
    const label = `a${alternative}`;
    body += `${label}: {\n`;
    for (const matcher of matchers)
      body += `${matcherSource(matcher, constants)}if (!r) break ${label};\n`;
    body += 'return true;\n}\n';
  });
  return `function ${name}(event, context) {\nlet v, x, r, h;\n${body}return false;\n}\n`;
}

/** `parts` joined by `&&` (`every`: none is true) or `||` (`some`: none is false). */
const joined = (parts: readonly string[], every: boolean): string =>
  parts.length === 0 ? String(every) : `(${parts.join(every ? ' && ' : ' || ')})`;

/** The condition as an expression over the selections' functions (named by `names`). */
function conditionSource(node: ConditionNode, names: ReadonlyMap<string, string>): string {
  const call = (selection: string): string => `${names.get(selection)!}(event, context)`;
  switch (node.kind) {
    case 'ref':
      return call(node.name);
    case 'not':
      return `!(${conditionSource(node.operand, names)})`;
    case 'and':
    case 'or':
      return joined(
        node.operands.map((operand) => conditionSource(operand, names)),
        node.kind === 'and',
      );
    case 'of':
      return joined(node.names.map(call), node.quantifier === 'all');
  }
}

/**
 * The detection as one generated function; answers as `compileDetection(detection)` does. Where
 * code cannot be generated from strings (`--disallow-code-generation-from-strings`), the closures.
 */
export function generateDetection(detection: Detection): EventPredicate {
  try {
    return generated(detection);
  } catch (error) {
    if (error instanceof EvalError) return compileDetection(detection);
    throw error;
  }
}

function generated(detection: Detection): EventPredicate {
  const constants = new Constants();
  const names = new Map<string, string>();
  let source = '';
  for (const [name, selection] of detection.selections) {
    const fn = `s${names.size}`;
    names.set(name, fn);
    source += selectionSource(fn, selection, constants);
  }
  const condition = conditionSource(detection.condition, names);
  const bindings = constants.values.map((_, i) => `const c${i} = constants[${i}];\n`).join('');
  // The source holds only names this module makes (c0, s0, a0) and operators; see the header.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(
    'constants',
    `'use strict';\n${bindings}${source}` +
      `return function detect(event, context) {\nreturn ${condition};\n};\n`,
  ) as Factory;
  return factory(constants.values);
}
