/**
 * The monitoring centre's side of the API, for the console. Staff sign in once with a staff
 * token: `POST /v1/staff/session` turns it into an http-only session cookie (the token is not
 * kept in the page), so reads and the live feed (`EventSource`) authenticate by cookie, and every
 * change carries the session's CSRF token. Route paths and shapes are those of
 * `src/monitor/*.routes.ts` (docs/MONITOR.md).
 */
import { ApiError, getJson, isRecord, type Problem, problemOf } from '../../api/http';

export interface StaffSession {
  readonly id: string;
  readonly csrfToken: string;
  readonly subject: string;
  readonly roles: readonly string[];
  readonly name: string;
  readonly expiresAt: string;
  readonly idleUntil: string;
}

export type StaffState =
  | { readonly signedIn: true; readonly session: StaffSession }
  | { readonly signedIn: false; readonly ended?: string };

let csrfToken: string | undefined;

function remember(state: StaffState): StaffState {
  csrfToken = state.signedIn ? state.session.csrfToken : undefined;
  return state;
}

export async function fetchStaffSession(signal?: AbortSignal): Promise<StaffState> {
  const body = await getJson('/v1/staff/session', signal);
  if (isRecord(body) && body.signedIn === true && isRecord(body.session))
    return remember({ signedIn: true, session: body.session as unknown as StaffSession });
  return remember({
    signedIn: false,
    ...(isRecord(body) && typeof body.ended === 'string' ? { ended: body.ended } : {}),
  });
}

/** A refused change with the problem document's own members (e.g. a rule's `problems` by line). */
export class StaffProblem extends ApiError {
  readonly body: Readonly<Record<string, unknown>>;
  constructor(status: number, problem: Problem, body: unknown) {
    super({ kind: 'problem', status, problem });
    this.body = isRecord(body) ? body : {};
  }
}

async function call(
  method: 'POST' | 'PUT' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError({ kind: 'network' });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const problem = problemOf(json, response.headers.get('retry-after'));
    if (problem) throw new StaffProblem(response.status, problem, json);
    throw new ApiError({ kind: 'http', status: response.status });
  }
  return json;
}

/** Presents the staff token once; the server answers with the session cookie. */
export async function signIn(token: string): Promise<StaffState> {
  const body = await call('POST', '/v1/staff/session', { authorization: `Bearer ${token}` });
  if (!isRecord(body) || !isRecord(body.session))
    throw new ApiError({ kind: 'format', message: 'sign-in answered without a session' });
  return remember({ signedIn: true, session: body.session as unknown as StaffSession });
}

/** A change made in the console: the session cookie and its CSRF token. */
export const staffSend = (method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  call(method, url, csrfToken ? { 'x-csrf-token': csrfToken } : {}, body);

export async function signOut(): Promise<void> {
  await staffSend('POST', '/v1/staff/sign-out');
  csrfToken = undefined;
}

// Shapes, as far as the console reads them.

export const LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];
export type AlertState = 'open' | 'acknowledged' | 'closed';
export type Outcome = 'true-positive' | 'false-positive';
export type ResponseAction = 'throttle-actor' | 'block-actor' | 'suspend-system' | 'block-country';

export interface AlertContext {
  readonly actorId?: string;
  readonly actorPseudonym?: string;
  readonly operator?: string;
  readonly system?: string;
  readonly subject?: string;
  /** Registry names now and the actor's opaque code, beside the ids (absent when unknown). */
  readonly systemName?: string;
  readonly operatorName?: Readonly<Record<'kk' | 'ru' | 'en', string>>;
  readonly actorCode?: string;
}

export interface Alert {
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly level: Level;
  readonly shadow: boolean;
  readonly state: AlertState;
  readonly outcome: Outcome | null;
  readonly assignee: string | null;
  readonly caseId: string | null;
  readonly at: string;
  readonly count: number;
  readonly events: readonly string[];
  readonly responses: readonly { readonly action: ResponseAction; readonly mode: string }[];
  readonly context: AlertContext;
}

export interface TimelineEntry {
  readonly at: string;
  readonly kind: 'alert' | 'event' | 'state';
  readonly alertId?: string;
  readonly ruleId?: string;
  readonly level?: Level;
  readonly eventId?: string;
  readonly eventType?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
  /** For a change: what was done (acknowledged, assigned, closed…) and by whom. */
  readonly action?: string;
  readonly by?: string | null;
}

export interface Case {
  readonly id: string;
  readonly state: AlertState;
  readonly outcome: Outcome | null;
  readonly assignee: string | null;
  /** An English label; the console composes its own from the fields (titles.ts `caseTitle`). */
  readonly title: string;
  readonly level: Level;
  readonly operator: string | null;
  readonly system: string | null;
  readonly actorId: string | null;
  /** The subject's pseudonym, for a case about a subject rather than an actor. */
  readonly subject: string | null;
  /** Registry names now and the actor's opaque code, beside the ids (absent when unknown). */
  readonly systemName?: string;
  readonly operatorName?: Readonly<Record<'kk' | 'ru' | 'en', string>>;
  readonly actorCode?: string;
  readonly alertCount: number;
  readonly openedAt: string;
  readonly updatedAt: string;
}

/** One case with its alerts and the timeline of what happened. */
export interface CaseDetail {
  readonly case: Case;
  readonly alerts: readonly Alert[];
  readonly timeline: readonly TimelineEntry[];
}

export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly level: Level;
  readonly mode: 'active' | 'shadow';
  readonly hits: number;
  readonly lastHitAt: string | null;
  /** 0: the shipped file; 1, 2, 3…: the regulator's stored versions. */
  readonly version: number;
  readonly source: 'shipped' | 'stored';
  readonly enabled: boolean;
  readonly loaded: boolean;
  readonly problems: readonly string[];
}

export type ResponseState = 'proposed' | 'in-force' | 'rejected' | 'lifted' | 'expired';

export interface MonitorResponse {
  readonly id: string;
  readonly action: ResponseAction;
  readonly state: ResponseState;
  readonly mode: 'automatic' | 'needs-confirmation' | 'manual';
  readonly systemId: string;
  readonly operatorId?: string;
  readonly actorId?: string | null;
  /** Registry names now and the actor's opaque code, beside the ids (absent when unknown). */
  readonly systemName?: string;
  readonly operatorName?: Readonly<Record<'kk' | 'ru' | 'en', string>>;
  readonly actorCode?: string;
  readonly country?: string | null;
  readonly forMs?: number | null;
  readonly inForceFrom?: string | null;
  readonly inForceUntil?: string | null;
  readonly alertId?: string | null;
  readonly caseId?: string | null;
  readonly ruleId?: string | null;
  readonly proposedAt: string;
  readonly decidedAt?: string | null;
  readonly decidedBy?: string | null;
}

export interface Incident {
  readonly id: string;
  /** The analyst's own title, or the server's English one when `titleComposed`. */
  readonly title: string;
  /** The server composed `title` (none was given): the console words the facts itself. */
  readonly titleComposed?: boolean;
  readonly state: 'open' | 'closed';
  readonly caseId?: string | null;
  readonly systemId: string;
  readonly operatorId?: string;
  readonly systemName?: string;
  readonly operatorName?: Readonly<Record<'kk' | 'ru' | 'en', string>>;
  readonly windowFrom: string;
  readonly windowTo: string;
  readonly detectedAt: string;
  readonly jurisdiction: string;
  readonly notifyBy: string;
  readonly affectedCount: number;
  readonly authorityNotifiedAt?: string | null;
  readonly citizensNotified?: number;
  /** The prefilled notice to the authorised body, in each language. */
  readonly notice?: {
    readonly authority?: Readonly<Record<'kk' | 'ru' | 'en', string>>;
    readonly text?: Readonly<Record<'kk' | 'ru' | 'en', string>>;
  };
}

export async function notifyAuthority(incidentId: string, note: string): Promise<void> {
  await staffSend(
    'POST',
    `${base}/incidents/${id(incidentId)}/notify-authority`,
    note ? { note } : {},
  );
}

/** The list in a body, whichever envelope the route uses (`{ alerts: [] }` or `{ items: [] }`). */
function listIn<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (isRecord(body)) {
    const list = body[key] ?? body.items;
    if (Array.isArray(list)) return list as T[];
  }
  throw new ApiError({ kind: 'format', message: `expected a list of ${key}` });
}

/** The one record in a body (`{ alert: {...} }` or the record itself). */
function oneIn<T>(body: unknown, key: string): T {
  if (isRecord(body) && isRecord(body[key])) return body[key] as T;
  if (isRecord(body) && typeof body.id === 'string') return body as T;
  throw new ApiError({ kind: 'format', message: `expected one ${key}` });
}

const id = (value: string) => encodeURIComponent(value);
const base = '/v1/monitor';

export const fetchAlerts = async (signal: AbortSignal) =>
  listIn<Alert>(await getJson(`${base}/alerts?limit=100`, signal), 'alerts');
export const fetchAlert = async (alertId: string, signal: AbortSignal) =>
  oneIn<Alert>(await getJson(`${base}/alerts/${id(alertId)}`, signal), 'alert');
export const fetchCases = async (signal: AbortSignal) =>
  listIn<Case>(await getJson(`${base}/cases?limit=100`, signal), 'cases');
export async function fetchCase(caseId: string, signal: AbortSignal): Promise<CaseDetail> {
  const body = await getJson(`${base}/cases/${id(caseId)}`, signal);
  if (!isRecord(body) || !isRecord(body.case) || !Array.isArray(body.timeline))
    throw new ApiError({ kind: 'format', message: 'expected a case with its timeline' });
  return {
    case: body.case as unknown as Case,
    alerts: Array.isArray(body.alerts) ? (body.alerts as Alert[]) : [],
    timeline: body.timeline as TimelineEntry[],
  };
}
export const fetchRules = async (signal: AbortSignal) =>
  listIn<Rule>(await getJson(`${base}/rules`, signal), 'rules');
export const fetchResponses = async (signal: AbortSignal, caseId?: string) =>
  listIn<MonitorResponse>(
    await getJson(
      `${base}/responses?limit=100${caseId ? `&caseId=${encodeURIComponent(caseId)}` : ''}`,
      signal,
    ),
    'responses',
  );
export const fetchIncidents = async (signal: AbortSignal) =>
  listIn<Incident>(await getJson(`${base}/incidents?limit=100`, signal), 'incidents');
export const fetchIncident = async (incidentId: string, signal: AbortSignal) =>
  oneIn<Incident>(await getJson(`${base}/incidents/${id(incidentId)}`, signal), 'incident');

export type CaseAction =
  | { readonly kind: 'acknowledge' }
  | { readonly kind: 'assign'; readonly assignee: string }
  | { readonly kind: 'close'; readonly outcome: Outcome; readonly note?: string };

export async function actOnCase(caseId: string, action: CaseAction): Promise<void> {
  const { kind, ...body } = action;
  await staffSend('POST', `${base}/cases/${id(caseId)}/${kind}`, body);
}

export async function setRuleMode(ruleId: string, mode: Rule['mode'], reason: string) {
  return oneIn<Rule>(
    await staffSend('PUT', `${base}/rules/${id(ruleId)}/mode`, { mode, reason }),
    'rule',
  );
}

export type ResponseDecision = 'confirm' | 'reject' | 'lift';

export async function decideResponse(
  responseId: string,
  decision: ResponseDecision,
  reason: string,
): Promise<void> {
  await staffSend(
    'POST',
    `${base}/responses/${id(responseId)}/${decision}`,
    decision === 'confirm' ? {} : { reason },
  );
}
