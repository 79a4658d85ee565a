/**
 * Stored versions of detection rules and their enabled switch. Each change commits in one
 * transaction with the rule-change counter (so every instance's evaluator sees it) and its ledger
 * record in the outbox. Version numbers are per rule, 1, 2, 3…: the shipped file is version 0 and
 * is never copied here.
 */
import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import type { OutboxItem, OutboxTables } from '../outbox/index.js';
import { bumpRulesVersion, type EnqueueOutbox } from './monitor.store.js';
import type { MonitorRuleVersionsTable, MonitorTables } from './monitor.tables.js';

export type VersionAction = 'create' | 'update' | 'rollback';

export interface RuleVersionRecord {
  readonly ruleId: string;
  readonly version: number;
  readonly content: string;
  readonly contentHash: string;
  readonly action: VersionAction;
  readonly restoredFrom: number | null;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly ledgerId: string;
}

export interface RuleStateRecord {
  readonly ruleId: string;
  readonly enabled: boolean;
  readonly reason: string;
  readonly changedBy: string;
  readonly changedAt: string;
  readonly ledgerId: string;
}

export interface RuleVersionsStore {
  /** The newest version of every rule that has one. */
  latest(): Promise<RuleVersionRecord[]>;
  /** One rule's versions, oldest first. */
  versions(ruleId: string): Promise<RuleVersionRecord[]>;
  version(ruleId: string, version: number): Promise<RuleVersionRecord | null>;
  /** Stores a version; `409 monitor.rule_version_conflict` when that number was taken meanwhile. */
  append(record: RuleVersionRecord, item: OutboxItem, enqueue: EnqueueOutbox): Promise<void>;
  states(): Promise<ReadonlyMap<string, RuleStateRecord>>;
  setState(record: RuleStateRecord, item: OutboxItem, enqueue: EnqueueOutbox): Promise<void>;
}

function recordOf(row: MonitorRuleVersionsTable): RuleVersionRecord {
  return {
    ruleId: row.rule_id,
    version: Number(row.version),
    content: row.content,
    contentHash: row.content_hash,
    action: row.action as VersionAction,
    restoredFrom: row.restored_from === null ? null : Number(row.restored_from),
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    ledgerId: row.ledger_id,
  };
}

/** A primary-key violation on either engine (better-sqlite3 or pg). */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (typeof e.message === 'string' && /UNIQUE constraint failed/.test(e.message))
  );
}

export function createRuleVersionsStore(
  db: Kysely<MonitorTables & OutboxTables>,
): RuleVersionsStore {
  return {
    async latest() {
      const rows = await db
        .selectFrom('monitor_rule_versions as v')
        .selectAll('v')
        .where((eb) =>
          eb(
            'v.version',
            '=',
            eb
              .selectFrom('monitor_rule_versions as w')
              .select((w) => w.fn.max('w.version').as('m'))
              .whereRef('w.rule_id', '=', 'v.rule_id'),
          ),
        )
        .orderBy('v.rule_id')
        .execute();
      return rows.map(recordOf);
    },

    async versions(ruleId) {
      const rows = await db
        .selectFrom('monitor_rule_versions')
        .selectAll()
        .where('rule_id', '=', ruleId)
        .orderBy('version')
        .execute();
      return rows.map(recordOf);
    },

    async version(ruleId, version) {
      const row = await db
        .selectFrom('monitor_rule_versions')
        .selectAll()
        .where('rule_id', '=', ruleId)
        .where('version', '=', version)
        .executeTakeFirst();
      return row ? recordOf(row) : null;
    },

    async append(record, item, enqueue) {
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('monitor_rule_versions')
            .values({
              rule_id: record.ruleId,
              version: record.version,
              content: record.content,
              content_hash: record.contentHash,
              action: record.action,
              restored_from: record.restoredFrom,
              reason: record.reason,
              created_by: record.createdBy,
              created_at: record.createdAt,
              ledger_id: record.ledgerId,
            })
            .execute();
          await bumpRulesVersion(trx);
          await enqueue(trx, item);
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new DomainError(
            'monitor.rule_version_conflict',
            `Version ${record.version} of rule '${record.ruleId}' was saved by someone else meanwhile; read the rule again.`,
            { ruleId: record.ruleId, version: record.version },
          );
        throw error;
      }
    },

    async states() {
      const rows = await db.selectFrom('monitor_rule_states').selectAll().execute();
      return new Map(
        rows.map((row) => [
          row.rule_id,
          {
            ruleId: row.rule_id,
            enabled: Number(row.enabled) === 1,
            reason: row.reason,
            changedBy: row.changed_by,
            changedAt: row.changed_at,
            ledgerId: row.ledger_id,
          },
        ]),
      );
    },

    async setState(record, item, enqueue) {
      await db.transaction().execute(async (trx) => {
        const row = {
          enabled: record.enabled ? 1 : 0,
          reason: record.reason,
          changed_by: record.changedBy,
          changed_at: record.changedAt,
          ledger_id: record.ledgerId,
        };
        await trx
          .insertInto('monitor_rule_states')
          .values({ rule_id: record.ruleId, ...row })
          .onConflict((oc) => oc.column('rule_id').doUpdateSet(row))
          .execute();
        await bumpRulesVersion(trx);
        await enqueue(trx, item);
      });
    },
  };
}
