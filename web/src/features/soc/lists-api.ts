/**
 * The reference data the rules read (`src/monitor/reference.routes.ts`, docs/MONITOR.md
 * "Reference data"), and the registry's operators and systems to choose from
 * (`GET /v1/registry/operators`, `/v1/registry/systems`, open to every staff role). Entries given
 * by IIN come back as pseudonyms: no answer holds the number.
 */
import { ApiError, getJson, isRecord } from '../../api/http';
import type { Labels } from './names';
import { staffSend } from './soc-api';

export interface WatchedEntry {
  readonly id: string;
  readonly list: 'honeytoken' | 'protected-person';
  readonly subject: string;
  readonly label: string | null;
  readonly addedAt: string;
  readonly addedBy: string;
}

export interface WorkingHours {
  readonly operatorId: string;
  readonly timeZone: string;
  readonly days: readonly number[];
  readonly start: string;
  readonly end: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface TerminatedActor {
  readonly id: string;
  readonly operatorId: string;
  readonly actorId: string;
  readonly terminatedAt: string;
  readonly addedAt: string;
  readonly addedBy: string;
}

export interface StaffEntry {
  readonly id: string;
  readonly operatorId: string;
  readonly subject: string;
  readonly actorId: string | null;
  readonly label: string | null;
  readonly addedAt: string;
  readonly addedBy: string;
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

export interface OperatorChoice {
  readonly id: string;
  readonly name: Labels;
  readonly status: string;
}

export interface SystemChoice {
  readonly id: string;
  readonly operatorId: string;
  readonly name: string;
  readonly status: string;
}

export type WatchList = 'honeytokens' | 'protected-persons';

const enc = encodeURIComponent;
const operatorPath = (operatorId: string) => `/v1/monitor/operators/${enc(operatorId)}`;
const systemPath = (systemId: string) => `/v1/monitor/systems/${enc(systemId)}`;

function itemsOf<T>(body: unknown, what: string): T[] {
  if (isRecord(body) && Array.isArray(body.items)) return body.items as T[];
  throw new ApiError({ kind: 'format', message: `expected a list of ${what}` });
}

/** Every page of a registry search (at most 100 a page; a few pages in any real deployment). */
async function allPages<T>(url: string, what: string, signal: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const body = await getJson(`${url}${cursor ? `&cursor=${enc(cursor)}` : ''}`, signal);
    items.push(...itemsOf<T>(body, what));
    cursor = isRecord(body) && typeof body.nextCursor === 'string' ? body.nextCursor : undefined;
    if (!cursor) break;
  }
  return items;
}

export const fetchOperators = (signal: AbortSignal) =>
  allPages<OperatorChoice>('/v1/registry/operators?limit=100', 'operators', signal);

export const fetchSystemsOf = (operatorId: string, signal: AbortSignal) =>
  allPages<SystemChoice>(
    `/v1/registry/systems?limit=100&operatorId=${enc(operatorId)}`,
    'systems',
    signal,
  );

export const fetchWatched = async (list: WatchList, signal: AbortSignal) =>
  itemsOf<WatchedEntry>(await getJson(`/v1/monitor/${list}`, signal), list);

export const addWatched = async (list: WatchList, iin: string, label: string) =>
  (await staffSend('POST', `/v1/monitor/${list}`, {
    iin,
    ...(label ? { label } : {}),
  })) as WatchedEntry;

export const removeWatched = (list: WatchList, entryId: string) =>
  staffSend('DELETE', `/v1/monitor/${list}/${enc(entryId)}`);

/** The operator's working hours, or null when it has declared none (the API's 404). */
export async function fetchWorkingHours(
  operatorId: string,
  signal: AbortSignal,
): Promise<WorkingHours | null> {
  try {
    const body = await getJson(`${operatorPath(operatorId)}/working-hours`, signal);
    if (!isRecord(body) || typeof body.timeZone !== 'string')
      throw new ApiError({ kind: 'format', message: 'expected working hours' });
    return body as unknown as WorkingHours;
  } catch (error) {
    if (
      error instanceof ApiError &&
      error.failure.kind === 'problem' &&
      error.failure.problem.code === 'monitor.reference_not_found'
    )
      return null;
    throw error;
  }
}

export const setWorkingHours = async (
  operatorId: string,
  hours: { timeZone: string; days: number[]; start: string; end: string },
) => (await staffSend('PUT', `${operatorPath(operatorId)}/working-hours`, hours)) as WorkingHours;

export const fetchTerminated = async (operatorId: string, signal: AbortSignal) =>
  itemsOf<TerminatedActor>(
    await getJson(`${operatorPath(operatorId)}/terminated-actors`, signal),
    'terminated actors',
  );

export const addTerminated = async (operatorId: string, actorId: string, terminatedAt?: string) =>
  (await staffSend('POST', `${operatorPath(operatorId)}/terminated-actors`, {
    actorId,
    ...(terminatedAt ? { terminatedAt } : {}),
  })) as TerminatedActor;

export const removeTerminated = (operatorId: string, actorId: string) =>
  staffSend('DELETE', `${operatorPath(operatorId)}/terminated-actors/${enc(actorId)}`);

export const fetchStaff = async (operatorId: string, signal: AbortSignal) =>
  itemsOf<StaffEntry>(await getJson(`${operatorPath(operatorId)}/staff`, signal), 'staff');

export const addStaff = async (operatorId: string, iin: string, actorId: string, label: string) =>
  (await staffSend('POST', `${operatorPath(operatorId)}/staff`, {
    iin,
    ...(actorId ? { actorId } : {}),
    ...(label ? { label } : {}),
  })) as StaffEntry;

export const removeStaff = (operatorId: string, entryId: string) =>
  staffSend('DELETE', `${operatorPath(operatorId)}/staff/${enc(entryId)}`);

export const fetchDestinations = async (systemId: string, signal: AbortSignal) =>
  itemsOf<Destination>(
    await getJson(`${systemPath(systemId)}/destinations`, signal),
    'destinations',
  );

export const addDestination = async (systemId: string, country: string, note: string) =>
  (await staffSend('POST', `${systemPath(systemId)}/destinations`, {
    country,
    ...(note ? { note } : {}),
  })) as Destination;

export const removeDestination = (systemId: string, country: string) =>
  staffSend('DELETE', `${systemPath(systemId)}/destinations/${enc(country)}`);

/**
 * Registers up to 1,000 employees at once, all or none (`POST …/staff/batch`); a refusal is a
 * `StaffProblem` whose body lists every refused entry by index (`422 monitor.batch_refused`).
 */
export const addStaffBatch = async (
  operatorId: string,
  entries: readonly { iin: string; actorId?: string; label?: string }[],
) =>
  itemsOf<StaffEntry>(
    await staffSend('POST', `${operatorPath(operatorId)}/staff/batch`, {
      entries: entries.map(({ iin, actorId, label }) => ({
        iin,
        ...(actorId ? { actorId } : {}),
        ...(label ? { label } : {}),
      })),
    }),
    'staff',
  );
