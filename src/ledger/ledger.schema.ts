/** TypeBox schemas of the ledger's JSON routes (validation, types and OpenAPI in one place). */
import { Type } from 'typebox';

const MAX_INDEX = Number.MAX_SAFE_INTEGER;

const Base64Hash = Type.String({
  description: 'SHA-256 hash, standard base64',
  minLength: 44,
  maxLength: 44,
  pattern: '^[A-Za-z0-9+/]{43}=$',
});

export const InclusionQuery = Type.Object(
  {
    index: Type.Integer({ minimum: 0, maximum: MAX_INDEX, description: 'Leaf index' }),
    size: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_INDEX,
        description: 'Tree size of the checkpoint to prove against; default the latest',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ConsistencyQuery = Type.Object(
  {
    from: Type.Integer({ minimum: 1, maximum: MAX_INDEX, description: 'Size of the older tree' }),
    to: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_INDEX,
        description: 'Size of the newer tree; default the latest',
      }),
    ),
  },
  { additionalProperties: false },
);

export const InclusionProofSchema = Type.Object(
  {
    index: Type.Integer(),
    size: Type.Integer(),
    hashes: Type.Array(Base64Hash, {
      maxItems: 64,
      description: 'Audit path, bottom up (RFC 9162 §2.1.3)',
    }),
  },
  { description: 'RFC 9162 inclusion proof' },
);

export const ConsistencyProofSchema = Type.Object(
  {
    from: Type.Integer(),
    to: Type.Integer(),
    hashes: Type.Array(Base64Hash, {
      maxItems: 128,
      description: 'RFC 9162 §2.1.4 consistency proof',
    }),
  },
  { description: 'RFC 9162 consistency proof' },
);

export const TextBody = Type.String({ maxLength: 4096 });
export const BinaryBody = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' });
