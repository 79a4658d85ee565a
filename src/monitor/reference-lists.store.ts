/**
 * Two operator-kept reference lists, part of `createReferenceData`:
 *
 * - **Staff register** (coworker snooping, self-access): an operator (its system's key) or the
 *   regulator registers each employee by IIN, pseudonymised at once through the subjects port —
 *   the IIN is never stored, logged or answered — with the operator's actor id for the employee
 *   when given, so a check by that actor on their own record is self-access even when the check
 *   does not carry the actor's pseudonym.
 * - **Declared destinations** (destination-country): the countries a system says it transfers
 *   personal data to, per system. Declared, not learned from the transfers seen: a list learned
 *   from the stream would make the first exfiltration to a new country teach the centre that
 *   the country is normal, and would change with every replay; a declaration is a statement the
 *   operator is accountable for, recorded in the ledger with who made it.
 */
import type { Kysely } from 'kysely';
import { DomainError, type ErrorCode } from '../core/errors.js';
import { requireIin } from '../core/identifiers.js';
import { newId } from '../core/ids.js';
import { ISO_COUNTRIES } from '../core/taxonomy.js';
import {
  addEntry,
  entryRow,
  isUniqueViolation,
  liveEntries,
  type ReferenceCommit,
  refuseIdentifier,
  refusingDuplicates,
  retireEntry,
  shown,
} from './reference-entries.js';
import type { By, ResponseOutboxItem, ResponseSubjects } from './response.ports.js';
import type {
  MonitorDestinationsTable,
  MonitorResponseTables,
  MonitorStaffTable,
} from './response.tables.js';

export interface StaffMember {
  readonly id: string;
  readonly operatorId: string;
  /** The employee's subject pseudonym. */
  readonly subject: string;
  readonly actorId: string | null;
  readonly label: string | null;
  readonly addedAt: string;
  readonly addedBy: string;
}

export interface StaffInput {
  readonly iin: string;
  readonly actorId: string | null;
  readonly label: string | null;
}

/** The most entries a staff batch holds (the route's schema says so too). */
export const MAX_STAFF_BATCH = 1000;

/**
 * One refused entry of a batch, as the problem's `errors[]` lists it: the shape of a schema
 * violation's (`in`, `field`, `message`) with the entry's index and the code the single route
 * would have answered (`id`: the live entry it collides with).
 */
export interface EntryProblem {
  readonly in: 'body';
  readonly field: string;
  readonly index: number;
  readonly code: ErrorCode;
  readonly message: string;
  readonly id?: string;
}

export interface Destination {
  readonly id: string;
  readonly systemId: string;
  readonly operatorId: string;
  readonly country: string;
  readonly note: string | null;
  readonly addedAt: string;
  readonly addedBy: string;
}

export interface ReferenceLists {
  addStaff(
    operatorId: string,
    iin: string,
    actorId: string | null,
    label: string | null,
    by: By,
  ): Promise<StaffMember>;
  /**
   * Registers up to `MAX_STAFF_BATCH` employees at once, all or none, each entry under the rules
   * of `addStaff`; a refused batch stores nothing (not even a subject) and names every failing
   * entry (`monitor.batch_refused`, `errors[]` by index and code).
   */
  addStaffBatch(operatorId: string, entries: readonly StaffInput[], by: By): Promise<StaffMember[]>;
  removeStaff(operatorId: string, id: string, by: By): Promise<void>;
  listStaff(operatorId: string): Promise<readonly StaffMember[]>;
  addDestination(
    system: { readonly id: string; readonly operatorId: string },
    country: string,
    note: string | null,
    by: By,
  ): Promise<Destination>;
  removeDestination(systemId: string, country: string, by: By): Promise<void>;
  listDestinations(systemId: string): Promise<readonly Destination[]>;
  /** The engine's `staff`, `actorPersons` and `knownDestinations`. */
  listsInput(): Promise<{
    staff: Record<string, string[]>;
    actorPersons: Record<string, Record<string, string>>;
    knownDestinations: Record<string, string[]>;
  }>;
}

const staffView = (row: MonitorStaffTable): StaffMember => ({
  id: row.id,
  operatorId: row.operator_id,
  subject: row.subject,
  actorId: row.actor_id,
  label: row.label,
  addedAt: row.added_at,
  addedBy: row.added_by,
});

const destinationView = (row: MonitorDestinationsTable): Destination => ({
  id: row.id,
  systemId: row.system_id,
  operatorId: row.operator_id,
  country: row.country,
  note: row.note,
  addedAt: row.added_at,
  addedBy: row.added_by,
});

/** Rows per insert statement: well under either engine's limit on bound parameters. */
const INSERT_CHUNK = 500;

const personTaken = (id: string) =>
  `That person is already on the operator's staff register (${id}).`;
const actorTaken = (id: string) =>
  `That actor id is already on the operator's staff register (${id}).`;

/** The operator's live entries holding any of these people or actor ids. */
function staffTaken(
  q: Kysely<MonitorResponseTables>,
  operatorId: string,
  subjects: readonly string[],
  actorIds: readonly string[],
) {
  if (subjects.length === 0 && actorIds.length === 0) return Promise.resolve([]);
  return q
    .selectFrom('monitor_staff')
    .select(['id', 'subject', 'actor_id'])
    .where('operator_id', '=', operatorId)
    .where('removed_at', 'is', null)
    .where((eb) =>
      eb.or([
        ...(subjects.length > 0 ? [eb('subject', 'in', [...subjects])] : []),
        ...(actorIds.length > 0 ? [eb('actor_id', 'in', [...actorIds])] : []),
      ]),
    )
    .execute();
}

function staffRow(
  operatorId: string,
  entry: {
    readonly pseudonym: string;
    readonly actorId: string | null;
    readonly label: string | null;
  },
  by: By,
  at: string,
): MonitorStaffTable {
  return entryRow<'monitor_staff'>(
    'mst',
    {
      operator_id: operatorId,
      subject: entry.pseudonym,
      actor_id: entry.actorId,
      label: entry.label,
    },
    { by, at },
  );
}

/** The ledger's record of one registration, the same whether it came alone or in a batch. */
const staffAdded = (row: MonitorStaffTable): ResponseOutboxItem => ({
  id: row.id,
  type: 'monitor.staff.added',
  record: {
    id: row.id,
    operator: row.operator_id,
    subject: row.subject,
    actor: row.actor_id,
    by: row.added_by,
    at: row.added_at,
  },
});

/** How many entries were refused, and the first few by field and code. */
function batchDetail(problems: readonly EntryProblem[], total: number): string {
  const sorted = [...problems].sort((a, b) => a.index - b.index);
  const entries = new Set(sorted.map((p) => p.index)).size;
  const named = sorted
    .slice(0, 3)
    .map((p) => `${p.field} ${p.code}`)
    .join(', ');
  const more = sorted.length > 3 ? `, and ${sorted.length - 3} more` : '';
  return `${entries} of ${total} entries cannot be registered, so none was: ${named}${more} (see errors).`;
}

export function createReferenceLists(deps: {
  readonly db: Kysely<MonitorResponseTables>;
  readonly subjects: ResponseSubjects;
  readonly commit: ReferenceCommit;
}): ReferenceLists {
  const { db, commit } = deps;
  return {
    async addStaff(operatorId, iin, actorId, label, by) {
      refuseIdentifier('actorId', actorId);
      refuseIdentifier('label', label);
      const { pseudonym } = await deps.subjects.subjectOf(iin);
      return refusingDuplicates("That person or actor id on the operator's staff register", () =>
        commit(async (trx, at) => {
          const [found] = await staffTaken(
            trx,
            operatorId,
            [pseudonym],
            actorId === null ? [] : [actorId],
          );
          if (found)
            throw new DomainError(
              'monitor.reference_exists',
              found.subject === pseudonym ? personTaken(found.id) : actorTaken(found.id),
              { id: found.id },
            );
          const row = staffRow(operatorId, { pseudonym, actorId, label }, by, at);
          await trx.insertInto('monitor_staff').values(row).execute();
          return { result: staffView(row), item: staffAdded(row) };
        }),
      );
    },

    async addStaffBatch(operatorId, entries, by) {
      if (entries.length === 0 || entries.length > MAX_STAFF_BATCH)
        throw new DomainError(
          'request.validation',
          `entries: ${entries.length} entries; a batch holds 1 to ${MAX_STAFF_BATCH}`,
          { field: 'entries', limit: MAX_STAFF_BATCH },
        );
      const problems: EntryProblem[] = [];
      const refuse = (index: number, name: string, error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        const id = error.extensions.id;
        problems.push({
          in: 'body',
          field: `entries[${index}].${name}`,
          index,
          code: error.code,
          message: error.detail,
          ...(typeof id === 'string' ? { id } : {}),
        });
      };
      // The single route's own checks, entry by entry, each failure kept instead of thrown; the
      // pseudonym is computed without registering the subject, so a refused batch stores nothing.
      const prepared = entries.map((entry, index) => {
        for (const name of ['actorId', 'label'] as const)
          try {
            refuseIdentifier(`entries[${index}].${name}`, entry[name]);
          } catch (error) {
            refuse(index, name, error);
          }
        try {
          requireIin(entry.iin, `entries[${index}].iin`);
          return {
            pseudonym: deps.subjects.pseudonymOf(entry.iin),
            actorId: entry.actorId,
            label: entry.label,
          };
        } catch (error) {
          refuse(index, 'iin', error);
          return null;
        }
      });
      // One live entry per person and per actor id holds inside the batch as well.
      const personAt = new Map<string, number>();
      const actorAt = new Map<string, number>();
      prepared.forEach((entry, index) => {
        const sameAs = (at: Map<string, number>, key: string, name: string, what: string) => {
          const first = at.get(key);
          if (first === undefined) at.set(key, index);
          else
            refuse(
              index,
              name,
              new DomainError('monitor.reference_exists', `${what} as entries[${first}].`),
            );
        };
        if (entry) sameAs(personAt, entry.pseudonym, 'iin', 'The same person');
        const actorId = entries[index]!.actorId;
        if (actorId !== null) sameAs(actorAt, actorId, 'actorId', 'The same actor id');
      });
      const collisions = async (q: Kysely<MonitorResponseTables>) => {
        const live = prepared.filter((entry) => entry !== null);
        const taken = await staffTaken(
          q,
          operatorId,
          live.map((entry) => entry.pseudonym),
          live.flatMap((entry) => (entry.actorId === null ? [] : [entry.actorId])),
        );
        const bySubject = new Map(taken.map((row) => [row.subject, row.id]));
        const byActor = new Map(
          taken.flatMap((row) => (row.actor_id === null ? [] : [[row.actor_id, row.id] as const])),
        );
        prepared.forEach((entry, index) => {
          if (!entry) return;
          for (const [name, id, message] of [
            ['iin', bySubject.get(entry.pseudonym), personTaken],
            [
              'actorId',
              entry.actorId === null ? undefined : byActor.get(entry.actorId),
              actorTaken,
            ],
          ] as const)
            if (id !== undefined)
              refuse(index, name, new DomainError('monitor.reference_exists', message(id), { id }));
        });
      };
      const refused = () =>
        new DomainError('monitor.batch_refused', batchDetail(problems, entries.length), {
          errors: [...problems].sort((a, b) => a.index - b.index),
        });

      await collisions(db);
      if (problems.length > 0) throw refused();
      await Promise.all(entries.map((entry) => deps.subjects.subjectOf(entry.iin)));
      const rows = prepared.map((entry) => entry!);
      try {
        return await commit(async (trx, at) => {
          // Checked again inside the transaction: a registration may have come meanwhile.
          await collisions(trx);
          if (problems.length > 0) throw refused();
          const written = rows.map((entry) => staffRow(operatorId, entry, by, at));
          for (let i = 0; i < written.length; i += INSERT_CHUNK)
            await trx
              .insertInto('monitor_staff')
              .values(written.slice(i, i + INSERT_CHUNK))
              .execute();
          return { result: written.map(staffView), item: written.map(staffAdded) };
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another registration committed between the check and the insert (PostgreSQL): name the
        // entries it took, as a batch refused a moment later would.
        await collisions(db);
        if (problems.length > 0) throw refused();
        throw new DomainError(
          'monitor.reference_exists',
          "A person or actor id of the batch is already on the operator's staff register.",
        );
      }
    },

    async removeStaff(operatorId, id, by) {
      await commit(async (trx, at) => {
        await retireEntry(
          trx,
          'monitor_staff',
          { id, operator_id: operatorId },
          { by, at },
          `No entry ${shown(id)} on the operator's staff register.`,
        );
        return {
          result: undefined,
          item: {
            id: newId('msr', Date.parse(at)),
            type: 'monitor.staff.removed',
            record: { entry: id, operator: operatorId, by, at },
          },
        };
      });
    },

    async listStaff(operatorId) {
      const rows = await liveEntries(db, 'monitor_staff', { operator_id: operatorId }, 'id');
      return rows.map(staffView);
    },

    async addDestination(system, country, note, by) {
      if (!ISO_COUNTRIES.has(country))
        throw new DomainError(
          'core.unknown_country',
          `country: '${shown(country)}' is not an ISO 3166-1 alpha-2 country code`,
          { field: 'country' },
        );
      refuseIdentifier('note', note);
      return refusingDuplicates(`The destination ${country} of that system`, () =>
        commit(async (trx, at) => {
          const row = entryRow<'monitor_destinations'>(
            'mds',
            { system_id: system.id, operator_id: system.operatorId, country, note },
            { by, at },
          );
          await addEntry(
            trx,
            'monitor_destinations',
            { system_id: system.id, country },
            row,
            (id) => `The system already declares ${country} as a destination (${id}).`,
          );
          return {
            result: destinationView(row),
            item: {
              id: row.id,
              type: 'monitor.destination.added',
              record: {
                id: row.id,
                system: system.id,
                operator: system.operatorId,
                country,
                by,
                at,
              },
            },
          };
        }),
      );
    },

    async removeDestination(systemId, country, by) {
      await commit(async (trx, at) => {
        const entry = await retireEntry(
          trx,
          'monitor_destinations',
          { system_id: systemId, country },
          { by, at },
          `The system declares no destination ${shown(country)}.`,
        );
        return {
          result: undefined,
          item: {
            id: newId('mdr', Date.parse(at)),
            type: 'monitor.destination.removed',
            record: { entry, system: systemId, country, by, at },
          },
        };
      });
    },

    async listDestinations(systemId) {
      const rows = await liveEntries(
        db,
        'monitor_destinations',
        { system_id: systemId },
        'country',
      );
      return rows.map(destinationView);
    },

    async listsInput() {
      const [staffRows, destinationRows] = await Promise.all([
        db
          .selectFrom('monitor_staff')
          .select(['operator_id', 'subject', 'actor_id'])
          .where('removed_at', 'is', null)
          .orderBy('subject')
          .execute(),
        db
          .selectFrom('monitor_destinations')
          .select(['system_id', 'country'])
          .where('removed_at', 'is', null)
          .orderBy('country')
          .execute(),
      ]);
      const staff: Record<string, string[]> = {};
      const actorPersons: Record<string, Record<string, string>> = {};
      for (const row of staffRows) {
        (staff[row.operator_id] ??= []).push(row.subject);
        // Actor ids are the operator's free text: a null-prototype map keeps `__proto__` an id.
        if (row.actor_id !== null)
          (actorPersons[row.operator_id] ??= Object.create(null) as Record<string, string>)[
            row.actor_id
          ] = row.subject;
      }
      const knownDestinations: Record<string, string[]> = {};
      for (const row of destinationRows)
        (knownDestinations[row.system_id] ??= []).push(row.country);
      return { staff, actorPersons, knownDestinations };
    },
  };
}
