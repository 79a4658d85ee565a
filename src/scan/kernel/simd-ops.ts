import { op, type Code } from './wasm-encoder.js';

/** Lane-wise building blocks of the byte kernel, over v128 locals. */

export const splat = op.v128Splat8;

/** Lanes `from … from + 15` of the 32 bytes `a ‖ b` (a shift across two blocks). */
export const across = (a: number, b: number, from: number): Code[] => [
  op.localGet(a),
  op.localGet(b),
  op.i8x16Shuffle(Array.from({ length: 16 }, (_, i) => from + i)),
];
/** `x` is an ASCII digit, lane-wise (x − '0' < 10 unsigned). */
export const isDigit = (x: Code): Code[] => [
  x,
  splat(0x30),
  op.i8x16Sub(),
  splat(10),
  op.i8x16LtU(),
];
/** `local` is ASCII but not a letter or digit: a separator before a word. */
export const isSeparator = (local: number): Code[] => [
  op.localGet(local),
  splat(0xff),
  op.i8x16GtS(), // ASCII: > −1 as a signed byte
  ...isDigit(op.localGet(local)),
  op.v128AndNot(),
  op.localGet(local),
  splat(0x20),
  op.v128Or(), // lower case
  splat(0x61),
  op.i8x16Sub(),
  splat(26),
  op.i8x16LtU(),
  op.v128AndNot(),
];
export const eqByte = (local: number, byte: number): Code[] => [
  op.localGet(local),
  splat(byte),
  op.i8x16Eq(),
];
