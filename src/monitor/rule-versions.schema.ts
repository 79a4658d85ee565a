/** Request and response schemas of the regulator's rule versions (`rule-versions.routes.ts`). */
import { Type } from 'typebox';
import { literalUnion } from '../http/schemas.js';
import { RULE_LIMITS } from './rule-parser.js';
import { LEVELS } from './rule.model.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const Origin = literalUnion(['shipped', 'stored'] as const);

/** What a version adds to a rule's row in the list (`GET /v1/monitor/rules`). */
export const VersionFields = {
  version: Type.Integer({
    minimum: 0,
    description: "0: the shipped file; 1, 2, 3…: the regulator's stored versions",
  }),
  source: Origin,
  contentHash: Nullable(Type.String({ description: 'SHA-256 (hex) of the YAML in force' })),
  enabled: Type.Boolean(),
  loaded: Type.Boolean({ description: 'In the engine now: enabled and accepted' }),
  problems: Type.Array(Type.String(), { description: 'Why a rule is not loaded' }),
  versionChange: Nullable(
    Type.Object({ by: Type.String(), at: Type.String(), reason: Type.String() }),
  ),
  stateChange: Nullable(
    Type.Object({
      enabled: Type.Boolean(),
      changedBy: Type.String(),
      changedAt: Type.String(),
      reason: Type.String(),
    }),
  ),
};

export const RuleDetail = Type.Object({
  id: Type.String(),
  title: Type.String(),
  level: literalUnion(LEVELS),
  kind: literalUnion(['detection', 'correlation'] as const),
  ...VersionFields,
  content: Nullable(Type.String({ description: 'The YAML in force' })),
});

export const VersionInfo = Type.Object({
  version: Type.Integer({ minimum: 0 }),
  source: Origin,
  action: literalUnion(['shipped', 'create', 'update', 'rollback'] as const),
  restoredFrom: Nullable(Type.Integer({ minimum: 0 })),
  contentHash: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  createdBy: Nullable(Type.String()),
  createdAt: Nullable(Type.String()),
  current: Type.Boolean(),
});
export const VersionList = Type.Object({ items: Type.Array(VersionInfo) });
export const VersionWithContent = Type.Object({
  ...VersionInfo.properties,
  content: Type.String(),
});

export const RuleIdParams = Type.Object({
  ruleId: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,99}$' }),
});
/**
 * Version numbers as the routes take them (path and bodies): bounded, since the store's `version`
 * column is a 32-bit `integer` on PostgreSQL, which refuses a larger number (a 500) where SQLite
 * only finds no such version.
 */
const VERSION_MAX = 1_000_000;
export const VersionParams = Type.Object({
  ruleId: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,99}$' }),
  version: Type.Integer({ minimum: 0, maximum: VERSION_MAX }),
});

const Content = Type.String({
  minLength: 1,
  maxLength: RULE_LIMITS.fileBytes,
  description: 'The rule file (YAML), as a file in src/monitor/rules/',
});
const Reason = Type.String({
  minLength: 1,
  maxLength: 500,
  description: 'Why; recorded in the ledger',
});
const BaseVersion = Type.Optional(
  Type.Integer({
    minimum: 0,
    maximum: VERSION_MAX,
    description: 'The version the change was made from; another version in force is a 409',
  }),
);

export const CreateBody = Type.Object(
  { content: Content, reason: Reason },
  { additionalProperties: false },
);
export const VersionBody = Type.Object(
  { content: Content, reason: Reason, baseVersion: BaseVersion },
  { additionalProperties: false },
);
export const RollbackBody = Type.Object(
  {
    version: Type.Integer({
      minimum: 0,
      maximum: VERSION_MAX,
      description: 'The version whose content comes back',
    }),
    reason: Reason,
    baseVersion: BaseVersion,
  },
  { additionalProperties: false },
);
export const EnabledBody = Type.Object(
  { enabled: Type.Boolean(), reason: Reason },
  { additionalProperties: false },
);
