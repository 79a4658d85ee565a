import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../../../test/support/property-runs.js';
import { type Hash, leafHash, nodeHash } from './hash.js';
import {
  planConsistency,
  planInclusion,
  resolveProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './proofs.js';
import { referenceConsistency, referencePath, referenceRoot } from './test-support/reference.js';
import { buildTree, entriesOf } from './test-support/tiles.js';

const hexes = (proof: readonly Uint8Array[]) => proof.map((h) => Buffer.from(h).toString('hex'));

function flipBit(proof: readonly Hash[], node: number, bit: number): Hash[] {
  return proof.map((h, i) => {
    if (i !== node) return h;
    const copy = Buffer.from(h);
    copy[bit >> 3]! ^= 1 << (bit & 7);
    return copy;
  });
}

// One log shared by the properties: big enough to span full and partial tiles at level 0.
const LOG = entriesOf(1100);
const BUILT = buildTree(LOG, 37);

describe('inclusion proofs', () => {
  it('equal RFC 6962 PATH, verify, and fail when anything is tampered with (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: LOG.length })
          .chain((size) =>
            fc.tuple(
              fc.constant(size),
              fc.integer({ min: 0, max: size - 1 }),
              fc.nat(),
              fc.nat(255),
            ),
          ),
        ([size, index, pick, bit]) => {
          const proof = resolveProof(planInclusion(index, size), BUILT.lookup);
          const entries = LOG.slice(0, size);
          expect(hexes(proof)).toEqual(hexes(referencePath(index, entries)));
          const root = referenceRoot(entries);
          const leaf = leafHash(LOG[index]!);
          expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);

          expect(verifyInclusion(index, size, leafHash(Buffer.from('forged')), proof, root)).toBe(
            false,
          );
          if (proof.length > 0) {
            expect(
              verifyInclusion(index, size, leaf, flipBit(proof, pick % proof.length, bit), root),
            ).toBe(false);
            expect(verifyInclusion(index, size, leaf, proof.slice(1), root)).toBe(false);
          }
          expect(verifyInclusion(index, size, leaf, [...proof, leaf], root)).toBe(false);
          if (size > 1) {
            const other = (index + 1 + (pick % (size - 1))) % size;
            expect(verifyInclusion(other, size, leaf, proof, root)).toBe(false);
          }
          if (size < LOG.length) {
            // A proof is bound to its tree: it does not carry over to the next tree head.
            const next = referenceRoot(LOG.slice(0, size + 1));
            expect(verifyInclusion(index, size + 1, leaf, proof, next)).toBe(false);
          }
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('rejects impossible coordinates', () => {
    const leaf = leafHash(Buffer.from('x'));
    expect(rootFromInclusionProof(0, 1, leaf, [])).toEqual(leaf);
    expect(rootFromInclusionProof(1, 1, leaf, [])).toBeUndefined();
    expect(rootFromInclusionProof(-1, 4, leaf, [])).toBeUndefined();
    expect(rootFromInclusionProof(0, 4, leaf, [Buffer.alloc(31), leaf])).toBeUndefined();
    expect(() => planInclusion(5, 5)).toThrow(RangeError);
    expect(() => planInclusion(0, 0)).toThrow(RangeError);
  });

  it('is correct for sizes above 2^32 (plan only, no hashing)', () => {
    const size = 2 ** 40 + 12345;
    const ranges = planInclusion(size - 1, size);
    expect(ranges.at(-1)).toEqual({ start: 0, end: 2 ** 40 });
    let covered = 1;
    for (const range of ranges) covered += range.end - range.start;
    expect(covered).toBe(size);
  });
});

describe('consistency proofs', () => {
  it('equal RFC 6962 PROOF, verify, and fail when tampered with (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: LOG.length })
          .chain((to) =>
            fc.tuple(fc.integer({ min: 1, max: to }), fc.constant(to), fc.nat(), fc.nat(255)),
          ),
        ([from, to, pick, bit]) => {
          const proof = resolveProof(planConsistency(from, to), BUILT.lookup);
          expect(hexes(proof)).toEqual(hexes(referenceConsistency(from, LOG.slice(0, to))));
          const fromRoot = referenceRoot(LOG.slice(0, from));
          const toRoot = referenceRoot(LOG.slice(0, to));
          expect(verifyConsistency(from, to, fromRoot, toRoot, proof)).toBe(true);

          if (proof.length > 0) {
            expect(
              verifyConsistency(
                from,
                to,
                fromRoot,
                toRoot,
                flipBit(proof, pick % proof.length, bit),
              ),
            ).toBe(false);
            expect(verifyConsistency(from, to, fromRoot, toRoot, proof.slice(0, -1))).toBe(false);
          }
          // A rewritten history: same sizes, a different old tree.
          const forged = [...LOG.slice(0, from - 1), Buffer.from('rewritten')];
          expect(verifyConsistency(from, to, referenceRoot(forged), toRoot, proof)).toBe(false);
          if (from < to) {
            expect(verifyConsistency(from, to, fromRoot, nodeHash(toRoot, toRoot), proof)).toBe(
              false,
            );
          }
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('accepts only an empty proof between equal trees and refuses size 0', () => {
    const root = referenceRoot(LOG.slice(0, 5));
    expect(planConsistency(5, 5)).toEqual([]);
    expect(verifyConsistency(5, 5, root, root, [])).toBe(true);
    expect(verifyConsistency(5, 5, root, root, [root])).toBe(false);
    expect(verifyConsistency(0, 5, root, root, [])).toBe(false);
    expect(verifyConsistency(6, 5, root, root, [])).toBe(false);
    expect(() => planConsistency(0, 3)).toThrow(RangeError);
    expect(() => planConsistency(4, 3)).toThrow(RangeError);
  });
});
