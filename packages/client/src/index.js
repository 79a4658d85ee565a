// The runtime half of `@qalqan/client` (its types are index.d.ts, its paths schema.d.ts). Plain
// JavaScript so that Node, tsx, Vitest and Vite load it as it is, with no build step.
// Checked against index.d.ts by packages/client/tsconfig.json (checkJs): the JSDoc types below
// are the declared ones, so the two halves cannot drift apart unnoticed.
import createClient from 'openapi-fetch';

/** @import { Problem, QalqanClient, QalqanClientOptions } from './index.js' */

/**
 * @param {QalqanClientOptions} options
 * @returns {QalqanClient}
 */
export function createQalqanClient({ baseUrl, apiKey, headers, fetch }) {
  return createClient({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    ...(fetch ? { fetch } : {}),
  });
}

/** @type {(body: unknown) => body is Problem} */
const isProblem = (body) =>
  typeof body === 'object' &&
  body !== null &&
  'status' in body &&
  typeof body.status === 'number' &&
  'code' in body &&
  typeof body.code === 'string';

export class QalqanProblemError extends Error {
  /**
   * @param {number} status
   * @param {Problem | undefined} problem
   * @param {string} [path]
   */
  constructor(status, problem, path) {
    const what = problem
      ? `${problem.code}: ${problem.detail ?? problem.title}`
      : 'no problem body';
    super(`Qalqan answered ${status}${path ? ` at ${path}` : ''} (${what})`);
    this.name = 'QalqanProblemError';
    this.status = status;
    this.problem = problem;
    this.code = problem?.code;
  }
}

/**
 * @template {{ readonly data?: unknown; readonly error?: unknown; readonly response: Response }} R
 * @param {R} result
 * @returns {Exclude<R['data'], undefined>}
 */
export function ok(result) {
  const { response } = result;
  // openapi-fetch sets `data` on every success without an error (the cast says what it guarantees).
  if (response.ok && result.error === undefined)
    return /** @type {Exclude<R['data'], undefined>} */ (result.data);
  const problem = isProblem(result.error) ? result.error : undefined;
  const path = response.url ? new URL(response.url).pathname : undefined;
  throw new QalqanProblemError(response.status, problem, path);
}
