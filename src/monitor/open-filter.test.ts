import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { OpenFilter } from './open-filter.js';

describe('OpenFilter', () => {
  it('never misses a text held, and holds nothing once every text is removed (plain count model)', () => {
    const op = fc.record({
      add: fc.boolean(),
      text: fc.oneof(fc.constantFrom('s-1', 's-2', 's-3', 'psn-42', ''), fc.string()),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (ops, bits) => {
        // Few bits: collisions are the rule, not the exception.
        const filter = new OpenFilter(bits);
        const model = new Map<string, number>();
        for (const { add, text } of ops) {
          const held = model.get(text) ?? 0;
          if (add) {
            filter.add(text);
            model.set(text, held + 1);
          } else if (held > 0) {
            filter.remove(text);
            if (held === 1) model.delete(text);
            else model.set(text, held - 1);
          }
          for (const [value] of model) expect(filter.mayHold(value)).toBe(true);
        }
        for (const [value, count] of model) for (let i = 0; i < count; i += 1) filter.remove(value);
        for (const { text } of ops) expect(filter.mayHold(text)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('tells most texts apart at the default size', () => {
    const filter = new OpenFilter();
    for (let i = 0; i < 100_000; i += 1) filter.add(`psn-${i}`);
    let collisions = 0;
    for (let i = 100_000; i < 200_000; i += 1) if (filter.mayHold(`psn-${i}`)) collisions += 1;
    expect(collisions).toBeLessThan(15_000);
  });
});
