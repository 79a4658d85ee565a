/**
 * The citizen's side of the API, through the typed client (`./client`): the session (and its CSRF
 * token, which the client sends with every state-changing request), consents and requests, for
 * the citizen or a child in their care. The session cookie is sent by the browser (same origin,
 * http-only: this code never sees it). Types come from the generated OpenAPI schema.
 */
import { answer, type AnswerOf, api } from './client';
import { isRecord } from './http';

export { setCsrfToken } from './client';

export type SessionAnswer = AnswerOf<'/v1/portal/session', 'get'>;
export type CitizenSession = NonNullable<SessionAnswer['session']>;

export type SessionState =
  | { readonly signedIn: true; readonly session: CitizenSession }
  | { readonly signedIn: false; readonly ended?: string };

export async function fetchSession(signal?: AbortSignal): Promise<SessionState> {
  const body = await answer(api.GET('/v1/portal/session', { signal }));
  if (body.signedIn && body.session) return { signedIn: true, session: body.session };
  return { signedIn: false, ...(body.ended ? { ended: body.ended } : {}) };
}

export async function signOut(): Promise<void> {
  await answer(api.POST('/v1/portal/sign-out'));
}

/** Where the sign-in button leads: the server starts the OIDC flow and returns here. */
export const signInUrl = (returnTo: string) =>
  `/v1/portal/sign-in?returnTo=${encodeURIComponent(returnTo)}`;

export type Consent = AnswerOf<'/v1/me/consents', 'get'>['consents'][number];
export type Labels = Consent['message'];
export type Recipient = Consent['recipients'][number];
export type ConsentEvent = Consent['events'][number];
export type ActionOutcome = AnswerOf<'/v1/me/consents/{id}/withdraw', 'post'>;

export async function fetchConsents(childId?: string, signal?: AbortSignal) {
  const body = childId
    ? await answer(
        api.GET('/v1/me/children/{childId}/consents', { params: { path: { childId } }, signal }),
      )
    : await answer(api.GET('/v1/me/consents', { signal }));
  return body.consents;
}

export async function fetchRequests(childId?: string, signal?: AbortSignal) {
  const body = childId
    ? await answer(
        api.GET('/v1/me/children/{childId}/consent-requests', {
          params: { path: { childId } },
          signal,
        }),
      )
    : await answer(api.GET('/v1/me/consent-requests', { signal }));
  return body.requests;
}

export type ConsentAction = 'approve' | 'refuse' | 'withdraw' | 'pause' | 'resume';

/** Answers a request or changes a consent, for the citizen or for a child in their care. */
export async function act(
  id: string,
  action: ConsentAction,
  childId?: string,
): Promise<ActionOutcome> {
  if (childId) {
    const params = { params: { path: { childId, id } } };
    switch (action) {
      case 'approve':
        return answer(api.POST('/v1/me/children/{childId}/consent-requests/{id}/approve', params));
      case 'refuse':
        return answer(api.POST('/v1/me/children/{childId}/consent-requests/{id}/refuse', params));
      case 'withdraw':
        return answer(api.POST('/v1/me/children/{childId}/consents/{id}/withdraw', params));
      case 'pause':
        return answer(api.POST('/v1/me/children/{childId}/consents/{id}/pause', params));
      case 'resume':
        return answer(api.POST('/v1/me/children/{childId}/consents/{id}/resume', params));
    }
  }
  const params = { params: { path: { id } } };
  switch (action) {
    case 'approve':
      return answer(api.POST('/v1/me/consent-requests/{id}/approve', params));
    case 'refuse':
      return answer(api.POST('/v1/me/consent-requests/{id}/refuse', params));
    case 'withdraw':
      return answer(api.POST('/v1/me/consents/{id}/withdraw', params));
    case 'pause':
      return answer(api.POST('/v1/me/consents/{id}/pause', params));
    case 'resume':
      return answer(api.POST('/v1/me/consents/{id}/resume', params));
  }
}

/** The signed receipt (a JWS) of a consent, the citizen's own or a child's in their care. */
export async function fetchConsentReceipt(
  id: string,
  childId?: string,
  signal?: AbortSignal,
): Promise<string> {
  const body = childId
    ? await answer(
        api.GET('/v1/me/children/{childId}/consents/{id}/receipt', {
          params: { path: { childId, id } },
          signal,
        }),
      )
    : await answer(api.GET('/v1/me/consents/{id}/receipt', { params: { path: { id } }, signal }));
  return body.receipt;
}

/** The text of a reason in the reader's language, whatever its shape (`{kk,ru,en}` or `{message}`). */
export function reasonText(reason: Record<string, unknown> | undefined, lang: string): string {
  if (!reason) return '';
  const labels = isRecord(reason.message) ? reason.message : reason;
  const text = labels[lang] ?? labels.en;
  return typeof text === 'string' ? text : JSON.stringify(reason);
}
