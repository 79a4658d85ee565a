import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { KeyIndex } from './key-index.js';

/**
 * The plain model is a `Map` from key to slot. A tiny starting capacity makes runs wrap around
 * the table, collide at home positions and grow, which is where deletion's back-shift can go wrong.
 */
describe('KeyIndex', () => {
  it('agrees with a Map through inserts, deletes and growth', () => {
    const op = fc.record({
      insert: fc.boolean(),
      key: fc.oneof(
        fc.constantFrom('', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
        fc.string({ maxLength: 4 }),
      ),
    });
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 300 }),
        fc.integer(),
        fc.constantFrom(1, 2, 4),
        (ops, seed, capacity) => {
          const keys: (string | null)[] = [];
          const free: number[] = [];
          const index = new KeyIndex(keys, capacity, seed);
          const model = new Map<string, number>();
          for (const { insert, key } of ops) {
            const slot = index.find(key);
            expect(slot).toBe(model.get(key) ?? -1);
            if (insert && slot === -1) {
              const fresh = free.pop() ?? keys.length;
              keys[fresh] = key;
              index.insert(fresh);
              model.set(key, fresh);
            } else if (!insert && slot !== -1) {
              index.delete(key, slot);
              keys[slot] = null;
              free.push(slot);
              model.delete(key);
            }
            expect(index.size).toBe(model.size);
          }
          for (const [key, slot] of model) expect(index.find(key)).toBe(slot);
        },
      ),
      { numRuns: 500 },
    );
  });
});
