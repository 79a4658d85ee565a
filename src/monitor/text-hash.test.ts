import { describe, expect, it } from 'vitest';
import { seededTextHash } from './text-hash.js';

/** FNV-1a from a seed, the values' hash before: the reference the attack below defeats. */
function fnv1a(seed: number, text: string): number {
  let hash = seed;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/**
 * 4,096 actor ids an operator could send: three characters, each one of 16 that share their low
 * 12 bits ('a' and U+1061, U+2061, …). Under FNV-1a the low 12 bits of the hash depend only on the
 * low 12 bits of each character and of the seed.
 */
const chosen: string[] = [];
for (let a = 0; a < 16; a++)
  for (let b = 0; b < 16; b++)
    for (let c = 0; c < 16; c++)
      chosen.push(
        `actor-${String.fromCharCode(0x61 + (a << 12), 0x62 + (b << 12), 0x63 + (c << 12))}`,
      );
const SLOTS = 4096;
const slotsUsed = (hash: (text: string) => number) =>
  new Set(chosen.map((text) => hash(text) & (SLOTS - 1))).size;

describe('seededTextHash', () => {
  it('spreads texts chosen to share a slot as random texts spread, whatever the seed', () => {
    for (const seed of [0, 1, 0x2545f491, 0x7fffffff, -1]) {
      // The attack works on FNV-1a: every chosen text in one slot of a 4,096-slot table.
      expect(slotsUsed((text) => fnv1a(seed, text))).toBe(1);
      // 4,096 random keys in 4,096 slots fill about 1 - 1/e of them (2,589).
      expect(slotsUsed((text) => seededTextHash(seed, text))).toBeGreaterThan(2400);
    }
  });
});
