import { DomainError } from '../../core/errors.js';
import { codePointBytes } from '../bytes.js';

/**
 * An incremental JSON tokenizer over byte strings (see `bytes.ts`) that keeps the path and the
 * source offsets of every string.
 *
 * Why not `stream-json` (the well-kept streaming parser): the scanner needs two things it does
 * not give. (1) Source byte offsets of each string, and of each escape inside it, so that
 * `--redact` can rewrite just the masked characters and leave the rest of the file byte for byte
 * (formatting, key order, escapes) — re-serialising tokens would reformat a user's file. (2) One
 * callback per string with the path at hand and no per-token objects: a gigabyte export has
 * ~100 million tokens, and the scanner's budget is a few nanoseconds per byte. The grammar is
 * small (RFC 8259), so a 300-line state machine is the smaller risk.
 */

/** One element of the path: an object (with the current key) or an array (with the index). */
export interface PathEntry {
  readonly kind: 'object' | 'array';
  /** The current key as a byte string (objects), or `null` before the first key. */
  key: string | null;
  /** The current index (arrays), -1 before the first element. */
  index: number;
}

/** A string value, or a window of a very long one. */
export interface JsonString {
  /** Decoded value (escapes resolved) as a UTF-8 byte string. */
  readonly text: string;
  /** Leading bytes repeated from the previous window of the same string (context only). */
  readonly prefixLength: number;
  /** Only offsets before this belong to this window; the rest is scanned again with the next. */
  readonly limit: number;
  /** True for the last (or only) window of the string. */
  readonly final: boolean;
  /** Source byte offset of a value offset (escapes make the two differ). */
  toSource(offset: number): number;
}

export interface JsonEvents {
  open(kind: 'object' | 'array', path: readonly PathEntry[]): void;
  close(kind: 'object' | 'array', path: readonly PathEntry[]): void;
  /** A key (`isKey`) or a string value; `path`'s top entry already holds the key for values. */
  string(value: JsonString, isKey: boolean, path: readonly PathEntry[]): void;
  /** A number, `true`, `false` or `null`, with its source span. */
  primitive(raw: string, start: number, path: readonly PathEntry[]): void;
}

export interface JsonWindowOptions {
  /** Strings longer than this are delivered in windows. */
  readonly maxString: number;
  readonly overlap: number;
  readonly context: number;
}

export const DEFAULT_JSON_WINDOW: JsonWindowOptions = {
  maxString: 1 << 20,
  overlap: 512,
  context: 160,
};

type State = 'value' | 'key' | 'colon' | 'after' | 'string' | 'literal' | 'done';

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function isWhite(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
function isLiteralChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 45 || c === 43 || c === 46 || c === 69
  );
}

export class JsonTokenizer {
  private state: State = 'value';
  private readonly stack: PathEntry[] = [];
  private offset = 0;
  private isKey = false;
  // string state
  private str = '';
  private strSourceStart = 0;
  /** Pairs [valueOffset, sourceOffset] after each escape; the first is the string's start. */
  private marks: number[] = [];
  private strPrefix = 0;
  private escape = '';
  private highSurrogate = -1;
  // literal state
  private literal = '';
  private literalStart = 0;
  private readonly specialInString = /["\\]/g;

  constructor(
    private readonly events: JsonEvents,
    private readonly window: JsonWindowOptions = DEFAULT_JSON_WINDOW,
  ) {}

  /** Source offset of the first byte that may still be rewritten (the open string, if any). */
  settled(): number {
    if (this.state === 'string') return this.marks[1] ?? this.strSourceStart;
    if (this.state === 'literal') return this.literalStart;
    return this.offset;
  }

  push(chunk: string): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.state === 'string') {
        i = this.readString(chunk, i);
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.state === 'literal') {
        if (isLiteralChar(c)) {
          this.literal += chunk[i];
          i++;
          continue;
        }
        this.finishLiteral();
        continue;
      }
      if (isWhite(c)) {
        i++;
        continue;
      }
      this.structural(c, this.offset + i);
      i++;
    }
    this.offset += n;
  }

  end(): void {
    if (this.state === 'literal') this.finishLiteral();
    if (this.state !== 'done' || this.stack.length > 0) {
      throw new DomainError('scan.malformed_input', `JSON ends early at byte ${this.offset}`);
    }
  }

  private fail(at: number, what: string): never {
    throw new DomainError('scan.malformed_input', `JSON is not valid at byte ${at}: ${what}`);
  }

  private structural(c: number, at: number): void {
    const top = this.stack[this.stack.length - 1];
    switch (this.state) {
      case 'value':
        if (top?.kind === 'array') top.index++;
        if (c === 123 || c === 91) {
          const kind = c === 123 ? 'object' : 'array';
          this.stack.push({ kind, key: null, index: -1 });
          this.events.open(kind, this.stack);
          this.state = kind === 'object' ? 'key' : 'value';
        } else if (c === 34) {
          this.startString(at, false);
        } else if (c === 93 && top?.kind === 'array' && top.index === 0) {
          top.index = -1; // `[]`: the increment above was for an element that is not there
          this.closeContainer('array', at);
        } else if (isLiteralChar(c)) {
          this.state = 'literal';
          this.literal = String.fromCharCode(c);
          this.literalStart = at;
        } else {
          this.fail(at, `unexpected ${JSON.stringify(String.fromCharCode(c))}`);
        }
        return;
      case 'key':
        if (c === 34) this.startString(at, true);
        else if (c === 125) this.closeContainer('object', at);
        else this.fail(at, 'expected a key');
        return;
      case 'colon':
        if (c !== 58) this.fail(at, 'expected ":"');
        this.state = 'value';
        return;
      case 'after':
        if (c === 44) this.state = top?.kind === 'object' ? 'key' : 'value';
        else if (c === 125 && top?.kind === 'object') this.closeContainer('object', at);
        else if (c === 93 && top?.kind === 'array') this.closeContainer('array', at);
        else this.fail(at, 'expected "," or a closing bracket');
        return;
      case 'done':
        this.fail(at, 'text after the end of the document');
        return;
      case 'string':
      case 'literal':
        return;
    }
  }

  private closeContainer(kind: 'object' | 'array', at: number): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.kind !== kind) this.fail(at, 'mismatched bracket');
    this.events.close(kind, this.stack);
    this.stack.pop();
    this.state = this.stack.length === 0 ? 'done' : 'after';
  }

  private valueDone(): void {
    this.state = this.stack.length === 0 ? 'done' : 'after';
  }

  private finishLiteral(): void {
    const raw = this.literal;
    if (!/^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/.test(raw)) {
      this.fail(this.literalStart, `bad literal ${JSON.stringify(raw.slice(0, 20))}`);
    }
    this.events.primitive(raw, this.literalStart, this.stack);
    this.literal = '';
    this.valueDone();
  }

  private startString(at: number, isKey: boolean): void {
    this.state = 'string';
    this.isKey = isKey;
    this.str = '';
    this.strPrefix = 0;
    this.strSourceStart = at + 1;
    this.marks = [0, at + 1];
  }

  /** Consumes string bytes from `i`; returns the next index to read. */
  private readString(chunk: string, i: number): number {
    if (this.escape.length > 0) return this.readEscape(chunk, i);
    this.specialInString.lastIndex = i;
    const m = this.specialInString.exec(chunk);
    const stop = m === null ? chunk.length : m.index;
    if (stop > i) {
      this.str += chunk.slice(i, stop);
      if (this.str.length > this.window.maxString) this.emitWindow();
    }
    if (m === null) return chunk.length;
    if (chunk.charCodeAt(stop) === 34) {
      this.flushSurrogate();
      this.finishString();
      return stop + 1;
    }
    this.escape = '\\';
    return this.readEscape(chunk, stop + 1);
  }

  private readEscape(chunk: string, i: number): number {
    while (i < chunk.length) {
      this.escape += chunk[i];
      i++;
      const e = this.escape;
      if (e.length === 2 && e[1] !== 'u') {
        const decoded = SIMPLE_ESCAPES[e[1]!];
        if (decoded === undefined) this.fail(this.offset + i - 2, 'bad escape');
        this.flushSurrogate();
        this.appendEscaped(decoded, this.offset + i);
        return i;
      }
      if (e.length === 6) {
        if (!/^\\u[0-9a-fA-F]{4}$/.test(e)) this.fail(this.offset + i - 6, 'bad \\u escape');
        const unit = parseInt(e.slice(2), 16);
        this.escape = '';
        if (unit >= 0xd800 && unit <= 0xdbff) {
          this.flushSurrogate();
          this.highSurrogate = unit;
        } else if (unit >= 0xdc00 && unit <= 0xdfff && this.highSurrogate >= 0) {
          const cp = 0x10000 + ((this.highSurrogate - 0xd800) << 10) + (unit - 0xdc00);
          this.highSurrogate = -1;
          this.appendEscaped(codePointBytes(cp), this.offset + i);
        } else {
          this.flushSurrogate();
          this.appendEscaped(codePointBytes(unit), this.offset + i);
        }
        return i;
      }
    }
    return i;
  }

  private appendEscaped(bytes: string, sourceAfter: number): void {
    this.escape = '';
    this.str += bytes;
    this.marks.push(this.str.length, sourceAfter);
  }

  /** A high surrogate not followed by a low one is kept as its (WTF-8) bytes. */
  private flushSurrogate(): void {
    if (this.highSurrogate < 0) return;
    const unit = this.highSurrogate;
    this.highSurrogate = -1;
    this.str += codePointBytes(unit);
  }

  private toSource(marks: readonly number[], offset: number): number {
    let k = 0;
    for (let j = 2; j < marks.length && marks[j]! <= offset; j += 2) k = j;
    return marks[k + 1]! + (offset - marks[k]!);
  }

  private emitWindow(): void {
    const { overlap, context } = this.window;
    const marks = this.marks;
    const limit = this.str.length - overlap;
    this.events.string(
      {
        text: this.str,
        prefixLength: this.strPrefix,
        limit,
        final: false,
        toSource: (offset) => this.toSource(marks, offset),
      },
      this.isKey,
      this.stack,
    );
    const keepFrom = limit - context;
    const rebased: number[] = [0, this.toSource(marks, keepFrom)];
    for (let j = 2; j < marks.length; j += 2) {
      if (marks[j]! > keepFrom) rebased.push(marks[j]! - keepFrom, marks[j + 1]!);
    }
    this.marks = rebased;
    this.str = this.str.slice(keepFrom);
    this.strPrefix = context;
  }

  private finishString(): void {
    const marks = this.marks;
    const value: JsonString = {
      text: this.str,
      prefixLength: this.strPrefix,
      limit: this.str.length,
      final: true,
      toSource: (offset) => this.toSource(marks, offset),
    };
    const top = this.stack[this.stack.length - 1];
    if (this.isKey && top !== undefined) top.key = this.str;
    this.events.string(value, this.isKey, this.stack);
    this.str = '';
    if (this.isKey) this.state = 'colon';
    else this.valueDone();
  }
}

/** Formats a path as JSONPath (`$.chats.list[3].messages[10].text`), keys decoded from UTF-8. */
export function formatPath(path: readonly PathEntry[], decode: (bytes: string) => string): string {
  let out = '$';
  for (const entry of path) {
    if (entry.kind === 'array') {
      if (entry.index >= 0) out += `[${entry.index}]`;
    } else if (entry.key !== null) {
      const key = decode(entry.key);
      out += /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
