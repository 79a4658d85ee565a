/**
 * How every registry change is made: in one transaction with its history row and outbox item
 * (history.ts), then sequenced into the transparency log through the outbox before the caller is
 * answered. Shared checks for versions, status transitions and record lookups live here too.
 */
import type { Kysely, Transaction } from 'kysely';
import { DomainError } from '../core/errors.js';
import type { RegistryDatabase } from './registry.tables.js';
import { type HistorySequencer, recordChange } from './history.js';
import type { RegistryVersion } from './registry-cache.js';
import type { Actor, InformationSystem, Operator, RecordStatus } from './registry.model.js';
import { findOperator, findSystem } from './registry.store.js';

export type Trx = Transaction<RegistryDatabase>;

/** A change's result: the record after it and where its commitment sits in the log. */
export interface Changed<T> {
  readonly record: T;
  readonly changeId: string;
  readonly ledgerIndex: number | null;
}

export interface ChangeDeps {
  readonly db: Kysely<RegistryDatabase>;
  /**
   * Sequences committed changes into the ledger. Absent in tools that run beside a server (the
   * CLI import): their changes wait in the outbox and the server sequences them.
   */
  readonly history?: HistorySequencer | undefined;
  readonly clock: () => Date;
  /** Reports a failure to sequence (the change is kept and retried); defaults to ignoring. */
  readonly onSequenceError?: (error: unknown) => void;
  /** The registry version cached reads compare; told of each change once it commits. */
  readonly version?: RegistryVersion | undefined;
}

export interface ChangeRunner {
  now(): string;
  /** Commits `work` with its history, sequences it, and reports where it landed in the log. */
  change<T>(
    work: (trx: Trx, at: string) => Promise<{ record: T; changeId: string }>,
  ): Promise<Changed<T>>;
  /** Sequences whatever is pending, reporting (not throwing) a failure. */
  sequence(): Promise<void>;
  /** Sequences these committed changes now; change id -> ledger index (null if not yet). */
  sequenceChanges(changeIds: readonly string[]): Promise<ReadonlyMap<string, number | null>>;
}

export function createChangeRunner(deps: ChangeDeps): ChangeRunner {
  const sequence = async () => {
    try {
      await deps.history?.sequencePending();
    } catch (error) {
      // The change is committed and stays in the outbox; the background drain retries it.
      deps.onSequenceError?.(error);
    }
  };
  const sequenceChanges = async (
    changeIds: readonly string[],
  ): Promise<ReadonlyMap<string, number | null>> => {
    try {
      return (await deps.history?.sequence(changeIds)) ?? new Map();
    } catch (error) {
      deps.onSequenceError?.(error);
      return new Map();
    }
  };
  return {
    now: () => deps.clock().toISOString(),
    sequence,
    sequenceChanges,
    async change(work) {
      const at = deps.clock().toISOString();
      const { record, changeId } = await deps.db
        .transaction()
        .execute((trx) => work(trx, at))
        .finally(() => {
          // Also after a failure: a commit whose acknowledgement was lost must not stay hidden.
          deps.version?.changed();
        });
      // Only this change: the outbox coalesces it with concurrent ones into one ledger batch.
      const indexes = await sequenceChanges([changeId]);
      return { record, changeId, ledgerIndex: indexes.get(changeId) ?? null };
    },
  };
}

/** Records an operator or system after a change in the history of the same transaction. */
export async function logChange<T extends { id: string; version: number }>(
  trx: Trx,
  entity: 'operator' | 'system',
  record: T,
  action: string,
  actor: Actor,
  at: string,
  reason?: string,
): Promise<{ record: T; changeId: string }> {
  const changeId = await recordChange(trx, {
    entity,
    entityId: record.id,
    subjectId: record.id,
    action,
    version: record.version,
    actor,
    reason,
    snapshot: record,
    at,
  });
  return { record, changeId };
}

export async function requireOperator(db: Kysely<RegistryDatabase>, id: string): Promise<Operator> {
  const operator = await findOperator(db, id);
  if (!operator)
    throw new DomainError('registry.operator_not_found', `There is no operator ${id}.`);
  return operator;
}

export async function requireSystem(
  db: Kysely<RegistryDatabase>,
  id: string,
): Promise<InformationSystem> {
  const system = await findSystem(db, id);
  if (!system)
    throw new DomainError('registry.system_not_found', `There is no information system ${id}.`);
  return system;
}

/** The optimistic-concurrency precondition: the caller must name the version it read. */
export function checkVersion(
  kind: string,
  id: string,
  current: number,
  expected: number | undefined,
): void {
  if (expected === undefined) {
    throw new DomainError(
      'storage.precondition_required',
      `Send If-Match with the version of ${kind} ${id} you read (current "${current}").`,
      {
        currentVersion: current,
      },
    );
  }
  if (expected !== current) {
    throw new DomainError(
      'storage.precondition_failed',
      `${kind} ${id} is at version ${current}, not ${expected}: read it again and reapply your change.`,
      { currentVersion: current },
    );
  }
}

/** A record may be edited only at the version the caller read, and never once revoked. */
export function checkEditable(
  kind: 'operator' | 'system',
  record: { readonly id: string; readonly version: number; readonly status: RecordStatus },
  expected: number | undefined,
): void {
  checkVersion(kind, record.id, record.version, expected);
  if (record.status === 'revoked') {
    throw new DomainError(
      'registry.invalid_transition',
      `${kind === 'operator' ? 'Operator' : 'System'} ${record.id} is revoked and can no longer be changed.`,
    );
  }
}

/** Bumps a versioned row only if nobody changed it since it was read (checked again in SQL). */
export async function bumpVersion(
  trx: Trx,
  table: 'operators' | 'systems',
  id: string,
  version: number,
  at: string,
): Promise<void> {
  const result = await trx
    .updateTable(table)
    .set({ version: version + 1, updated_at: at })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    throw new DomainError(
      'storage.conflict',
      `${table === 'operators' ? 'Operator' : 'System'} ${id} was changed at the same time; read it again.`,
    );
  }
}

const TRANSITIONS: Record<RecordStatus, readonly RecordStatus[]> = {
  active: ['suspended', 'revoked'],
  suspended: ['active', 'suspended', 'revoked'],
  revoked: [],
};

export function assertTransition(
  kind: string,
  id: string,
  from: RecordStatus,
  to: RecordStatus,
): void {
  if (!TRANSITIONS[from].includes(to)) {
    const verb = to === 'active' ? 'reinstated' : to;
    throw new DomainError(
      'registry.invalid_transition',
      `The ${kind} ${id} is ${from}; it cannot be ${verb}.`,
      { from, to },
    );
  }
}

export function statusAction(status: RecordStatus): string {
  return status === 'active' ? 'reinstated' : status;
}
