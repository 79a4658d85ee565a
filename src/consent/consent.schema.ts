/** Request and response schemas of the consent API (validation, types and OpenAPI in one). */
import { Type, type Static } from 'typebox';
import { literalUnion } from '../http/schemas.js';
import { COLLECTION_METHODS, CONSENT_EVENT_TYPES, CONSENT_STATES } from './consent.model.js';
import { RELATIONS } from './guardians.js';

const text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Code = Type.String({ minLength: 1, maxLength: 100 });
const Country = Type.String({ pattern: '^[A-Z]{2}$' });
const Instant = Type.String({ format: 'date-time', maxLength: 40 });

export const Labels = Type.Object(
  { kk: text(2000), ru: text(2000), en: text(2000) },
  { additionalProperties: false },
);
export const Recipient = Type.Object(
  { identifier: Type.Optional(text(64)), name: text(300), country: Country },
  { additionalProperties: false },
);
export const IdParams = Type.Object({ id: Type.String({ maxLength: 40 }) });
export const ChildParams = Type.Object({ childId: Type.String({ maxLength: 40 }) });
export const ChildConsentParams = Type.Object({
  childId: Type.String({ maxLength: 40 }),
  id: Type.String({ maxLength: 40 }),
});

export const ConsentRequestCreate = Type.Object(
  {
    iin: Type.String({
      pattern: '^[0-9]{12}$',
      description: "The subject's IIN (never stored in clear)",
    }),
    // Each list is a set: a value named twice is the operator's mistake, refused (400 naming the
    // field) rather than shown twice to the citizen or folded silently.
    purposes: Type.Array(Code, { minItems: 1, maxItems: 20, uniqueItems: true }),
    categories: Type.Array(Code, { minItems: 1, maxItems: 20, uniqueItems: true }),
    recipients: Type.Optional(Type.Array(Recipient, { maxItems: 20, uniqueItems: true })),
    processingCountries: Type.Optional(Type.Array(Country, { maxItems: 20, uniqueItems: true })),
    storageCountries: Type.Optional(Type.Array(Country, { maxItems: 20, uniqueItems: true })),
    retention: Type.String({
      pattern: '^P(?=\\d)(\\d+Y)?(\\d+M)?(\\d+D)?$',
      maxLength: 20,
      description: 'ISO 8601 duration the data is kept after the consent ends, e.g. P5Y',
    }),
    validUntil: Instant,
    requestExpiresAt: Instant,
    message: Labels,
    language: Type.Optional(literalUnion(['kk', 'ru', 'en'] as const)),
    // A web page the citizen opens: http(s) only, never a javascript:, data: or file: URL.
    policyUrl: Type.String({
      format: 'uri',
      pattern: '^https?://',
      maxLength: 2000,
      description: "The controller's privacy policy, an http(s) URL",
    }),
    callbackUrl: Type.Optional(Type.String({ maxLength: 2000 })),
    collectionMethod: Type.Optional(literalUnion(COLLECTION_METHODS)),
  },
  { additionalProperties: false },
);
export type ConsentRequestCreateBody = Static<typeof ConsentRequestCreate>;

const Actor = Type.Object({ kind: Type.String() }, { additionalProperties: true });
export const ConsentEvent = Type.Object({
  id: Type.String(),
  type: literalUnion(CONSENT_EVENT_TYPES),
  at: Type.String(),
  actor: Actor,
  reason: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

const ConsentFields = {
  id: Type.String(),
  controller: Type.String(),
  systems: Type.Array(Type.String()),
  purposes: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  legalBasis: Type.Literal('consent'),
  recipients: Type.Array(Recipient),
  processingCountries: Type.Array(Type.String()),
  storageCountries: Type.Array(Type.String()),
  retention: Type.String(),
  validFrom: Type.Union([Type.String(), Type.Null()]),
  validUntil: Type.String(),
  requestExpiresAt: Type.String(),
  collectionMethod: Type.String(),
  language: Type.String(),
  policyUrl: Type.String(),
  withdrawalMethod: Type.String(),
  message: Labels,
  state: literalUnion(CONSENT_STATES),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
  events: Type.Array(ConsentEvent),
};

/** A declared ground that would refuse a withdrawal now (Law 94-V Art. 8). */
export const WithdrawalGround = Type.Object({
  reason: Labels,
  reference: Type.String(),
  validUntil: Type.Union([Type.String(), Type.Null()]),
});

/**
 * What the citizen sees: everything, their pseudonym included, and on a request or an active or
 * paused consent the ground that would refuse its withdrawal now, if one is declared.
 */
export const Consent = Type.Object({
  ...ConsentFields,
  subject: Type.String(),
  withdrawalGround: Type.Optional(WithdrawalGround),
});
export const EventReceipt = Type.Object({
  id: Type.String(),
  ledgerIndex: Type.Union([Type.Integer(), Type.Null()]),
});

export const Delivery = Type.Object({
  id: Type.String(),
  requestId: Type.String(),
  eventId: Type.String(),
  type: Type.String(),
  url: Type.String(),
  status: literalUnion(['pending', 'delivered', 'failed'] as const),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
});

/** What the requesting system sees: no pseudonym (it knows whom it asked). */
export const ConsentRequestView = Type.Object({
  ...ConsentFields,
  callbackUrl: Type.Union([Type.String(), Type.Null()]),
  deliveries: Type.Array(Delivery),
});

export const ActionOutcome = Type.Object({
  outcome: literalUnion(['accepted', 'refused'] as const),
  reason: Type.Optional(Type.Object({}, { additionalProperties: true })),
  consent: Consent,
  event: EventReceipt,
});

export const GuardianshipCreate = Type.Object(
  {
    guardianIin: Type.String({ pattern: '^[0-9]{12}$' }),
    childIin: Type.String({ pattern: '^[0-9]{12}$' }),
    relation: literalUnion(RELATIONS),
    reference: text(500),
  },
  { additionalProperties: false },
);
export type GuardianshipCreateBody = Static<typeof GuardianshipCreate>;

export const Child = Type.Object({
  childId: Type.String(),
  pseudonym: Type.String(),
  birthDate: Type.String(),
  /** The IIN's last four digits, which tell twins apart (never the whole number). */
  iinEnding: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
  comesOfAgeOn: Type.String(),
  relation: Type.String(),
  since: Type.String(),
});

export const GroundCreate = Type.Object(
  {
    systemId: Type.Optional(
      Type.String({ maxLength: 40, description: 'Regulator only; a system declares for itself' }),
    ),
    purpose: Code,
    reason: Labels,
    reference: text(500),
    validUntil: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export type GroundCreateBody = Static<typeof GroundCreate>;
export const Ground = Type.Object({
  id: Type.String(),
  systemId: Type.String(),
  purpose: Type.String(),
  reason: Labels,
  reference: Type.String(),
  declaredBy: Type.String(),
  declaredAt: Type.String(),
  validUntil: Type.Union([Type.String(), Type.Null()]),
});
