/**
 * Just enough of the WebAssembly binary format to write the scanner's byte kernel
 * (`byte-kernel.ts`) in TypeScript: one module, one imported memory, functions over i32 and v128
 * locals. Why not a `.wasm` file: the kernel stays readable and reviewable source, is built at
 * start-up in about a millisecond, and needs no toolchain beyond `tsc`.
 *
 * Opcodes are from the WebAssembly 2.0 specification (core and fixed-width SIMD); each helper
 * returns the encoded bytes of one instruction.
 */

export type Code = readonly number[];

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];

/** Instructions, named as in the text format (`i32.add` → `i32Add`). */
export const op = {
  block: (): Code => [0x02, 0x40],
  loop: (): Code => [0x03, 0x40],
  if: (): Code => [0x04, 0x40],
  /** An `if` whose arms leave an i32 on the stack. */
  ifI32: (): Code => [0x04, 0x7f],
  else: (): Code => [0x05],
  end: (): Code => [0x0b],
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
  localGet: (i: number): Code => [0x20, ...uleb(i)],
  localSet: (i: number): Code => [0x21, ...uleb(i)],
  localTee: (i: number): Code => [0x22, ...uleb(i)],
  /** Loads take an alignment hint of 1 byte: the kernel reads at any offset. */
  i32Load: (offset = 0): Code => [0x28, 0, ...uleb(offset)],
  i32Load8U: (offset = 0): Code => [0x2d, 0, ...uleb(offset)],
  i32Load16U: (offset = 0): Code => [0x2f, 0, ...uleb(offset)],
  i32Store: (offset = 0): Code => [0x36, 0, ...uleb(offset)],
  i32Const: (value: number): Code => [0x41, ...sleb(value)],
  i32Eqz: (): Code => [0x45],
  i32Eq: (): Code => [0x46],
  i32GeU: (): Code => [0x4f],
  i32LtU: (): Code => [0x49],
  i32Ctz: (): Code => [0x68],
  i32Popcnt: (): Code => [0x69],
  i32Add: (): Code => [0x6a],
  i32Sub: (): Code => [0x6b],
  i32Mul: (): Code => [0x6c],
  i32And: (): Code => [0x71],
  i32Or: (): Code => [0x72],
  i32Xor: (): Code => [0x73],
  i32Shl: (): Code => [0x74],
  i32ShrU: (): Code => [0x76],
  v128Load: (offset = 0): Code => simd(0x00, 0, ...uleb(offset)),
  /** A v128 constant with the same byte in every lane. */
  v128Splat8: (byte: number): Code => simd(0x0c, ...Array.from({ length: 16 }, () => byte & 0xff)),
  /** Lanes of `a ‖ b` chosen by 16 immediate indices (0–31). */
  i8x16Shuffle: (lanes: readonly number[]): Code => simd(0x0d, ...lanes),
  i8x16Splat: (): Code => simd(0x0f),
  /** Lanes of a 16-byte table chosen by the lanes of an index vector (0 beyond 15). */
  i8x16Swizzle: (): Code => simd(0x0e),
  i8x16Eq: (): Code => simd(0x23),
  i8x16LtU: (): Code => simd(0x26),
  i8x16GtS: (): Code => simd(0x27),
  i8x16GeU: (): Code => simd(0x2c),
  v128And: (): Code => simd(0x4e),
  /** `a & ~b` */
  v128AndNot: (): Code => simd(0x4f),
  v128Or: (): Code => simd(0x50),
  /** 1 when any lane is not zero. */
  v128AnyTrue: (): Code => simd(0x53),
  i8x16Bitmask: (): Code => simd(0x64),
  /** Shift every lane right (unsigned) by the i32 on the stack. */
  i8x16ShrU: (): Code => simd(0x6d),
  i8x16Sub: (): Code => simd(0x71),
} as const;

function section(id: number, body: Code): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: readonly Code[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** Extra locals after the parameters, by type. */
  readonly locals: readonly number[];
  readonly body: readonly Code[];
}

/**
 * A module that imports its memory as `env.memory` and exports `functions` by name. Each function
 * gets its own type entry (the kernel has one or two functions; no need to share types).
 */
export function encodeModule(functions: readonly FunctionDef[]): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vector(f.params.map((t) => [t])),
    ...vector(f.results.map((t) => [t])),
  ]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]];
  const exportsList = functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const bodies = functions.map((f) => {
    const locals = f.locals.map((t) => [...uleb(1), t]);
    const code = [...vector(locals), ...f.body.flat(), 0x0b];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(exportsList)),
    ...section(10, [...uleb(bodies.length), ...bodies.flat()]),
  ]);
}
