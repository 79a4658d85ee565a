/** Request and response schemas of the access routes (TypeBox: validation, types, OpenAPI). */
import { Type } from 'typebox';
import { literalUnion } from '../http/schemas.js';
import { ACCESS_ACTIONS } from './access.model.js';

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

const Labels = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });
const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' });
const Instant = Type.String({ format: 'date-time' });

export const Recipient = Type.Object(
  {
    identifier: Type.Optional(Text(64, 'A BIN, or a foreign registration number')),
    name: Text(300),
  },
  { additionalProperties: false },
);

export const CheckRequest = Type.Object(
  {
    subject: Type.String({ maxLength: 32, description: "The data subject's IIN" }),
    // A category named twice is a client's mistake, refused (400 naming the field) rather than
    // silently folded into one: the record must be what the caller meant to ask.
    categories: Type.Array(Text(64), { minItems: 1, maxItems: 32, uniqueItems: true }),
    purpose: Text(128),
    legalBasis: Text(64),
    basisReference: Type.Optional(Text(500, 'The act, court order or contract relied on')),
    actor: Type.Object(
      {
        id: Text(128, 'Opaque employee or process id; never an IIN'),
        iin: Type.Optional(
          Type.String({ maxLength: 32, description: "The employee's own IIN (pseudonymised)" }),
        ),
      },
      { additionalProperties: false },
    ),
    action: literalUnion(ACCESS_ACTIONS),
    recordCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
    recipient: Type.Optional(Recipient),
    country: Type.Optional(Country),
  },
  { additionalProperties: false },
);

export const BatchRequest = Type.Object(
  // The 1,000 limit is the service's, so an oversized batch gets its own precise problem.
  { checks: Type.Array(CheckRequest, { maxItems: 10_000 }) },
  { additionalProperties: false },
);

const ReasonDetail = Type.Object(
  {
    categories: Type.Optional(Type.Array(Type.String())),
    country: Type.Optional(Type.String()),
    consentId: Type.Optional(Type.String()),
    regimeId: Type.Optional(Type.String()),
    responseId: Type.Optional(Type.String()),
    restrictionId: Type.Optional(Type.String()),
    until: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);

export const Reason = Type.Object({
  code: Type.String(),
  message: Labels,
  detail: Type.Optional(ReasonDetail),
});

export const Basis = Type.Object({
  kind: Type.String(),
  reference: Type.Optional(Type.String()),
  groundReference: Type.Optional(Type.String()),
  consentId: Type.Optional(Type.String()),
  regimeId: Type.Optional(Type.String()),
});

export const CheckAnswer = Type.Object({
  decision: literalUnion(['permit', 'deny'] as const),
  reasons: Type.Array(Reason),
  checkId: Type.String(),
  ledgerIndex: Type.Union([Type.Integer(), Type.Null()], {
    description: 'null on a standby instance: the sequencer appends it within a second',
  }),
  basis: Basis,
});

export const BatchAnswer = Type.Object({ results: Type.Array(CheckAnswer) });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: '^[\\x21-\\x7e]{1,128}$',
      description:
        'Retry-safe request key, per system: a retry returns the first answer for the retention ' +
        '(a week by default), after which the key is forgotten and a retry is a new check. ' +
        'Only a keyed digest of it is stored.',
    }),
  ),
});

export const Receipt = Type.Object({
  index: Type.Integer(),
  type: Type.String(),
  record: Type.Object({}, { additionalProperties: true }),
  salt: Type.String(),
  entry: Type.String(),
  treeSize: Type.Integer(),
  inclusionProof: Type.Array(Type.String()),
  checkpoint: Type.String(),
});

const CheckCommon = {
  checkId: Type.String(),
  at: Type.String(),
  systemId: Type.String(),
  operatorId: Type.String(),
  action: Type.String(),
  purpose: Type.String(),
  categories: Type.Array(Type.String()),
  legalBasis: Type.String(),
  basisReference: Type.Optional(Type.String()),
  basis: Basis,
  decision: Type.String(),
  reasons: Type.Array(Reason),
  recordCount: Type.Optional(Type.Integer()),
  recipient: Type.Optional(Recipient),
  country: Type.Optional(Type.String()),
  ledgerIndex: Type.Union([Type.Integer(), Type.Null()]),
  receipt: Type.Union([Receipt, Type.Null()]),
};

export const CheckParams = Type.Object({ checkId: Type.String({ maxLength: 40 }) });

export const StoredCheck = Type.Object({
  ...CheckCommon,
  actor: Type.Object({ id: Type.String(), code: Type.String(), hasIin: Type.Boolean() }),
});

export const CitizenAccess = Type.Object({
  ...CheckCommon,
  /** Display names from the registry (not part of the committed record); absent for a removed system. */
  systemName: Type.Optional(Type.String()),
  operatorName: Type.Optional(Labels),
  actor: Type.Object({ code: Type.String({ description: 'Opaque per-operator code' }) }),
});

export const CitizenQuery = Type.Object(
  {
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    operatorId: Type.Optional(Type.String({ maxLength: 40 })),
    systemId: Type.Optional(Type.String({ maxLength: 40 })),
    purpose: Type.Optional(Type.String({ maxLength: 128 })),
    decision: Type.Optional(literalUnion(['permit', 'deny'] as const)),
    search: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Words every record shown must hold (case-insensitive, in any order): in the system or ' +
          'operator name (kk / ru / en) or id, the purpose or a category (code or name), the ' +
          'country (code or name), the basis reference or the recipient name. Up to 8 words.',
      }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);

export const CitizenPage = Type.Object({
  items: Type.Array(CitizenAccess),
  next: Type.Union([Type.String(), Type.Null()]),
});

export const RegimeCreate = Type.Object(
  {
    name: Text(300),
    act: Text(500, 'The legal act that opens the regime'),
    systems: Type.Array(Type.String({ maxLength: 40 }), {
      minItems: 1,
      maxItems: 1000,
      uniqueItems: true,
    }),
    purposes: Type.Array(Text(128), { minItems: 1, maxItems: 100, uniqueItems: true }),
    categories: Type.Array(Text(64), { minItems: 1, maxItems: 32, uniqueItems: true }),
    start: Instant,
    end: Instant,
  },
  { additionalProperties: false },
);

export const Regime = Type.Object({
  id: Type.String(),
  name: Type.String(),
  act: Type.String(),
  systems: Type.Array(Type.String()),
  purposes: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  start: Type.String(),
  end: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String(),
  state: literalUnion(['scheduled', 'in-force', 'ended'] as const),
});

export const Change = Type.Object({
  id: Type.String(),
  ledgerIndex: Type.Union([Type.Integer(), Type.Null()]),
});

export const RegimeList = Type.Object({ regimes: Type.Array(Regime) });
export const RegimeChanged = Type.Object({ regime: Regime, change: Change });
export const RegimeParams = Type.Object({ regimeId: Type.String({ maxLength: 40 }) });

export const AdequacyList = Type.Object({
  countries: Type.Array(Type.String()),
  changes: Type.Array(
    Type.Object({
      country: Type.String(),
      adequate: Type.Integer(),
      changed_by: Type.String(),
      changed_at: Type.String(),
    }),
  ),
});
export const AdequacyParams = Type.Object({ country: Country });
export const AdequacyBody = Type.Object(
  { adequate: Type.Boolean() },
  { additionalProperties: false },
);
export const AdequacyChanged = Type.Object({
  country: Type.String(),
  adequate: Type.Boolean(),
  /** null when the list already said so: nothing was written. */
  change: Type.Union([Change, Type.Null()]),
});
