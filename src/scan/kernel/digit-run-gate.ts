import { op, type Code } from './wasm-encoder.js';

/**
 * The kernel's filter on digit runs: the run starts in a block are dropped from its events unless
 * the run's length and the bytes around it leave some digit-run detector a use for it. Chat text
 * is full of runs no detector wants (a date's year, «15000», «100%», «8(7272)»): of 780 000 runs
 * per 200 MB of the benchmark's text, 215 000 are kept. Dropping them here rather than in
 * JavaScript saves the event and the call for each (detect 286 -> 268 ms per 200 MB; a test in
 * JavaScript before the detectors saved 20 ms of the 40).
 *
 * Each clause is the first thing some detector checks, loosened where the kernel would need more
 * than a few bytes, so every run a detector could act on is kept (the detectors check again).
 * When a detector's first check changes, its clause here must too: the property tests in
 * `one-pass.test.ts` compare the kernel and the detectors with a reference that calls every
 * detector on every run, and were checked to fail when any clause is narrowed.
 *
 * A run is kept when any of these holds (`b` the byte before, `b2` the one before that, `a` the
 * byte after the run, `a2` the one after that, `c0 c1` its first two digits):
 * - eight digits or more: IIN and BIN (12, `national-id.ts`), cards (13–19, `card.ts`), ID cards
 *   (9) and passports (8 after N or Н, `documents.ts`), and runs longer than the 32 bytes the
 *   kernel sees, whose length it cannot tell;
 * - three digits and `a` a space, a capital or D0 (plates, `vehicle.ts`: a series letter after at
 *   most a space);
 * - four digits, `a` a space or dash and `a2` a digit (a printed card's first group);
 * - `b` a capital (IBANs, `iban.ts`, and VINs, which end in digits after a capital), or `b` a space
 *   after a capital or digit (the groups of a printed IBAN);
 * - `c0 c1` = `87` (`phone.ts`: the prefix glued to the operator code), or `7` then the operator
 *   code's second digit `0 4 6 7 8` (`77` also covers «+77…»).
 */
export interface GateLocals {
  /** Block start (i32). */
  readonly P: number;
  /** Event bits of the block (i32), updated in place. */
  readonly EVM: number;
  /** The block's run starts (v128, lanes of 0xff). */
  readonly RUNS: number;
  /** This and the next block's digits (v128). */
  readonly DIGC: number;
  readonly DIGN: number;
  /** Scratch i32 locals. */
  readonly RSM: number;
  readonly J: number;
  readonly Q: number;
  readonly LEN: number;
  readonly A: number;
}

const inRange = (x: readonly Code[], lo: number, count: number): Code[] => [
  ...x,
  op.i32Const(lo),
  op.i32Sub(),
  op.i32Const(count),
  op.i32LtU(),
];
const equals = (x: readonly Code[], c: number): Code[] => [...x, op.i32Const(c), op.i32Eq()];

export function gateDigitRuns(l: GateLocals): Code[] {
  const at = (offset: number): Code[] =>
    offset >= 0
      ? [op.localGet(l.Q), op.i32Load8U(offset)]
      : [op.localGet(l.Q), op.i32Const(-offset), op.i32Sub(), op.i32Load8U()];
  const after = (extra: number): Code[] => [
    op.localGet(l.Q),
    op.localGet(l.LEN),
    op.i32Add(),
    op.i32Load8U(extra),
  ];
  const a: Code[] = [op.localGet(l.A)];
  const keep: Code[] = [
    op.localGet(l.LEN),
    op.i32Const(8),
    op.i32GeU(),
    // plates
    ...equals([op.localGet(l.LEN)], 3),
    ...equals(a, 32),
    ...inRange(a, 65, 26),
    op.i32Or(),
    ...equals(a, 0xd0),
    op.i32Or(),
    op.i32And(),
    op.i32Or(),
    // a printed card's first group
    ...equals([op.localGet(l.LEN)], 4),
    ...equals(a, 32),
    ...equals(a, 45),
    op.i32Or(),
    op.i32And(),
    ...inRange(after(1), 48, 10),
    op.i32And(),
    op.i32Or(),
    // IBANs and VINs
    ...inRange(at(-1), 65, 26),
    op.i32Or(),
    ...equals(at(-1), 32),
    ...inRange(at(-2), 65, 26),
    ...inRange(at(-2), 48, 10),
    op.i32Or(),
    op.i32And(),
    op.i32Or(),
    // phones
    ...equals(at(0), 56),
    ...equals(at(1), 55),
    op.i32And(),
    op.i32Or(),
    ...equals(at(0), 55),
    ...[48, 52, 54, 55, 56].flatMap((d, i) => [
      ...equals(at(1), d),
      ...(i > 0 ? [op.i32Or()] : []),
    ]),
    op.i32And(),
    op.i32Or(),
  ];
  return [
    op.localGet(l.RUNS),
    op.i8x16Bitmask(),
    op.localGet(l.EVM), // already cut at the end of the range
    op.i32And(),
    op.localSet(l.RSM),
    op.block(),
    op.loop(),
    op.localGet(l.RSM),
    op.i32Eqz(),
    op.brIf(1),
    op.localGet(l.RSM),
    op.i32Ctz(),
    op.localSet(l.J),
    op.localGet(l.RSM),
    op.localGet(l.RSM),
    op.i32Const(1),
    op.i32Sub(),
    op.i32And(),
    op.localSet(l.RSM),
    op.localGet(l.P),
    op.localGet(l.J),
    op.i32Add(),
    op.localSet(l.Q),
    // The run's length: the digits of this block and the next as 32 bits, counted from J.
    op.localGet(l.DIGC),
    op.i8x16Bitmask(),
    op.localGet(l.DIGN),
    op.i8x16Bitmask(),
    op.i32Const(16),
    op.i32Shl(),
    op.i32Or(),
    op.localGet(l.J),
    op.i32ShrU(),
    op.i32Const(-1),
    op.i32Xor(),
    op.i32Ctz(),
    op.localSet(l.LEN),
    ...after(0),
    op.localSet(l.A),
    ...keep,
    op.i32Eqz(),
    op.if(),
    op.localGet(l.EVM),
    op.i32Const(1),
    op.localGet(l.J),
    op.i32Shl(),
    op.i32Const(-1),
    op.i32Xor(),
    op.i32And(),
    op.localSet(l.EVM),
    op.end(),
    op.br(0),
    op.end(),
    op.end(),
  ];
}
