/**
 * The web app's one way to Qalqan's JSON API: `@qalqan/client`, the typed client generated from
 * the server's `/openapi.json` (the same one operators use). Paths, parameters, bodies and answers
 * are typed from that document, so a change in the API breaks this app's build, not the citizen.
 * Same origin (relative URLs), the session cookie sent by the browser; every state-changing
 * request carries the session's CSRF token. `answer` turns the client's result into the data or
 * an `ApiError` the pages word in the reader's language.
 *
 * ```ts
 * const page = await answer(api.GET('/v1/me/accesses', { params: { query: { limit: 25 } }, signal }));
 * ```
 */
import { createQalqanClient, type paths } from '@qalqan/client';
import { ApiError, problemOf } from './http';

export type { components, paths } from '@qalqan/client';

/** The JSON body of a path's successful answer, by method and status. */
export type AnswerOf<
  P extends keyof paths,
  M extends 'get' | 'post' | 'put',
  S extends number = 200,
> = paths[P][M] extends {
  responses: Record<S, { content: { 'application/json': infer T } }>;
}
  ? T
  : never;

export const api = createQalqanClient({ baseUrl: '' });

let csrfToken: string | undefined;
/** Set by the session provider whenever the session is (re)read. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

api.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken)
      request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
});

/** The data of a successful answer; otherwise an `ApiError` (problem, bare status or network). */
export async function answer<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ kind: 'network' });
  }
  const { response } = result;
  if (response.ok && result.error === undefined) return result.data as T;
  const problem = problemOf(result.error, response.headers.get('retry-after'));
  if (problem) throw new ApiError({ kind: 'problem', status: response.status, problem });
  throw new ApiError({ kind: 'http', status: response.status });
}
