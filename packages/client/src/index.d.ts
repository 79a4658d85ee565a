/**
 * `@qalqan/client`: a typed client for Qalqan's HTTP API. Paths, parameters, bodies and answers
 * are typed from the server's OpenAPI document (`schema.d.ts`, generated); requests go through
 * openapi-fetch.
 *
 * ```ts
 * import { createQalqanClient, ok } from '@qalqan/client';
 * const qalqan = createQalqanClient({ baseUrl: 'https://qalqan.example.kz', apiKey });
 * const answer = ok(await qalqan.POST('/v1/access-checks', { body: { ... } }));
 * if (answer.decision === 'permit') readTheRecord();
 * ```
 */
import type { Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';

/** The openapi-fetch client typed with Qalqan's paths: `GET`, `POST`, `PUT`, `DELETE`, …. */
export type QalqanClient = Client<paths>;

/** An RFC 9457 problem as Qalqan answers it: a stable `code`, the fields at fault in `errors`. */
export type Problem = components['schemas']['Problem'];

export interface QalqanClientOptions {
  /** The server's base URL, e.g. `https://qalqan.example.kz` (no trailing path). */
  readonly baseUrl: string;
  /** A system API key, staff token or OIDC access token, sent as `Authorization: Bearer …`. */
  readonly apiKey?: string;
  /** Headers sent with every request (an `apiKey` sets `authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A `fetch` of your own (tests, proxies, an in-process server); the global one by default. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/** A client for one base URL and one credential. */
export function createQalqanClient(options: QalqanClientOptions): QalqanClient;

/** Thrown by {@link ok} for an answer that is not a success: the status and the problem sent. */
export class QalqanProblemError extends Error {
  readonly status: number;
  /** The problem document; undefined when the body was not one (a proxy's error page, say). */
  readonly problem: Problem | undefined;
  /** The problem's stable `code`, when there is one. */
  readonly code: string | undefined;
  constructor(status: number, problem: Problem | undefined, path?: string);
}

/**
 * The data of a successful answer, or a {@link QalqanProblemError} naming the status and the
 * problem's code. An access check's deny is a success (200 with `decision: "deny"`), not an error.
 */
export function ok<
  R extends { readonly data?: unknown; readonly error?: unknown; readonly response: Response },
>(result: R): Exclude<R['data'], undefined>;
