import { across, eqByte } from './simd-ops.js';
import { op, type Code } from './wasm-encoder.js';

/**
 * The kernel's IP anchors, narrowed to the shapes that can start an address. Chat text is full of
 * dots before digits (dates «12.05.2024», amounts, versions) and colons (times «12:30»): on the
 * benchmark's 200 MB, 390 000 dots and 190 000 colons reached JavaScript, and none of them began
 * an address. Both detectors reject such anchors at once without any effect on later ones (they
 * return −1 and the search does not skip ahead), so dropping them in the kernel changes no
 * result; the property tests in `one-pass.test.ts` check it against a whole-text search.
 *
 * The checks run only in blocks that hold such an anchor (`v128.any_true`), 3 % of blocks.
 */

/**
 * `dots`: this block's dots before a digit, narrowed in place to those that can start an IPv4
 * tail `.d{1,3}.d{1,3}.d{1,3}` (what `ipv4At` matches first): another dot before a digit two to
 * four bytes on, and a third four to eight bytes on. `next` and `nextDigits` are the next block's
 * bytes and digits; `scratch` a v128 local.
 */
export function narrowDots(
  dots: number,
  next: number,
  nextDigits: number,
  scratch: number,
): Code[] {
  const anyOf = (from: number, to: number): Code[] => [
    ...across(dots, scratch, from),
    ...Array.from({ length: to - from }, (_, i) => [
      ...across(dots, scratch, from + i + 1),
      op.v128Or(),
    ]).flat(),
  ];
  return [
    op.localGet(dots),
    op.v128AnyTrue(),
    op.if(),
    // The next block's dots before a digit, in its first eight lanes (lane 15 would need the
    // block after it, and is never read).
    ...eqByte(next, 0x2e),
    op.localGet(nextDigits),
    op.localGet(nextDigits),
    op.i8x16Shuffle(Array.from({ length: 16 }, (_, i) => i + 1)),
    op.v128And(),
    op.localSet(scratch),
    op.localGet(dots),
    ...anyOf(2, 4),
    op.v128And(),
    ...anyOf(4, 8),
    op.v128And(),
    op.localSet(dots),
    op.end(),
  ];
}

/**
 * `colons`: this block's colons, narrowed in place to those with another colon one to five bytes
 * on, which `ipv6At` requires before it reads anything. `next` is the next block's bytes;
 * `scratch` a v128 local.
 */
export function narrowColons(colons: number, next: number, scratch: number): Code[] {
  return [
    op.localGet(colons),
    op.v128AnyTrue(),
    op.if(),
    ...eqByte(next, 0x3a),
    op.localSet(scratch),
    op.localGet(colons),
    ...across(colons, scratch, 1),
    ...[2, 3, 4, 5].flatMap((k) => [...across(colons, scratch, k), op.v128Or()]),
    op.v128And(),
    op.localSet(colons),
    op.end(),
  ];
}
