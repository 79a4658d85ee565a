/** Schemas shared by every module's routes. */
import { Type } from 'typebox';

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
      Type.Array(Type.Object({ in: Type.String(), field: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);
