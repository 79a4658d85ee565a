import { answer, api } from './client';
import { formatError } from './http';

export type HealthEndpoint = '/healthz' | '/readyz';

/**
 * Asks a health endpoint. Resolves when it answers `{ status: 'ok' }`; otherwise rejects with an
 * `ApiError` (a 503 from `/readyz` carries a problem document saying why).
 */
export async function checkHealth(endpoint: HealthEndpoint, signal?: AbortSignal): Promise<void> {
  // Status must be current, never a copy the browser kept.
  const init = { signal, cache: 'no-store' as const };
  const body = await answer(
    endpoint === '/healthz' ? api.GET('/healthz', init) : api.GET('/readyz', init),
  );
  if (body.status !== 'ok') throw formatError(`${endpoint} did not answer {"status":"ok"}`);
}
