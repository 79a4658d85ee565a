import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { literalUnion } from './schemas.js';

describe('literalUnion', () => {
  const COLOURS = ['red', 'green'] as const;
  const Colour = literalUnion(COLOURS);

  it('infers the union of its values, not never', () => {
    expectTypeOf<Static<typeof Colour>>().toEqualTypeOf<'red' | 'green'>();
    expectTypeOf<Static<typeof Colour>>().not.toBeNever();
    const _Inline = literalUnion(['a', 'b', 'c']);
    expectTypeOf<Static<typeof _Inline>>().toEqualTypeOf<'a' | 'b' | 'c'>();
    const _InObject = Type.Object({ colour: Colour });
    expectTypeOf<Static<typeof _InObject>>().toEqualTypeOf<{ colour: 'red' | 'green' }>();
  });

  it('validates exactly its values', () => {
    expect(Value.Check(Colour, 'red')).toBe(true);
    expect(Value.Check(Colour, 'green')).toBe(true);
    expect(Value.Check(Colour, 'blue')).toBe(false);
    expect(Value.Check(Colour, 1)).toBe(false);
  });

  it('is an anyOf of consts, as the OpenAPI document showed before', () => {
    expect(JSON.parse(JSON.stringify(Colour))).toEqual({
      anyOf: [
        { const: 'red', type: 'string' },
        { const: 'green', type: 'string' },
      ],
    });
  });
});
