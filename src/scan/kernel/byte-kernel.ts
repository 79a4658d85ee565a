import { CHUNK, EVENTS, F4, F68, FS, MODULE, TAIL, TEXT } from './kernel-code.js';
import { hash4, hash6, hash8, hash10 } from './term-hash.js';

export { CHUNK, OTHER, TERM } from './kernel-code.js';

const PAGE = 1 << 16;
const SPACE = 0x20;

/**
 * The parts of the WebAssembly JavaScript API used here. Node has them all, but the project's
 * `lib` (ES2023, no DOM) declares only the type namespace.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * One instance per thread (the kernel is synchronous and not re-entrant, and its filters are the
 * same for every engine): the text is copied into its memory, then scanned in chunks.
 */
export class ByteKernel {
  private readonly memory = new wasm.Memory({ initial: Math.ceil((TEXT + TAIL) / PAGE) });
  private readonly run: (from: number, to: number, base: number, out: number) => number;
  private readonly countIn: (from: number, to: number, byte: number) => number;
  /** The text in memory (compared by identity first, so a reload is skipped). */
  private loaded: string | null = null;
  private heap = new Uint8Array(this.memory.buffer);
  /** Events of the last `scan` call: `(position << 2) | flags`. */
  events = new Int32Array(this.memory.buffer, EVENTS, CHUNK);
  private length = 0;

  constructor(termPrefixes: Iterable<Uint8Array>) {
    const instance = new wasm.Instance(new wasm.Module(MODULE), {
      env: { memory: this.memory },
    });
    this.run = instance.exports.scan as (a: number, b: number, c: number, d: number) => number;
    this.countIn = instance.exports.count as (a: number, b: number, c: number) => number;
    // A separator before the text: its first byte is a word start.
    this.heap.fill(SPACE, TEXT - 16, TEXT);
    for (const prefix of termPrefixes) this.addTermPrefix(prefix);
  }

  /**
   * Registers the literal start of a term (its bytes before any white space or open ending). A
   * word start is reported when its first four bytes are some term's first four and, unless that
   * term's literal start is shorter than six bytes, its first six, eight or ten bytes (the longest
   * the term has) are some term's too. A term of three bytes ("hiv") is registered with every
   * possible fourth byte. Ten bytes, because five Cyrillic letters tell «больш-ое» from
   * «больн-ичный» and «анала-р» from «анали-з»: with eight, those two words alone sent 320 000
   * word starts per 200 MB of chat text to the term regex, 98 % of all.
   */
  private addTermPrefix(literal: Uint8Array): void {
    if (literal.length < 3) throw new RangeError('a health term needs at least three bytes');
    const word = (from: number) =>
      (literal[from] ?? 0) |
      ((literal[from + 1] ?? 0) << 8) |
      ((literal[from + 2] ?? 0) << 16) |
      ((literal[from + 3] ?? 0) << 24);
    const k = word(0);
    const firsts =
      literal.length === 3
        ? Array.from({ length: 256 }, (_, b) => (k & 0xffffff) | (b << 24))
        : [k];
    for (const key of firsts) {
      this.setBit(F4, hash4(key));
      if (literal.length < 6) this.setBit(FS, hash4(key));
    }
    if (literal.length >= 10) this.setBit(F68, hash10(k, word(4), word(8)));
    else if (literal.length >= 8) this.setBit(F68, hash8(k, word(4)));
    else if (literal.length >= 6) this.setBit(F68, hash6(k, word(4)));
  }

  private setBit(bitmap: number, h: number): void {
    const at = bitmap + (h >>> 3);
    this.heap[at] = (this.heap[at] ?? 0) | (1 << (h & 7));
  }

  private reserve(length: number): void {
    const needed = TEXT + length + TAIL;
    if (needed > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((needed - this.memory.buffer.byteLength) / PAGE));
      this.heap = new Uint8Array(this.memory.buffer);
      this.events = new Int32Array(this.memory.buffer, EVENTS, CHUNK);
    }
    this.length = length;
    this.loaded = null;
  }

  /**
   * Puts a byte string (see `bytes.ts`) into the kernel, unless it is there already. `bytes`, the
   * same text as bytes, is copied instead when the caller has it (a plain copy, no conversion).
   */
  load(text: string, bytes?: Uint8Array): void {
    if (this.loaded === text) return;
    this.reserve(text.length);
    if (bytes !== undefined && bytes.length === text.length) this.heap.set(bytes, TEXT);
    else Buffer.from(this.memory.buffer, TEXT, text.length).write(text, 'latin1');
    this.heap.fill(0, TEXT + text.length, TEXT + text.length + TAIL);
    this.loaded = text;
  }

  /** How many times `byte` occurs in `[from, to)` of the loaded text. */
  count(from: number, to: number, byte: number): number {
    if (from < 0 || to > this.length) throw new RangeError('bad kernel range');
    return from >= to ? 0 : this.countIn(TEXT + from, TEXT + to, byte);
  }

  /** Scans `[from, to)` of the loaded text (at most `CHUNK` bytes); returns the event count. */
  scan(from: number, to: number): number {
    if (to - from > CHUNK || from < 0 || to > this.length) throw new RangeError('bad kernel range');
    return this.run(TEXT + from, TEXT + to, TEXT, EVENTS);
  }
}

let shared: ByteKernel | null = null;

/**
 * The thread's kernel, built on first use from the strong health terms' literal starts (the
 * kernel is synchronous and its filters are the same for every engine, so one per thread).
 */
export function sharedKernel(termPrefixes: () => Iterable<Uint8Array>): ByteKernel {
  return (shared ??= new ByteKernel(termPrefixes()));
}
