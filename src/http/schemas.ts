/** Schemas shared by every module's routes. */
import { type TLiteral, type TUnion, Type } from 'typebox';

/** RFC 9457 problem details as this server sends them. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'urn:qalqan:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(
      Type.String({ description: 'The route template, e.g. /v1/registry/operators/{id}' }),
    ),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    requestId: Type.String(),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          in: Type.String(),
          field: Type.String(),
          message: Type.String(),
          index: Type.Optional(
            Type.Integer({ description: "A batch's refused entry: its place in the batch" }),
          ),
          code: Type.Optional(
            Type.String({ description: "A batch's refused entry: the code it alone would get" }),
          ),
          id: Type.Optional(
            Type.String({ description: 'The live entry a refused entry collides with' }),
          ),
        }),
      ),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);

/** The TypeBox type of `literalUnion(values)`: one literal schema per value, in order. */
export type TLiteralUnion<Values extends readonly string[]> = TUnion<{
  -readonly [K in keyof Values]: TLiteral<Values[K]>;
}>;

/**
 * A union of string literals whose static type is the union of the values (`'a' | 'b'`), not
 * `never`: `Type.Union(values.map(Type.Literal))` loses the tuple, so this rebuilds it at the type
 * level. The schema is the same `anyOf` of `const`s.
 */
export function literalUnion<const Values extends readonly string[]>(
  values: Values,
): TLiteralUnion<Values> {
  // map() cannot carry a tuple's element types; the mapped type above restates them exactly.
  return Type.Union(values.map((value) => Type.Literal(value))) as unknown as TLiteralUnion<Values>;
}
