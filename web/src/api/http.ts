/**
 * Fetching from the Qalqan API with relative URLs (the app is served by the same server, behind
 * whatever host name or proxy fronts it). Every failure becomes an `ApiError` that the page can
 * show: the server's RFC 9457 problem title and detail when it sent one, otherwise a kind the
 * page words in the reader's language.
 */

/** The parts of an RFC 9457 problem document the page shows. */
export interface Problem {
  readonly title: string;
  readonly detail?: string;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  /**
   * How long to wait before trying again, in seconds, for a refusal that says (a rate limit): the
   * document's `retryAfterSeconds`, else the answer's Retry-After header.
   */
  readonly retryAfterSeconds?: number;
}

export type ApiFailure =
  | { readonly kind: 'problem'; readonly status: number; readonly problem: Problem }
  /** An error status without a problem document (e.g. a proxy's own error page). */
  | { readonly kind: 'http'; readonly status: number }
  /** No answer at all: offline, DNS, connection refused, CORS. */
  | { readonly kind: 'network' }
  /** An answer that is not what the API promises (wrong type, malformed checkpoint…). */
  | { readonly kind: 'format'; readonly message: string };

export class ApiError extends Error {
  readonly failure: ApiFailure;
  constructor(failure: ApiFailure) {
    super(failure.kind === 'format' ? failure.message : `API request failed: ${failure.kind}`);
    this.name = 'ApiError';
    this.failure = failure;
  }

  get status(): number | undefined {
    return this.failure.kind === 'problem' || this.failure.kind === 'http'
      ? this.failure.status
      : undefined;
  }
}

export function formatError(message: string): ApiError {
  return new ApiError({ kind: 'format', message });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** A Retry-After header's wait in whole seconds (RFC 9110: seconds, or an HTTP date). */
export function retryAfterSecondsOf(
  header: string | null | undefined,
  now = Date.now(),
): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Reads a problem document if the body is one; undefined otherwise. `retryAfter` is the answer's
 * Retry-After header, the wait when the document does not give one.
 */
export function problemOf(body: unknown, retryAfter?: string | null): Problem | undefined {
  if (!isRecord(body) || typeof body.title !== 'string') return undefined;
  const detail = optionalString(body.detail);
  const code = optionalString(body.code);
  const requestId = optionalString(body.requestId);
  const wait =
    typeof body.retryAfterSeconds === 'number' &&
    Number.isFinite(body.retryAfterSeconds) &&
    body.retryAfterSeconds >= 0
      ? Math.ceil(body.retryAfterSeconds)
      : retryAfterSecondsOf(retryAfter);
  return {
    title: body.title,
    ...(detail !== undefined ? { detail } : {}),
    ...(typeof body.status === 'number' ? { status: body.status } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(wait !== undefined ? { retryAfterSeconds: wait } : {}),
  };
}

async function request(url: string, accept: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept },
      // Status and checkpoints must be current, never a copy the browser kept.
      cache: 'no-store',
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError({ kind: 'network' });
  }
  if (response.ok) return response;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const problem = problemOf(
      await response.json().catch(() => undefined),
      response.headers.get('retry-after'),
    );
    if (problem) throw new ApiError({ kind: 'problem', status: response.status, problem });
  }
  throw new ApiError({ kind: 'http', status: response.status });
}

export async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await request(url, 'application/json', signal);
  try {
    return (await response.json()) as unknown;
  } catch {
    throw formatError(`${url} did not answer with JSON`);
  }
}

export async function getText(url: string, signal?: AbortSignal): Promise<string> {
  return (await request(url, 'text/plain', signal)).text();
}

export async function getBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await request(url, 'application/octet-stream', signal);
  return new Uint8Array(await response.arrayBuffer());
}
