/** Request and response schemas of the registry API (validation, types and OpenAPI in one). */
import { Type, type Static } from 'typebox';
import { literalUnion } from '../http/schemas.js';
import { GROUND_KINDS, SECTORS, SYSTEM_KINDS, TRUST_STATUSES } from './registry.model.js';

const text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

export const Id = Type.String({ maxLength: 40 });
export const OperatorParams = Type.Object({ operatorId: Id });
export const SystemParams = Type.Object({ systemId: Id });

export const Labels = Type.Object(
  { kk: text(300), ru: text(300), en: text(300) },
  { additionalProperties: false, description: 'A name in Kazakh, Russian and English' },
);

export const Contact = Type.Object(
  {
    name: text(200, 'Person responsible for personal data'),
    position: text(200),
    email: Type.String({ format: 'email', maxLength: 254 }),
    phone: Type.String({ pattern: '^\\+?[0-9 ()-]{7,20}$', maxLength: 20 }),
  },
  { additionalProperties: false },
);

export const Sector = literalUnion(SECTORS);
export const SystemKind = literalUnion(SYSTEM_KINDS);
export const TrustStatus = literalUnion(TRUST_STATUSES);
export const RecordStatus = literalUnion(['active', 'suspended', 'revoked'] as const);

export const OperatorCreate = Type.Object(
  {
    identifier: Type.String({
      pattern: '^[0-9]{12}$',
      description: 'BIN, or IIN of an individual entrepreneur',
    }),
    name: Labels,
    sector: Sector,
    contact: Contact,
  },
  { additionalProperties: false },
);
export const OperatorPatch = Type.Object(
  { name: Type.Optional(Labels), sector: Type.Optional(Sector), contact: Type.Optional(Contact) },
  { additionalProperties: false, minProperties: 1 },
);

export const Operator = Type.Object(
  {
    id: Type.String(),
    identifierKind: literalUnion(['bin', 'iin'] as const),
    identifier: Type.String({ description: 'The BIN, or the IIN masked' }),
    name: Labels,
    sector: Sector,
    contact: Contact,
    status: RecordStatus,
    statusReason: Type.Union([Type.String(), Type.Null()]),
    version: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { description: 'An operator (personal-data controller)' },
);

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const IsoDateOrTime = Type.String({
  maxLength: 40,
  description: 'YYYY-MM-DD or an ISO-8601 date-time with zone',
});

export const GroundRecipient = Type.Object(
  {
    identifier: Type.Optional(text(64, 'BIN, or a foreign registration number')),
    name: text(300),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  },
  { additionalProperties: false },
);

export const LegalGround = Type.Object(
  {
    basis: literalUnion(GROUND_KINDS),
    reference: text(500, 'The legal act, court order, contract or regime decision'),
    purposes: Type.Array(text(64), { minItems: 1, maxItems: 50, uniqueItems: true }),
    validFrom: Type.Optional(Type.Union([IsoDateOrTime, Type.Null()])),
    validUntil: Type.Union([IsoDateOrTime, Type.Null()]),
    recipients: Type.Optional(
      Type.Array(GroundRecipient, {
        maxItems: 50,
        uniqueItems: true,
        description: 'Who data may be transferred to under this ground, with their countries',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Hosting = Type.Object(
  {
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
    dataCentre: text(200),
    onNationalPlatform: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const Connections = Type.Object(
  {
    accessControlSince: Type.Union([IsoDate, Type.Null()]),
    socSince: Type.Union([IsoDate, Type.Null()]),
  },
  { additionalProperties: false },
);

export const Biometric = Type.Object(
  {
    modalities: Type.Array(
      literalUnion(['face', 'fingerprint', 'voice', 'iris', 'palm'] as const),
      { minItems: 1, maxItems: 5, uniqueItems: true },
    ),
    locations: Type.Array(text(300), { minItems: 1, maxItems: 500 }),
    vendor: text(200),
    templateStorage: text(300),
  },
  { additionalProperties: false },
);

const systemFields = {
  name: text(200),
  description: Type.String({ maxLength: 2000 }),
  kind: SystemKind,
  // Declared purposes, categories and grounds are sets: a repeated one is refused by the schema
  // (400 request.validation naming the field) and, for input that does not come through a route,
  // by `checkSystemConsistency`.
  purposes: Type.Array(text(64), { minItems: 1, maxItems: 50, uniqueItems: true }),
  categories: Type.Array(text(32), { minItems: 1, maxItems: 20, uniqueItems: true }),
  legalGrounds: Type.Array(LegalGround, { maxItems: 50, uniqueItems: true }),
  hosting: Hosting,
  connections: Connections,
  trustStatus: TrustStatus,
  biometric: Type.Union([Biometric, Type.Null()]),
  clientCertSha256: Type.Union([Type.String({ pattern: '^[0-9a-f]{64}$' }), Type.Null()]),
};

export const SystemCreate = Type.Object(
  {
    operatorId: Type.String({ maxLength: 40 }),
    name: systemFields.name,
    description: systemFields.description,
    kind: systemFields.kind,
    purposes: systemFields.purposes,
    categories: systemFields.categories,
    legalGrounds: Type.Optional(systemFields.legalGrounds),
    hosting: systemFields.hosting,
    connections: Type.Optional(systemFields.connections),
    trustStatus: Type.Optional(systemFields.trustStatus),
    biometric: Type.Optional(systemFields.biometric),
    clientCertSha256: Type.Optional(systemFields.clientCertSha256),
  },
  { additionalProperties: false },
);

export const SystemPatch = Type.Object(
  {
    name: Type.Optional(systemFields.name),
    description: Type.Optional(systemFields.description),
    kind: Type.Optional(systemFields.kind),
    purposes: Type.Optional(systemFields.purposes),
    categories: Type.Optional(systemFields.categories),
    legalGrounds: Type.Optional(systemFields.legalGrounds),
    hosting: Type.Optional(systemFields.hosting),
    connections: Type.Optional(systemFields.connections),
    trustStatus: Type.Optional(systemFields.trustStatus),
    biometric: Type.Optional(systemFields.biometric),
    clientCertSha256: Type.Optional(systemFields.clientCertSha256),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const InformationSystem = Type.Object(
  {
    id: Type.String(),
    operatorId: Type.String(),
    ...systemFields,
    status: RecordStatus,
    statusReason: Type.Union([Type.String(), Type.Null()]),
    suspendedUntil: Type.Union([Type.String(), Type.Null()]),
    version: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { description: 'An information system registered by an operator' },
);

export const Certificate = Type.Object(
  {
    id: Type.String(),
    systemId: Type.String(),
    number: Type.String(),
    issuer: Type.String(),
    scope: Type.String(),
    validFrom: Type.String(),
    validUntil: Type.String({ description: 'Exclusive end of validity (UTC)' }),
    recordedAt: Type.String(),
    withdrawnAt: Type.Union([Type.String(), Type.Null()]),
    withdrawnReason: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'A certification record' },
);

export const CertificateCreate = Type.Object(
  {
    number: text(100),
    issuer: text(300),
    scope: text(1000),
    validFrom: IsoDateOrTime,
    validUntil: IsoDateOrTime,
  },
  { additionalProperties: false },
);

export const Credential = Type.Object(
  {
    id: Type.String(),
    systemId: Type.String(),
    prefix: Type.String({ description: 'Recognisable public part of the key' }),
    label: Type.String(),
    createdAt: Type.String(),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    state: literalUnion(['active', 'expiring', 'expired', 'revoked'] as const),
  },
  { description: 'An API key (metadata only)' },
);

const LabelsOut = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });

export const Standing = Type.Object(
  {
    systemId: Type.String(),
    mayAct: Type.Boolean(),
    reasons: Type.Array(Type.Object({ code: Type.String(), message: LabelsOut })),
    certified: Type.Union([Type.Boolean(), Type.Null()], { description: 'Biometric systems only' }),
    certificate: Type.Union([
      Type.Object({
        id: Type.String(),
        number: Type.String(),
        issuer: Type.String(),
        validUntil: Type.String(),
      }),
      Type.Null(),
    ]),
    at: Type.String(),
  },
  { description: 'Whether the system may act now, and why not' },
);

export const Change = Type.Object({
  id: Type.String({ description: 'History entry of this change' }),
  ledgerIndex: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Index of its commitment in the transparency log',
  }),
});

export const Reason = Type.Object({ reason: text(1000) }, { additionalProperties: false });
export const Suspension = Type.Object(
  {
    reason: text(1000),
    until: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const Paging = {
  cursor: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
};

export const HistoryEntry = Type.Object({
  id: Type.String(),
  entity: Type.String(),
  entityId: Type.String(),
  action: Type.String(),
  version: Type.Union([Type.Integer(), Type.Null()]),
  actor: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
  snapshot: Type.Unknown(),
  ledgerIndex: Type.Union([Type.Integer(), Type.Null()]),
});

export const pageOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Optional(Type.String()) });

export type OperatorCreateBody = Static<typeof OperatorCreate>;
export type OperatorPatchBody = Static<typeof OperatorPatch>;
export type SystemCreateBody = Static<typeof SystemCreate>;
export type SystemPatchBody = Static<typeof SystemPatch>;
