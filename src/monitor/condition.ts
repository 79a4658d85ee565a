/**
 * Sigma's condition language over selection names: `and`, `or`, `not`, parentheses, and the
 * quantifiers `1 of sel*`, `all of sel*`, `1 of them`, `all of them`. Parsed once at load, with
 * the column of the first problem, so a rule file that says `selection and nto filter` is refused
 * with a message the author can act on.
 */
import type { ConditionNode } from './rule.model.js';

export type ConditionResult =
  | { readonly ok: true; readonly node: ConditionNode }
  | { readonly ok: false; readonly column: number; readonly problem: string };

interface Token {
  readonly text: string;
  /** 1-based column in the condition text. */
  readonly column: number;
}

const MAX_CONDITION_LENGTH = 2_000;
const MAX_DEPTH = 50;

class ConditionError extends Error {
  constructor(
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(\(|\)|[A-Za-z0-9_*-]+|\S)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const token = match[1];
    if (token === undefined) break;
    tokens.push({ text: token, column: match.index + match[0].length - token.length + 1 });
  }
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', '1']);

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** Parses `text`; every name it refers to must be one of `names` (a pattern must match one). */
export function parseCondition(text: string, names: readonly string[]): ConditionResult {
  if (text.trim() === '') return { ok: false, column: 1, problem: 'the condition is empty' };
  if (text.length > MAX_CONDITION_LENGTH) {
    return {
      ok: false,
      column: 1,
      problem: `the condition is longer than ${MAX_CONDITION_LENGTH} characters`,
    };
  }
  const tokens = tokenize(text);
  let position = 0;
  const end = text.length + 1;
  const peek = (): Token | undefined => tokens[position];
  const columnHere = (): number => peek()?.column ?? end;
  const isWord = (word: string): boolean => peek()?.text.toLowerCase() === word;

  function parseOr(depth: number): ConditionNode {
    const operands = [parseAnd(depth)];
    while (isWord('or')) {
      position += 1;
      operands.push(parseAnd(depth));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  function parseAnd(depth: number): ConditionNode {
    const operands = [parseNot(depth)];
    while (isWord('and')) {
      position += 1;
      operands.push(parseNot(depth));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  function parseNot(depth: number): ConditionNode {
    if (depth > MAX_DEPTH) throw new ConditionError(columnHere(), 'the condition nests too deeply');
    if (isWord('not')) {
      position += 1;
      return { kind: 'not', operand: parseNot(depth + 1) };
    }
    return parsePrimary(depth);
  }

  function parsePrimary(depth: number): ConditionNode {
    const token = peek();
    if (token === undefined)
      throw new ConditionError(end, 'the condition ends where a selection name was expected');
    if (token.text === '(') {
      position += 1;
      const inner = parseOr(depth + 1);
      if (peek()?.text !== ')') throw new ConditionError(columnHere(), "a ')' is missing");
      position += 1;
      return inner;
    }
    const word = token.text.toLowerCase();
    if (word === '1' || word === 'all' || word === 'any') {
      position += 1;
      if (!isWord('of'))
        throw new ConditionError(columnHere(), `'${token.text}' must be followed by 'of'`);
      position += 1;
      const target = peek();
      if (target === undefined || target.text === '(' || target.text === ')') {
        throw new ConditionError(
          columnHere(),
          "'of' must be followed by a selection pattern or 'them'",
        );
      }
      position += 1;
      const matched =
        target.text.toLowerCase() === 'them'
          ? names.filter((name) => !name.startsWith('_'))
          : names.filter((name) => globToRegExp(target.text).test(name));
      if (matched.length === 0) {
        throw new ConditionError(target.column, `no selection matches '${target.text}'`);
      }
      return { kind: 'of', quantifier: word === 'all' ? 'all' : 'one', names: matched };
    }
    if (!/^[A-Za-z0-9_-]+$/.test(token.text) || KEYWORDS.has(word)) {
      throw new ConditionError(token.column, `unexpected '${token.text}'`);
    }
    if (!names.includes(token.text)) {
      throw new ConditionError(token.column, `'${token.text}' is not a selection of this rule`);
    }
    position += 1;
    return { kind: 'ref', name: token.text };
  }

  try {
    const node = parseOr(0);
    const rest = peek();
    if (rest !== undefined) throw new ConditionError(rest.column, `unexpected '${rest.text}'`);
    return { ok: true, node };
  } catch (error) {
    if (error instanceof ConditionError)
      return { ok: false, column: error.column, problem: error.message };
    throw error;
  }
}
