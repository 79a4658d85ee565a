/** Request and response schemas of the monitoring centre's alert, case and rule routes. */
import { Type } from 'typebox';
import { literalUnion } from '../http/schemas.js';
import { LEVELS, RESPONSE_ACTIONS, RESPONSE_MODES } from './rule.model.js';
import { ALERT_STATES, OUTCOMES } from './alerts.store.js';
import { VersionFields } from './rule-versions.schema.js';

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const State = literalUnion(ALERT_STATES);
export const Outcome = literalUnion(OUTCOMES);
export const Level = literalUnion(LEVELS);
export const Mode = literalUnion(['active', 'shadow'] as const);

const Labels = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });
/** Registry names and the actor's code, looked up when answering; never part of the record. */
const Names = {
  systemName: Type.Optional(Type.String({ description: "The system's registry name now" })),
  operatorName: Type.Optional(Labels),
  actorCode: Type.Optional(
    Type.String({ description: "The actor's opaque per-operator code (A-…), as citizens see it" }),
  ),
};

const Context = Type.Object({
  actorId: Type.Optional(Type.String()),
  actorPseudonym: Type.Optional(Type.String()),
  operator: Type.Optional(Type.String()),
  system: Type.Optional(Type.String()),
  subject: Type.Optional(Type.String()),
  ...Names,
});

const RuleResponse = Type.Object({
  action: literalUnion(RESPONSE_ACTIONS),
  mode: literalUnion(RESPONSE_MODES),
  forMs: Type.Optional(Type.Number()),
});

export const Alert = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  title: Type.String(),
  level: Level,
  shadow: Type.Boolean(),
  state: State,
  outcome: Nullable(Outcome),
  assignee: Nullable(Type.String()),
  caseId: Nullable(Type.String()),
  at: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  count: Type.Integer(),
  suppressed: Type.Integer(),
  groupKey: Type.String(),
  group: Type.Record(Type.String(), Type.Unknown()),
  events: Type.Array(Type.String()),
  responses: Type.Array(RuleResponse),
  context: Context,
});

const HistoryEntry = Type.Object({
  action: Type.String(),
  at: Type.String(),
  by: Nullable(Type.String()),
  eventId: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

export const AlertWithHistory = Type.Object({
  alert: Alert,
  history: Type.Array(HistoryEntry),
});

export const AlertPage = Type.Object({
  items: Type.Array(Alert),
  next: Nullable(Type.String({ description: 'Cursor of the next page; null on the last' })),
});

export const Case = Type.Object({
  id: Type.String(),
  key: Type.String(),
  state: State,
  outcome: Nullable(Outcome),
  assignee: Nullable(Type.String()),
  title: Type.String({
    description:
      'An English label made from the actor and operator ids, or the subject ("Actor … of …", ' +
      '"Subject …"). Clients show their own, localised title made from actorId, operator ' +
      '(operatorName) and subject.',
  }),
  level: Level,
  operator: Nullable(Type.String()),
  system: Nullable(Type.String()),
  actorId: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  ...Names,
  alertCount: Type.Integer(),
  openedAt: Type.String(),
  updatedAt: Type.String(),
});

const TimelineEntry = Type.Object({
  at: Type.String(),
  kind: literalUnion(['alert', 'event', 'state'] as const),
  alertId: Type.Optional(Type.String()),
  ruleId: Type.Optional(Type.String()),
  level: Type.Optional(Level),
  eventId: Type.Optional(Type.String()),
  eventType: Type.Optional(Type.String()),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  action: Type.Optional(Type.String()),
  by: Type.Optional(Nullable(Type.String())),
});

export const CaseWithTimeline = Type.Object({
  case: Case,
  alerts: Type.Array(Alert),
  timeline: Type.Array(TimelineEntry),
});

export const CasePage = Type.Object({
  items: Type.Array(Case),
  next: Nullable(Type.String()),
});

export const RuleInfo = Type.Object({
  id: Type.String(),
  title: Type.String(),
  level: Level,
  kind: literalUnion(['detection', 'correlation'] as const),
  mode: Mode,
  /** Alerts raised (stored) by the rule, and matches folded into them. */
  hits: Type.Integer(),
  suppressed: Type.Integer(),
  lastHitAt: Nullable(Type.String()),
  responses: Type.Array(RuleResponse),
  modeChange: Nullable(
    Type.Object({ reason: Type.String(), changedBy: Type.String(), changedAt: Type.String() }),
  ),
  ...VersionFields,
});

export const RuleList = Type.Object({ items: Type.Array(RuleInfo) });

export const ParkedEntry = Type.Object({
  seq: Type.Integer(),
  eventId: Nullable(Type.String()),
  reason: Type.String(),
  input: Type.Unknown(),
  parkedAt: Type.String(),
});
export const ParkedPage = Type.Object({
  items: Type.Array(ParkedEntry),
  total: Type.Integer(),
  next: Nullable(Type.Integer()),
});

export const AlertParams = Type.Object({ alertId: Text(300) });
export const CaseParams = Type.Object({ caseId: Type.String({ pattern: '^case_[0-9A-Z]{26}$' }) });
export const RuleParams = Type.Object({
  ruleId: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,99}$' }),
});

export const AlertQuery = Type.Object(
  {
    state: Type.Optional(State),
    ruleId: Type.Optional(Type.String({ maxLength: 100 })),
    level: Type.Optional(Level),
    caseId: Type.Optional(Type.String({ maxLength: 40 })),
    shadow: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 600 })),
  },
  { additionalProperties: false },
);
export const CaseQuery = Type.Object(
  {
    state: Type.Optional(State),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 600 })),
  },
  { additionalProperties: false },
);
export const ParkedQuery = Type.Object(
  {
    // Bounded: an integer past bigint (1e20 is one to JSON Schema) was compared by SQLite and
    // refused by PostgreSQL with a 500.
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const Empty = Type.Object({}, { additionalProperties: false });
export const AssignBody = Type.Object(
  { assignee: Text(200, 'Who works on it (a staff name)') },
  { additionalProperties: false },
);
export const CloseBody = Type.Object(
  { outcome: Outcome, note: Type.Optional(Text(2000)) },
  { additionalProperties: false },
);
export const ModeBody = Type.Object(
  { mode: Mode, reason: Text(500, 'Why; recorded in the ledger') },
  { additionalProperties: false },
);
