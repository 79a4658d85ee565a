import { formatError, getJson, isRecord } from './http';

export type HealthEndpoint = '/healthz' | '/readyz';

/**
 * Asks a health endpoint. Resolves when it answers `{ status: 'ok' }`; otherwise rejects with an
 * `ApiError` (a 503 from `/readyz` carries a problem document saying why).
 */
export async function checkHealth(endpoint: HealthEndpoint, signal?: AbortSignal): Promise<void> {
  const body = await getJson(endpoint, signal);
  if (!isRecord(body) || body.status !== 'ok') {
    throw formatError(`${endpoint} did not answer {"status":"ok"}`);
  }
}
