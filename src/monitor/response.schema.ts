/** Request and response schemas of the monitoring centre's reference-data, response and incident routes. */
import { Type } from 'typebox';
import { literalUnion } from '../http/schemas.js';
import { MAX_STAFF_BATCH } from './reference-lists.store.js';

/**
 * Free text. PostgreSQL text cannot hold U+0000; the HTTP shell refuses it with a 400 in every JSON
 * string, key and URL parameter before any route runs (`http/body-parsers.ts`), so no pattern here
 * (`response.input.test.ts` holds each field of this file to that).
 */
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const NullableString = Type.Union([Type.String(), Type.Null()]);
/** What a removal answers: 204 and no body, as the API description must say (clients read it). */
export const Removed = { 204: Type.Null({ description: 'Removed' }) };
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
const Labels = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });
/** Registry names now (looked up when answering; the stored record keeps the ids). */
const SystemNames = {
  systemName: Type.Optional(Type.String({ description: "The system's registry name now" })),
  operatorName: Type.Optional(Labels),
};
/** Ids are printable ASCII without spaces (`rsp_…`, `bulk-harvesting-critical:chk_…`). */
const Id = Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' });
/**
 * An operator's or a system's id (`op_…`, `sys_…`), as the registry and every row naming one hold
 * it (`varchar(40)`): a longer id in a reference path was stored by SQLite and refused by
 * PostgreSQL with a 500 before changes asked the registry whether the operator exists; it is
 * still refused here, before any look-up.
 */
const RegistryId = Type.String({ minLength: 1, maxLength: 40, pattern: '^[\\x21-\\x7e]+$' });
/** An alert id (`<rule>:<event>`, up to 229 characters) as `monitor_alerts.id` holds it. */
const AlertId = Type.String({ minLength: 1, maxLength: 300, pattern: '^[\\x21-\\x7e]+$' });
/** A case id (`case_<ulid>`), as `monitor_cases.id` and the rows naming a case hold it. */
const CaseId = Type.String({ minLength: 1, maxLength: 40, pattern: '^[\\x21-\\x7e]+$' });
const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 100 });

// ---- reference data

export const WatchedCreate = Type.Object(
  {
    iin: Type.String({
      maxLength: 32,
      description: "The subject's IIN: pseudonymised at once, never stored or echoed",
    }),
    label: Type.Optional(Text(200, 'A short label for analysts; never an IIN')),
  },
  { additionalProperties: false },
);
export const WatchedEntry = Type.Object({
  id: Type.String(),
  list: literalUnion(['honeytoken', 'protected-person'] as const),
  subject: Type.String({ description: 'The pseudonym' }),
  label: NullableString,
  addedAt: Type.String(),
  addedBy: Type.String(),
});
export const WatchedList = Type.Object({ items: Type.Array(WatchedEntry) });
export const EntryParams = Type.Object({ entryId: Id });
export const OperatorParams = Type.Object({ operatorId: RegistryId });
export const TerminatedParams = Type.Object({ operatorId: RegistryId, actorId: Text(128) });

export const WorkingHoursBody = Type.Object(
  {
    timeZone: Text(64, 'IANA time zone, e.g. Asia/Almaty'),
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      description:
        'ISO weekdays worked, 1 = Monday, each once (a repeat is 400 monitor.invalid_working_hours naming it)',
    }),
    start: Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'HH:MM local' }),
    end: Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'HH:MM local, after start' }),
  },
  { additionalProperties: false },
);
export const WorkingHoursView = Type.Object({
  operatorId: Type.String(),
  timeZone: Type.String(),
  days: Type.Array(Type.Integer()),
  start: Type.String(),
  end: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
export const TerminatedCreate = Type.Object(
  {
    actorId: Text(128, "The operator's opaque employee id; never an IIN"),
    terminatedAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export const TerminatedEntry = Type.Object({
  id: Type.String(),
  operatorId: Type.String(),
  actorId: Type.String(),
  terminatedAt: Type.String(),
  addedAt: Type.String(),
  addedBy: Type.String(),
});
export const TerminatedList = Type.Object({ items: Type.Array(TerminatedEntry) });

export const StaffCreate = Type.Object(
  {
    iin: Type.String({
      maxLength: 32,
      description: "The employee's IIN: pseudonymised at once, never stored or echoed",
    }),
    actorId: Type.Optional(
      Text(128, "The operator's opaque id for this employee in its access checks; never an IIN"),
    ),
    label: Type.Optional(Text(200, 'A short label (department, role); never an IIN')),
  },
  { additionalProperties: false },
);
export const StaffEntry = Type.Object({
  id: Type.String(),
  operatorId: Type.String(),
  subject: Type.String({ description: "The employee's pseudonym" }),
  actorId: NullableString,
  label: NullableString,
  addedAt: Type.String(),
  addedBy: Type.String(),
});
export const StaffList = Type.Object({ items: Type.Array(StaffEntry) });
export const StaffBatch = Type.Object(
  {
    entries: Type.Array(StaffCreate, {
      minItems: 1,
      maxItems: MAX_STAFF_BATCH,
      description: 'Registered all or none; a refused batch names every failing entry',
    }),
  },
  { additionalProperties: false },
);
export const StaffParams = Type.Object({ operatorId: RegistryId, entryId: Id });

const Country = Type.String({
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2 country code, upper case',
});
export const SystemParams = Type.Object({ systemId: RegistryId });
export const DestinationParams = Type.Object({ systemId: RegistryId, country: Country });
export const DestinationCreate = Type.Object(
  {
    country: Country,
    note: Type.Optional(Text(500, 'What goes there and to whom; never an IIN')),
  },
  { additionalProperties: false },
);
export const DestinationEntry = Type.Object({
  id: Type.String(),
  systemId: Type.String(),
  operatorId: Type.String(),
  country: Type.String(),
  note: NullableString,
  addedAt: Type.String(),
  addedBy: Type.String(),
});
export const DestinationList = Type.Object({ items: Type.Array(DestinationEntry) });

// ---- responses

const ACTIONS = ['throttle-actor', 'block-actor', 'suspend-system', 'block-country'] as const;
const STATES = ['proposed', 'in-force', 'rejected', 'lifted', 'expired'] as const;

export const ResponseView = Type.Object({
  id: Type.String(),
  action: literalUnion(ACTIONS),
  state: literalUnion(STATES),
  mode: literalUnion(['automatic', 'needs-confirmation', 'manual'] as const),
  systemId: Type.String(),
  operatorId: Type.String(),
  ...SystemNames,
  actorId: NullableString,
  actorCode: Type.Optional(
    Type.String({ description: "The actor's opaque per-operator code (A-…), as citizens see it" }),
  ),
  actorPseudonym: NullableString,
  country: NullableString,
  limit: NullableNumber,
  forMs: NullableNumber,
  inForceFrom: NullableString,
  inForceUntil: NullableString,
  alertId: NullableString,
  ruleId: NullableString,
  caseId: NullableString,
  note: NullableString,
  proposedAt: Type.String(),
  proposedBy: Type.String(),
  decidedAt: NullableString,
  decidedBy: NullableString,
  decisionReason: NullableString,
  liftedAt: NullableString,
  liftedBy: NullableString,
  liftReason: NullableString,
});
export const ResponsePage = Type.Object({
  items: Type.Array(ResponseView),
  nextCursor: NullableString,
});
export const ResponseQuery = Type.Object(
  {
    state: Type.Optional(literalUnion(STATES)),
    systemId: Type.Optional(Id),
    caseId: Type.Optional(CaseId),
    alertId: Type.Optional(AlertId),
    cursor: Type.Optional(Id),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);
export const ResponseParams = Type.Object({ responseId: Id });
export const ResponseCreate = Type.Object(
  {
    action: literalUnion(ACTIONS),
    systemId: Id,
    actorId: Type.Optional(Text(128)),
    actorPseudonym: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' })),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    forMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 366 * 86_400_000 })),
    note: Text(1000),
    caseId: Type.Optional(CaseId),
    alertId: Type.Optional(AlertId),
  },
  { additionalProperties: false },
);
export const Confirm = Type.Object(
  { reason: Type.Optional(Text(1000)) },
  { additionalProperties: false },
);
export const Reasoned = Type.Object({ reason: Text(1000) }, { additionalProperties: false });

// ---- incidents

const Measure = Type.Object({ id: Type.String(), action: Type.String(), state: Type.String() });
export const Notice = Type.Object({
  authority: Labels,
  jurisdiction: Type.String(),
  incidentId: Type.String(),
  operatorId: Type.String(),
  operatorName: Type.Optional(Labels),
  systemId: Type.String(),
  systemName: Type.Optional(Type.String()),
  detectedAt: Type.String(),
  windowFrom: Type.String(),
  windowTo: Type.String(),
  affectedCount: Type.Integer(),
  categories: Type.Array(Type.String()),
  measures: Type.Array(Measure),
  note: Type.Optional(Type.String()),
  text: Labels,
});
export const IncidentView = Type.Object({
  id: Type.String(),
  title: Type.String({
    description:
      'The title the analyst gave, or, when none was given, one the server composed in English ' +
      '("Personal data breach at <operator> (<system>)"; see titleComposed).',
  }),
  titleComposed: Type.Boolean({
    description:
      'True when the server composed title because the request gave none: clients show their ' +
      'own, localised title made from operatorId / operatorName and systemId / systemName. ' +
      "False: the analyst's own title, shown as written.",
  }),
  state: literalUnion(['open', 'closed'] as const),
  caseId: NullableString,
  systemId: Type.String(),
  operatorId: Type.String(),
  ...SystemNames,
  windowFrom: Type.String(),
  windowTo: Type.String(),
  detectedAt: Type.String(),
  jurisdiction: Type.String(),
  notifyBy: Type.String(),
  clock: Type.Object({
    notifyBy: Type.String(),
    remainingMs: Type.Number({ description: 'Negative once late' }),
    status: literalUnion(['running', 'overdue', 'met', 'missed'] as const),
  }),
  affectedCount: Type.Integer(),
  authorityNotifiedAt: NullableString,
  authorityNotifiedBy: NullableString,
  notice: Notice,
  citizensNotified: Type.Integer(),
  citizensNotifiedAt: NullableString,
  openedAt: Type.String(),
  openedBy: Type.String(),
  closedAt: NullableString,
  closedBy: NullableString,
  closeNote: NullableString,
});
export const IncidentPage = Type.Object({
  items: Type.Array(IncidentView),
  nextCursor: NullableString,
});
export const IncidentQuery = Type.Object(
  {
    state: Type.Optional(literalUnion(['open', 'closed'] as const)),
    caseId: Type.Optional(Id),
    cursor: Type.Optional(Id),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);
export const IncidentParams = Type.Object({ incidentId: Id });
const TITLE =
  "The analyst's own title, shown as written; leave it out to have one composed from the " +
  "incident's facts (titleComposed).";
export const IncidentCreate = Type.Union([
  Type.Object(
    {
      title: Type.Optional(Text(300, TITLE)),
      caseId: Id,
      jurisdiction: Type.Optional(Text(8)),
      windowFrom: Type.Optional(Instant),
      windowTo: Type.Optional(Instant),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      title: Type.Optional(Text(300, TITLE)),
      systemId: Id,
      windowFrom: Instant,
      windowTo: Instant,
      detectedAt: Type.Optional(Instant),
      jurisdiction: Type.Optional(Text(8)),
    },
    { additionalProperties: false },
  ),
]);
export const AffectedQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
export const AffectedPage = Type.Object({
  subjects: Type.Array(Type.String(), { description: 'Pseudonyms' }),
  nextCursor: NullableString,
});
export const NoteBody = Type.Object(
  { note: Type.Optional(Text(2000)) },
  { additionalProperties: false },
);
export const CloseBody = Type.Object({ note: Text(2000) }, { additionalProperties: false });
