import { countBody } from './count-code.js';
import { gateDigitRuns } from './digit-run-gate.js';
import { narrowColons, narrowDots } from './ip-anchors.js';
import { probeTermStart } from './term-hash.js';
import { across, eqByte, isDigit, isSeparator, splat } from './simd-ops.js';
import { I32, V128, encodeModule, op, type Code } from './wasm-encoder.js';

/**
 * The scanner's one pass over the bytes, in WebAssembly SIMD. It reads a byte string (see
 * `bytes.ts`) sixteen bytes at a time and reports the few positions where a detector has work:
 *
 * - `OTHER`: the start of a run of three or more ASCII digits, a `.` before a digit (IPv4), a `:`
 *   (IPv6), `@` (e-mail), `<` (MRZ), or the lead byte of a multi-byte character that may not be a
 *   letter (anything but Cyrillic letters, so that a word after «, —, a no-break space or U+202F
 *   is seen);
 * - `TERM`: a word start (an ASCII byte that is not a letter or digit before it) whose first bytes
 *   are the first bytes of a health term, by hashed prefix filters (see `addTermPrefix`).
 *
 * Why not regular expressions or a JavaScript loop: measured on 200 MB of kk/ru/en chat text, the
 * health-term trie as one V8 regular expression costs ~410 ms (each of ~20 million word starts
 * enters the trie), digit runs ~150 ms, IPv4 ~80 ms; a JavaScript loop over the bytes costs 430 to
 * 690 ms however it is written (a branch mispredicted at every word). Sixteen bytes per step,
 * classified with vector compares, and a hash probe per word start cost ~100 ms for all of it.
 */

/** Flags of an event (`event & 3`); the position is `event >>> 2`. */
export const OTHER = 1;
export const TERM = 2;

/** Memory layout: three bitmaps of 2^20 bits, the event buffer, then the text. */
const BITMAP_BYTES = 1 << 17;
export const F4 = 0; // 4-byte prefixes of every term (first probe)
export const FS = F4 + BITMAP_BYTES; // terms whose literal start is shorter than 6 bytes
export const F68 = FS + BITMAP_BYTES; // 6-, 8- and 10-byte prefixes
export const EVENTS = F68 + BITMAP_BYTES;
/** Positions scanned per call: at most one event each, so the buffer never overflows. */
export const CHUNK = 1 << 16;
/** The text starts here, after 16 bytes that hold a space (so byte 0 is a word start). */
export const TEXT = EVENTS + 4 * CHUNK + 16;
/**
 * Zero bytes after the text: the kernel reads up to 16 bytes ahead, and a word-start probe up to
 * 42 (an empty probe reads at +32, ten bytes).
 */
export const TAIL = 64;

// Locals of `scan(from, to, base, out)`: parameters 0–3, then these.
const P = 4;
const N = 5;
const WSM = 6;
const EVM = 7;
const TERMM = 8;
const J = 9;
const Q = 10;
const K = 11;
const H = 12;
const ALL = 13;
const LIM = 14;
const V = 15; // this block's bytes
const V1 = 16; // the bytes one further
const SEPV = 17; // this block's separators
const NEXT = 18; // the next block's bytes
const SEPN = 19;
const DIGC = 20; // this block's digits
const DIGN = 21;
const PSEP = 22; // the previous block's separators
const PDIG = 23;
const DOTS = 24; // dots that may start an IPv4 tail
const COLS = 25; // colons that may be in an IPv6 address
const SCRATCH = 26;
const RUNS = 27; // run starts of three or more digits
const RSM = 28; // i32: run starts left to gate
const LEN = 29; // i32: a run's length
const FROM = 0;
const TO = 1;
const BASE = 2;
const OUT = 3;

/**
 * Probes the lowest word start left in `WSM` (if any: with none, the probe reads harmless bytes up
 * to 42 bytes ahead and its answer is dropped), marks it in `TERMM` when it may begin a term, and
 * clears it from `WSM`. No branch but the rare one on a 4-byte filter hit.
 */
function probeLowestWordStart(): Code[] {
  return [
    op.localGet(WSM),
    op.i32Ctz(),
    op.localSet(J),
    op.localGet(P),
    op.localGet(J),
    op.i32Add(),
    op.localTee(Q),
    op.i32Load(),
    op.localSet(K),
    ...probeTermStart({ F4, FS, F68 }, { K, Q, H }),
    op.localGet(WSM),
    op.i32Eqz(),
    op.i32Eqz(),
    op.i32And(),
    op.localGet(J),
    op.i32Shl(), // a shift of 32 (no word start) is a shift of 0 of a 0
    op.localGet(TERMM),
    op.i32Or(),
    op.localSet(TERMM),
    op.localGet(WSM),
    op.localGet(WSM),
    op.i32Const(1),
    op.i32Sub(),
    op.i32And(),
    op.localSet(WSM),
  ];
}

/**
 * `scan(from, to, base, out)`. Each block is classified once, one step ahead: the previous and
 * next blocks' separators and digits are kept in locals and shifted in with shuffles, instead of
 * loading and classifying the text again at offsets −1, +1 and +2.
 */
function kernelBody(): Code[] {
  return [
    op.localGet(FROM),
    op.localSet(P),
    op.localGet(P),
    op.v128Load(),
    op.localSet(V),
    ...isSeparator(V),
    op.localSet(SEPV),
    ...isDigit(op.localGet(V)),
    op.localSet(DIGC),
    // The 16 bytes before `from` (text, or the spaces before it).
    op.localGet(P),
    op.i32Const(16),
    op.i32Sub(),
    op.v128Load(),
    op.localSet(NEXT),
    ...isSeparator(NEXT),
    op.localSet(PSEP),
    ...isDigit(op.localGet(NEXT)),
    op.localSet(PDIG),
    op.block(),
    op.loop(),
    op.localGet(P),
    op.localGet(TO),
    op.i32GeU(),
    op.brIf(1),
    op.localGet(P),
    op.v128Load(16),
    op.localSet(NEXT),
    ...isSeparator(NEXT),
    op.localSet(SEPN),
    ...isDigit(op.localGet(NEXT)),
    op.localSet(DIGN),
    ...across(V, NEXT, 1),
    op.localSet(V1),
    // Word starts: a separator before, none here. Each goes to the scalar hash probes below: a
    // vector filter on the first two letters (two 64-entry tables, eight swizzles) let a fifth of
    // them through but cost more than the probes it saved (kernel 201 -> 184 ms per 200 MB
    // without it, once the ten-byte probe had cut the words that reach JavaScript).
    ...across(PSEP, SEPV, 15),
    op.localGet(SEPV),
    op.v128AndNot(),
    op.i8x16Bitmask(),
    op.localSet(WSM),
    ...eqByte(V, 0x2e),
    ...across(DIGC, DIGN, 1),
    op.v128And(),
    op.localSet(DOTS),
    ...narrowDots(DOTS, NEXT, DIGN, SCRATCH),
    ...eqByte(V, 0x3a),
    op.localSet(COLS),
    ...narrowColons(COLS, NEXT, SCRATCH),
    // Runs of three or more digits start here.
    op.localGet(DIGC),
    ...across(PDIG, DIGC, 15),
    op.v128AndNot(),
    ...across(DIGC, DIGN, 1),
    op.v128And(),
    ...across(DIGC, DIGN, 2),
    op.v128And(),
    op.localTee(RUNS),
    // Dots that may start an IPv4 tail, colons that may be in an IPv6 address, the rare anchors.
    op.localGet(DOTS),
    op.v128Or(),
    op.localGet(COLS),
    op.v128Or(),
    ...eqByte(V, 0x40),
    op.v128Or(),
    ...eqByte(V, 0x3c),
    op.v128Or(),
    // Lead bytes of characters that may not be letters: all but Cyrillic (D0, D1, D3, and D2
    // except U+0482–U+0489, signs and combining marks).
    op.localGet(V),
    splat(0xc0),
    op.i8x16GeU(),
    op.localGet(V),
    splat(0xfc),
    op.v128And(),
    splat(0xd0),
    op.i8x16Eq(), // D0–D3
    ...eqByte(V, 0xd2),
    op.localGet(V1),
    splat(0x82),
    op.i8x16Sub(),
    splat(8),
    op.i8x16LtU(),
    op.v128And(), // D2 82–D2 89
    op.v128AndNot(),
    op.v128AndNot(),
    op.v128Or(),
    op.i8x16Bitmask(),
    op.localSet(EVM),
    // The last block may reach past `to`.
    op.localGet(TO),
    op.localGet(P),
    op.i32Sub(),
    op.localTee(LIM),
    op.i32Const(16),
    op.i32LtU(),
    op.if(),
    op.i32Const(1),
    op.localGet(LIM),
    op.i32Shl(),
    op.i32Const(1),
    op.i32Sub(),
    op.localTee(LIM),
    op.localGet(WSM),
    op.i32And(),
    op.localSet(WSM),
    op.localGet(LIM),
    op.localGet(EVM),
    op.i32And(),
    op.localSet(EVM),
    op.end(),
    // Digit runs no detector can use are dropped (see `digit-run-gate.ts`).
    ...gateDigitRuns({ P, EVM, RUNS, DIGC, DIGN, RSM, J, Q, LEN, A: K }),
    // Word starts: probe the 4-byte filter; on a hit, the short-term and 6/8/10-byte filters.
    // The first two without a branch (87 % of blocks have at most two word starts), the rest
    // in a loop: a loop over all of them left it after a varying count, a mispredicted branch in
    // about every other block (kernel 180 -> 171 ms per 200 MB; one or three such probes: 177, 187).
    op.i32Const(0),
    op.localSet(TERMM),
    ...probeLowestWordStart(),
    ...probeLowestWordStart(),
    op.block(),
    op.loop(),
    op.localGet(WSM),
    op.i32Eqz(),
    op.brIf(1),
    op.localGet(WSM),
    op.i32Ctz(),
    op.localSet(J),
    op.localGet(WSM),
    op.localGet(WSM),
    op.i32Const(1),
    op.i32Sub(),
    op.i32And(),
    op.localSet(WSM),
    op.localGet(P),
    op.localGet(J),
    op.i32Add(),
    op.localTee(Q),
    op.i32Load(),
    op.localSet(K),
    ...probeTermStart({ F4, FS, F68 }, { K, Q, H }),
    op.if(),
    op.localGet(TERMM),
    op.i32Const(1),
    op.localGet(J),
    op.i32Shl(),
    op.i32Or(),
    op.localSet(TERMM),
    op.end(),
    op.br(0),
    op.end(),
    op.end(),
    // Emit (position << 2) | flags for every marked position, in order.
    op.localGet(EVM),
    op.localGet(TERMM),
    op.i32Or(),
    op.localSet(ALL),
    op.block(),
    op.loop(),
    op.localGet(ALL),
    op.i32Eqz(),
    op.brIf(1),
    op.localGet(ALL),
    op.i32Ctz(),
    op.localSet(J),
    op.localGet(ALL),
    op.localGet(ALL),
    op.i32Const(1),
    op.i32Sub(),
    op.i32And(),
    op.localSet(ALL),
    op.localGet(OUT),
    op.localGet(N),
    op.i32Const(2),
    op.i32Shl(),
    op.i32Add(),
    op.localGet(P),
    op.localGet(J),
    op.i32Add(),
    op.localGet(BASE),
    op.i32Sub(),
    op.i32Const(2),
    op.i32Shl(),
    op.localGet(TERMM),
    op.localGet(J),
    op.i32ShrU(),
    op.i32Const(1),
    op.i32And(),
    op.i32Const(1),
    op.i32Shl(),
    op.i32Or(),
    op.localGet(EVM),
    op.localGet(J),
    op.i32ShrU(),
    op.i32Const(1),
    op.i32And(),
    op.i32Or(),
    op.i32Store(),
    op.localGet(N),
    op.i32Const(1),
    op.i32Add(),
    op.localSet(N),
    op.br(0),
    op.end(),
    op.end(),
    // One block on: this block becomes the previous one, the next one this.
    op.localGet(SEPV),
    op.localSet(PSEP),
    op.localGet(DIGC),
    op.localSet(PDIG),
    op.localGet(SEPN),
    op.localSet(SEPV),
    op.localGet(DIGN),
    op.localSet(DIGC),
    op.localGet(NEXT),
    op.localSet(V),
    op.localGet(P),
    op.i32Const(16),
    op.i32Add(),
    op.localSet(P),
    op.br(0),
    op.end(),
    op.end(),
    op.localGet(N),
  ];
}

export const MODULE = encodeModule([
  {
    name: 'scan',
    params: [I32, I32, I32, I32],
    results: [I32],
    locals: [...Array<number>(11).fill(I32), ...Array<number>(13).fill(V128), I32, I32],
    body: kernelBody(),
  },
  {
    name: 'count',
    params: [I32, I32, I32],
    results: [I32],
    locals: [I32, I32, V128, I32, I32],
    body: countBody(),
  },
]);
