import { op, type Code } from './wasm-encoder.js';

/**
 * The kernel's hashed prefix filters on word starts: 20-bit hashes of a word's first 4, 6, 8 and
 * 10 bytes (little-endian 32-bit words), computed the same way here for registering term starts
 * (`byte-kernel.ts`) and in the kernel for probing them.
 */
const MULTIPLIER = 0x9e3779b1 | 0;
const M6 = 0x27d4eb2f | 0;
const M8 = 0x165667b1 | 0;
const M10 = 0x61c88647 | 0;

export function hash4(k: number): number {
  return Math.imul(k, MULTIPLIER) >>> 12;
}
export function hash6(k: number, k2: number): number {
  return Math.imul((k + Math.imul(k2 & 0xffff, M6)) | 0, MULTIPLIER) >>> 12;
}
export function hash8(k: number, k2: number): number {
  return Math.imul((k + Math.imul(k2, M8)) | 0, MULTIPLIER) >>> 12;
}
export function hash10(k: number, k2: number, k3: number): number {
  return Math.imul((k + Math.imul(k2, M8) + Math.imul(k3 & 0xffff, M10)) | 0, MULTIPLIER) >>> 12;
}

/** Bit `h` of the bitmap at `base`, as 0 or 1 (the hash is on the stack; `h` a scratch local). */
const bitAt = (base: number, h: number, hash: readonly Code[]): Code[] => [
  ...hash,
  op.localTee(h),
  op.i32Const(3),
  op.i32ShrU(),
  op.i32Load8U(base),
  op.localGet(h),
  op.i32Const(7),
  op.i32And(),
  op.i32ShrU(),
  op.i32Const(1),
  op.i32And(),
];
const hashOf = (key: readonly Code[]): Code[] => [
  ...key,
  op.i32Const(MULTIPLIER),
  op.i32Mul(),
  op.i32Const(12),
  op.i32ShrU(),
];

/**
 * Whether the word starting at local `Q` (its first four bytes in local `K`) may begin a term:
 * its 4-byte hash is in `F4`, and then its 4-byte hash in `FS` (terms shorter than six bytes) or
 * its 6-, 8- or 10-byte hash in `F68`. Leaves 0 or 1 on the stack.
 */
export function probeTermStart(
  bitmaps: { readonly F4: number; readonly FS: number; readonly F68: number },
  locals: { readonly K: number; readonly Q: number; readonly H: number },
): Code[] {
  const { F4, FS, F68 } = bitmaps;
  const { K, Q, H } = locals;
  const k8 = [
    op.localGet(K),
    op.localGet(Q),
    op.i32Load(4),
    op.i32Const(M8),
    op.i32Mul(),
    op.i32Add(),
  ];
  return [
    ...bitAt(F4, H, hashOf([op.localGet(K)])),
    op.ifI32(),
    ...bitAt(FS, H, hashOf([op.localGet(K)])),
    ...bitAt(
      F68,
      H,
      hashOf([
        op.localGet(K),
        op.localGet(Q),
        op.i32Load16U(4),
        op.i32Const(M6),
        op.i32Mul(),
        op.i32Add(),
      ]),
    ),
    op.i32Or(),
    ...bitAt(F68, H, hashOf(k8)),
    op.i32Or(),
    ...bitAt(
      F68,
      H,
      hashOf([...k8, op.localGet(Q), op.i32Load16U(8), op.i32Const(M10), op.i32Mul(), op.i32Add()]),
    ),
    op.i32Or(),
    op.else(),
    op.i32Const(0),
    op.end(),
  ];
}
