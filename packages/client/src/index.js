// The runtime half of `@qalqan/client` (its types are index.d.ts, its paths schema.d.ts). Plain
// JavaScript so that Node, tsx, Vitest and Vite load it as it is, with no build step.
import createClient from 'openapi-fetch';

export function createQalqanClient({ baseUrl, apiKey, headers, fetch }) {
  return createClient({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    ...(fetch ? { fetch } : {}),
  });
}

const isProblem = (body) =>
  typeof body === 'object' &&
  body !== null &&
  typeof body.status === 'number' &&
  typeof body.code === 'string';

export class QalqanProblemError extends Error {
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

export function ok(result) {
  const { response } = result;
  if (response.ok && result.error === undefined) return result.data;
  const problem = isProblem(result.error) ? result.error : undefined;
  const path = response.url ? new URL(response.url).pathname : undefined;
  throw new QalqanProblemError(response.status, problem, path);
}
