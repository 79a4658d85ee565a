import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('HTTP limits settings', () => {
  it('have defaults a public service can run with', () => {
    expect(loadConfig({}).http).toEqual({
      authFailureLimit: 30,
      authFailureWindowSeconds: 60,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
      connectionTimeoutMs: 120_000,
    });
  });

  it('are read from the environment and checked', () => {
    const config = loadConfig({
      QALQAN_AUTH_FAILURE_LIMIT: '1000000',
      QALQAN_AUTH_FAILURE_WINDOW_SECONDS: '10',
      QALQAN_HEADERS_TIMEOUT_MS: '2000',
      QALQAN_REQUEST_TIMEOUT_MS: '3000',
      QALQAN_KEEP_ALIVE_TIMEOUT_MS: '4000',
      QALQAN_CONNECTION_TIMEOUT_MS: '5000',
    });
    expect(config.http).toEqual({
      authFailureLimit: 1_000_000,
      authFailureWindowSeconds: 10,
      headersTimeoutMs: 2000,
      requestTimeoutMs: 3000,
      keepAliveTimeoutMs: 4000,
      connectionTimeoutMs: 5000,
    });
    expect(() => loadConfig({ QALQAN_AUTH_FAILURE_LIMIT: '0' })).toThrow(
      'QALQAN_AUTH_FAILURE_LIMIT must be an integer from 1',
    );
    expect(() =>
      loadConfig({ QALQAN_HEADERS_TIMEOUT_MS: '5000', QALQAN_REQUEST_TIMEOUT_MS: '1000' }),
    ).toThrow(ConfigError);
  });
});
