/**
 * The citizen's side of the API: the session (and its CSRF token), and `send` for every request
 * that changes something, which carries the token in `X-CSRF-Token`. Reads go through `getJson`;
 * the session cookie is sent by the browser (same origin, http-only: this code never sees it).
 */
import { ApiError, getJson, isRecord, problemOf } from './http';

export interface CitizenSession {
  readonly id: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
  readonly idleUntil: string;
}

export type SessionState =
  | { readonly signedIn: true; readonly session: CitizenSession }
  | { readonly signedIn: false; readonly ended?: string };

export async function fetchSession(signal?: AbortSignal): Promise<SessionState> {
  const body = await getJson('/v1/portal/session', signal);
  if (isRecord(body) && body.signedIn === true && isRecord(body.session))
    return { signedIn: true, session: body.session as unknown as CitizenSession };
  return {
    signedIn: false,
    ...(isRecord(body) && typeof body.ended === 'string' ? { ended: body.ended } : {}),
  };
}

let csrfToken: string | undefined;
/** Set by the session provider whenever the session is (re)read. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** A state-changing request with the session's CSRF token; resolves the JSON answer, if any. */
export async function send(
  method: 'POST' | 'PUT' | 'DELETE',
  url: string,
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
        ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError({ kind: 'network' });
  }
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const problem = problemOf(json);
    if (problem) throw new ApiError({ kind: 'problem', status: response.status, problem });
    throw new ApiError({ kind: 'http', status: response.status });
  }
  return json;
}

/** Where the sign-in button leads: the server starts the OIDC flow and returns here. */
export const signInUrl = (returnTo: string) =>
  `/v1/portal/sign-in?returnTo=${encodeURIComponent(returnTo)}`;

// Shapes of the citizen routes, as far as the pages read them.
export type Labels = Readonly<Record<'kk' | 'ru' | 'en', string>>;

export interface Recipient {
  readonly identifier?: string;
  readonly name: string;
  readonly country: string;
}

export interface ConsentEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly actor: { readonly kind: string; readonly [key: string]: unknown };
  readonly reason?: Record<string, unknown>;
}

export interface Consent {
  readonly id: string;
  readonly controller: string;
  readonly systems: readonly string[];
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  readonly recipients: readonly Recipient[];
  readonly processingCountries: readonly string[];
  readonly storageCountries: readonly string[];
  readonly retention: string;
  readonly validFrom: string | null;
  readonly validUntil: string;
  readonly requestExpiresAt: string;
  readonly policyUrl: string;
  readonly message: Labels;
  readonly state: string;
  readonly events: readonly ConsentEvent[];
}

export interface ActionOutcome {
  readonly outcome: 'accepted' | 'refused';
  readonly reason?: Record<string, unknown>;
  readonly consent: Consent;
}

/** `/v1/me` or `/v1/me/children/{childId}`: the citizen's own records or a child's in their care. */
export const subjectBase = (childId?: string) =>
  childId ? `/v1/me/children/${encodeURIComponent(childId)}` : '/v1/me';

export async function fetchConsents(childId?: string, signal?: AbortSignal) {
  const body = (await getJson(`${subjectBase(childId)}/consents`, signal)) as {
    consents: Consent[];
  };
  return body.consents;
}

export async function fetchRequests(childId?: string, signal?: AbortSignal) {
  const body = (await getJson(`${subjectBase(childId)}/consent-requests`, signal)) as {
    requests: Consent[];
  };
  return body.requests;
}

export type ConsentAction = 'approve' | 'refuse' | 'withdraw' | 'pause' | 'resume';

export async function act(
  id: string,
  action: ConsentAction,
  childId?: string,
): Promise<ActionOutcome> {
  const collection = action === 'approve' || action === 'refuse' ? 'consent-requests' : 'consents';
  return (await send(
    'POST',
    `${subjectBase(childId)}/${collection}/${encodeURIComponent(id)}/${action}`,
  )) as ActionOutcome;
}

/** The text of a reason in the reader's language, whatever its shape (`{kk,ru,en}` or `{message}`). */
export function reasonText(reason: Record<string, unknown> | undefined, lang: string): string {
  if (!reason) return '';
  const labels = isRecord(reason.message) ? reason.message : reason;
  const text = labels[lang] ?? labels.en;
  return typeof text === 'string' ? text : JSON.stringify(reason);
}
