/**
 * The reference data the rules read, kept and ledger-recorded: honeytoken subjects and protected
 * persons (the SOC registers them by IIN, pseudonymised at once through the subjects port — the IIN
 * is never stored), an operator's working hours, its terminated actors and its staff register, and
 * the destinations each system declares (the operator through its system's key, or the regulator;
 * see `reference-lists.store.ts`). Every change commits with its outbox row; listeners get
 * the new `MonitorReferenceInput` after each change so the engine sees it at once.
 */
import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { firstRepeat } from '../core/repeats.js';
import type { MonitorReferenceInput, WorkingHours } from './reference.model.js';
import { dayName, daysOf, workingHoursProblem } from './reference.js';
import {
  addEntry,
  entryRow,
  liveEntries,
  type ReferenceCommit,
  refuseIdentifier,
  retireEntry,
  shown,
} from './reference-entries.js';
import { createReferenceLists, type ReferenceLists } from './reference-lists.store.js';
import type { By, Clock, ResponseOutbox, ResponseSubjects } from './response.ports.js';
import type { MonitorResponseTables, MonitorWatchlistTable } from './response.tables.js';

export type WatchList = MonitorWatchlistTable['list'];

export interface WatchedSubject {
  readonly id: string;
  readonly list: WatchList;
  readonly subject: string;
  readonly label: string | null;
  readonly addedAt: string;
  readonly addedBy: string;
}

export interface TerminatedActor {
  readonly id: string;
  readonly operatorId: string;
  readonly actorId: string;
  readonly terminatedAt: string;
  readonly addedAt: string;
  readonly addedBy: string;
}

export interface OperatorHours extends WorkingHours {
  readonly operatorId: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export type ReferenceListener = (input: MonitorReferenceInput) => void | Promise<void>;

export interface ReferenceData extends ReferenceLists {
  addWatched(list: WatchList, iin: string, label: string | null, by: By): Promise<WatchedSubject>;
  removeWatched(list: WatchList, id: string, by: By): Promise<void>;
  listWatched(list: WatchList): Promise<readonly WatchedSubject[]>;
  setWorkingHours(operatorId: string, hours: WorkingHours, by: By): Promise<OperatorHours>;
  workingHoursOf(operatorId: string): Promise<OperatorHours | null>;
  addTerminated(
    operatorId: string,
    actorId: string,
    terminatedAt: string | null,
    by: By,
  ): Promise<TerminatedActor>;
  removeTerminated(operatorId: string, actorId: string, by: By): Promise<void>;
  listTerminated(operatorId: string): Promise<readonly TerminatedActor[]>;
  /**
   * The stored lists as the engine takes them: honeytokens, protected persons, terminated actors,
   * working hours, staff and actor persons, known destinations.
   */
  input(): Promise<MonitorReferenceInput>;
  onChanged(listener: ReferenceListener): () => void;
  /**
   * Reads the lists again and tells the listeners if they changed since last told: another
   * instance's change, or a termination whose date has come.
   */
  refresh(): Promise<void>;
}

export interface ReferenceDeps {
  readonly db: Kysely<MonitorResponseTables>;
  readonly outbox: ResponseOutbox;
  readonly subjects: ResponseSubjects;
  readonly clock?: Clock;
  readonly log?: { error(obj: object, msg: string): void };
}

const LIST_TYPE: Record<WatchList, string> = {
  honeytoken: 'honeytoken',
  'protected-person': 'protected-person',
};

export function createReferenceData(deps: ReferenceDeps): ReferenceData {
  const { db, outbox } = deps;
  const clock = deps.clock ?? (() => new Date());
  const listeners = new Set<ReferenceListener>();

  const commit: ReferenceCommit = async (work) => {
    const at = clock().toISOString();
    const { result, items } = await db.transaction().execute(async (trx) => {
      const done = await work(trx, at);
      const items = 'id' in done.item ? [done.item] : done.item;
      await outbox.enqueue(trx, items);
      return { result: done.result, items };
    });
    await outbox.sequence(items.map((item) => item.id));
    await announce();
    return result;
  };

  let lastTold = '';
  async function announce(force = true): Promise<void> {
    if (listeners.size === 0) return;
    const input = await api.input();
    const text = JSON.stringify(input);
    if (!force && text === lastTold) return;
    lastTold = text;
    for (const listener of listeners) {
      try {
        await listener(input);
      } catch (error) {
        deps.log?.error({ err: error }, 'a reference-data listener failed');
      }
    }
  }

  const watchedView = (row: MonitorWatchlistTable): WatchedSubject => ({
    id: row.id,
    list: row.list,
    subject: row.subject,
    label: row.label,
    addedAt: row.added_at,
    addedBy: row.added_by,
  });

  const lists = createReferenceLists({ db, subjects: deps.subjects, commit });

  const api: ReferenceData = {
    // The staff register and declared destinations (their methods use no `this`).
    ...lists,

    async addWatched(list, iin, label, by) {
      refuseIdentifier('label', label);
      const { pseudonym } = await deps.subjects.subjectOf(iin);
      return commit(async (trx, at) => {
        const row = entryRow<'monitor_watchlist'>(
          'mwl',
          { list, subject: pseudonym, label },
          { by, at },
        );
        await addEntry(
          trx,
          'monitor_watchlist',
          { list, subject: pseudonym },
          row,
          (id) => `That subject is already on the ${list} list (${id}).`,
        );
        return {
          result: watchedView(row),
          item: {
            id: row.id,
            type: `monitor.${LIST_TYPE[list]}.added`,
            record: { id: row.id, list, subject: pseudonym, by, at },
          },
        };
      });
    },

    async removeWatched(list, id, by) {
      await commit(async (trx, at) => {
        await retireEntry(
          trx,
          'monitor_watchlist',
          { id, list },
          { by, at },
          `No ${list} entry ${shown(id)}.`,
        );
        return {
          result: undefined,
          item: {
            id: newId('mwr', Date.parse(at)),
            type: `monitor.${LIST_TYPE[list]}.removed`,
            record: { entry: id, list, by, at },
          },
        };
      });
    },

    async listWatched(list) {
      const rows = await liveEntries(db, 'monitor_watchlist', { list }, 'id');
      return rows.map(watchedView);
    },

    async setWorkingHours(operatorId, hours, by) {
      const problem = workingHoursProblem(hours);
      if (problem)
        throw new DomainError('monitor.invalid_working_hours', `Working hours: ${problem}.`);
      // A set of days holds each once; a repeat says the sender meant another day. Stored hours are
      // read as the set they name (`daysOf`).
      const repeat = firstRepeat(hours.days);
      if (repeat)
        throw new DomainError(
          'monitor.invalid_working_hours',
          `Working hours: days[${repeat.index}] is ${dayName(hours.days[repeat.index]!)}, already listed as days[${repeat.first}]; list each day once.`,
          {
            field: `days[${repeat.index}]`,
            value: hours.days[repeat.index],
            repeats: `days[${repeat.first}]`,
          },
        );
      const days = daysOf(hours.days);
      return commit(async (trx, at) => {
        const row = {
          operator_id: operatorId,
          time_zone: hours.timeZone,
          days_json: JSON.stringify(days),
          start_time: hours.start,
          end_time: hours.end,
          updated_at: at,
          updated_by: by,
        };
        await trx
          .insertInto('monitor_working_hours')
          .values(row)
          .onConflict((oc) =>
            oc.column('operator_id').doUpdateSet({
              time_zone: row.time_zone,
              days_json: row.days_json,
              start_time: row.start_time,
              end_time: row.end_time,
              updated_at: at,
              updated_by: by,
            }),
          )
          .execute();
        const result: OperatorHours = {
          operatorId,
          timeZone: hours.timeZone,
          days,
          start: hours.start,
          end: hours.end,
          updatedAt: at,
          updatedBy: by,
        };
        return {
          result,
          item: {
            id: newId('mwh', Date.parse(at)),
            type: 'monitor.working-hours.set',
            record: {
              operator: operatorId,
              timeZone: hours.timeZone,
              days,
              start: hours.start,
              end: hours.end,
              by,
              at,
            },
          },
        };
      });
    },

    async workingHoursOf(operatorId) {
      const row = await db
        .selectFrom('monitor_working_hours')
        .selectAll()
        .where('operator_id', '=', operatorId)
        .executeTakeFirst();
      return row
        ? {
            operatorId,
            timeZone: row.time_zone,
            days: daysOf(JSON.parse(row.days_json) as number[]),
            start: row.start_time,
            end: row.end_time,
            updatedAt: row.updated_at,
            updatedBy: row.updated_by,
          }
        : null;
    },

    async addTerminated(operatorId, actorId, terminatedAt, by) {
      refuseIdentifier('actorId', actorId);
      if (terminatedAt !== null && Number.isNaN(Date.parse(terminatedAt)))
        throw new DomainError('request.validation', 'terminatedAt: not an ISO 8601 date-time.', {
          field: 'terminatedAt',
        });
      return commit(async (trx, at) => {
        const row = entryRow<'monitor_terminated_actors'>(
          'mta',
          {
            operator_id: operatorId,
            actor_id: actorId,
            terminated_at: terminatedAt ? new Date(terminatedAt).toISOString() : at,
          },
          { by, at },
        );
        await addEntry(
          trx,
          'monitor_terminated_actors',
          { operator_id: operatorId, actor_id: actorId },
          row,
          (id) => `That actor is already reported as terminated (${id}).`,
        );
        return {
          result: {
            id: row.id,
            operatorId,
            actorId,
            terminatedAt: row.terminated_at,
            addedAt: at,
            addedBy: by,
          },
          item: {
            id: row.id,
            type: 'monitor.terminated-actor.added',
            record: {
              id: row.id,
              operator: operatorId,
              actor: actorId,
              terminatedAt: row.terminated_at,
              by,
              at,
            },
          },
        };
      });
    },

    async removeTerminated(operatorId, actorId, by) {
      await commit(async (trx, at) => {
        const entry = await retireEntry(
          trx,
          'monitor_terminated_actors',
          { operator_id: operatorId, actor_id: actorId },
          { by, at },
          "That actor is not on the operator's list of terminated actors.",
        );
        return {
          result: undefined,
          item: {
            id: newId('mtr', Date.parse(at)),
            type: 'monitor.terminated-actor.removed',
            record: { entry, operator: operatorId, actor: actorId, by, at },
          },
        };
      });
    },

    async listTerminated(operatorId) {
      const rows = await liveEntries(
        db,
        'monitor_terminated_actors',
        { operator_id: operatorId },
        'id',
      );
      return rows.map((row) => ({
        id: row.id,
        operatorId: row.operator_id,
        actorId: row.actor_id,
        terminatedAt: row.terminated_at,
        addedAt: row.added_at,
        addedBy: row.added_by,
      }));
    },

    async input() {
      const [watched, terminated, hours, kept] = await Promise.all([
        db
          .selectFrom('monitor_watchlist')
          .select(['list', 'subject'])
          .where('removed_at', 'is', null)
          .orderBy('subject')
          .execute(),
        db
          .selectFrom('monitor_terminated_actors')
          .select(['operator_id', 'actor_id', 'terminated_at'])
          .where('removed_at', 'is', null)
          .orderBy('actor_id')
          .execute(),
        db.selectFrom('monitor_working_hours').selectAll().orderBy('operator_id').execute(),
        lists.listsInput(),
      ]);
      const now = clock().toISOString();
      const terminatedActors: Record<string, string[]> = {};
      // An actor counts as terminated from the day their employment ended, not before.
      for (const row of terminated)
        if (row.terminated_at <= now) (terminatedActors[row.operator_id] ??= []).push(row.actor_id);
      const workingHours: Record<string, WorkingHours> = {};
      for (const row of hours)
        workingHours[row.operator_id] = {
          timeZone: row.time_zone,
          days: daysOf(JSON.parse(row.days_json) as number[]),
          start: row.start_time,
          end: row.end_time,
        };
      return {
        honeytokens: watched.filter((w) => w.list === 'honeytoken').map((w) => w.subject),
        protectedPersons: watched
          .filter((w) => w.list === 'protected-person')
          .map((w) => w.subject),
        terminatedActors,
        workingHours,
        staff: kept.staff,
        actorPersons: kept.actorPersons,
        knownDestinations: kept.knownDestinations,
      };
    },

    onChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    refresh: () => announce(false),
  };
  return api;
}
