import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JURISDICTIONS } from '../monitor/breach-clock.js';
import { baseUrlOf, BUSINESS_DAY_JURISDICTIONS, ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has safe defaults: loopback, 8080, ./data, SQLite', () => {
    const config = loadConfig({}, {}, '/srv/app');
    expect(config).toMatchObject({
      environment: 'development',
      host: '127.0.0.1',
      port: 8080,
      dataDir: path.resolve('/srv/app/data'),
      databaseUrl: undefined,
      logLevel: 'info',
      bodyLimit: 1048576,
      ledger: { batchSize: 256, batchMs: 0, fullCheckUpTo: 100_000 },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.ledger)).toBe(true);
  });

  it('flags win over environment, environment over defaults', () => {
    const env = { QALQAN_PORT: '9000', QALQAN_HOST: '0.0.0.0', QALQAN_DATA_DIR: '/var/lib/qalqan' };
    expect(loadConfig(env, {}, '/')).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/var/lib/qalqan',
    });
    expect(loadConfig(env, { port: '0', dataDir: 'rel' }, '/home/u')).toMatchObject({
      port: 0,
      dataDir: '/home/u/rel',
    });
  });

  it('refuses a blank data dir instead of using the working directory', () => {
    expect(() => loadConfig({}, { dataDir: '' }, '/srv/app')).toThrow(
      "invalid configuration: --data-dir must name a directory, got ''",
    );
    expect(() => loadConfig({ QALQAN_DATA_DIR: '  ' }, {}, '/srv/app')).toThrow(
      "invalid configuration: QALQAN_DATA_DIR must name a directory, got '  '",
    );
    // An empty variable is an unset one, as for every other setting.
    expect(loadConfig({ QALQAN_DATA_DIR: '' }, {}, '/srv/app').dataDir).toBe('/srv/app/data');
  });

  it('names every invalid setting by the flag or variable that was used', () => {
    let error: unknown;
    try {
      loadConfig(
        {
          QALQAN_LOG_LEVEL: 'loud',
          DATABASE_URL: 'mysql://x',
          QALQAN_LEDGER_BATCH_SIZE: '0',
          QALQAN_TRUST_PROXY: 'maybe',
        },
        { port: '80a' },
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      "--port must be an integer from 0 to 65535, got '80a'",
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
      "QALQAN_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'",
      "QALQAN_TRUST_PROXY must be true or false, got 'maybe'",
      "QALQAN_LEDGER_BATCH_SIZE must be an integer from 1 to 65536, got '0'",
    ]);
    expect((error as ConfigError).message.split('\n')).toHaveLength(1);
  });

  it('takes the size up to which the ledger is fully re-hashed at start', () => {
    expect(loadConfig({ QALQAN_LEDGER_FULL_CHECK_UP_TO: '0' }).ledger.fullCheckUpTo).toBe(0);
    expect(() => loadConfig({ QALQAN_LEDGER_FULL_CHECK_UP_TO: '-1' })).toThrow(
      'QALQAN_LEDGER_FULL_CHECK_UP_TO must be an integer from 0 to',
    );
  });

  it('keeps finished outbox rows a week unless told otherwise, at least an hour', () => {
    expect(loadConfig({}).outbox).toEqual({ retentionHours: 168, publishLingerMs: 20 });
    expect(loadConfig({ QALQAN_OUTBOX_RETENTION_HOURS: '24' }).outbox.retentionHours).toBe(24);
    expect(() => loadConfig({ QALQAN_OUTBOX_RETENTION_HOURS: '0' })).toThrow(
      "QALQAN_OUTBOX_RETENTION_HOURS must be an integer from 1 to 87600, got '0'",
    );
  });

  it('answers access-check retries by Idempotency-Key for a week unless told otherwise, at least an hour', () => {
    expect(loadConfig({}).access).toEqual({ idempotencyHours: 168 });
    expect(loadConfig({ QALQAN_ACCESS_IDEMPOTENCY_HOURS: '24' }).access.idempotencyHours).toBe(24);
    expect(() => loadConfig({ QALQAN_ACCESS_IDEMPOTENCY_HOURS: '0' })).toThrow(
      "QALQAN_ACCESS_IDEMPOTENCY_HOURS must be an integer from 1 to 87600, got '0'",
    );
    expect(() => loadConfig({ QALQAN_ACCESS_IDEMPOTENCY_HOURS: '87601' })).toThrow(
      "QALQAN_ACCESS_IDEMPOTENCY_HOURS must be an integer from 1 to 87600, got '87601'",
    );
  });

  it('lets event publishing linger 20 ms unless told otherwise, at most a second', () => {
    expect(loadConfig({ QALQAN_OUTBOX_PUBLISH_LINGER_MS: '0' }).outbox.publishLingerMs).toBe(0);
    expect(() => loadConfig({ QALQAN_OUTBOX_PUBLISH_LINGER_MS: '1001' })).toThrow(
      "QALQAN_OUTBOX_PUBLISH_LINGER_MS must be an integer from 0 to 1000, got '1001'",
    );
  });

  it('retries consent webhooks from 10 s unless told otherwise, in whole ms from 100 ms to an hour', () => {
    expect(loadConfig({}).webhooks).toEqual({ retryBaseMs: 10_000 });
    expect(loadConfig({ QALQAN_WEBHOOK_RETRY_BASE_MS: '500' }).webhooks.retryBaseMs).toBe(500);
    expect(loadConfig({ QALQAN_WEBHOOK_RETRY_BASE_MS: '100' }).webhooks.retryBaseMs).toBe(100);
    expect(loadConfig({ QALQAN_WEBHOOK_RETRY_BASE_MS: '3600000' }).webhooks.retryBaseMs).toBe(
      3_600_000,
    );
    for (const bad of ['99', '3600001', '1.5', '10s', '-1'])
      expect(() => loadConfig({ QALQAN_WEBHOOK_RETRY_BASE_MS: bad })).toThrow(
        `QALQAN_WEBHOOK_RETRY_BASE_MS must be an integer from 100 to 3600000, got '${bad}'`,
      );
  });

  it('rejects ports out of range and hosts with spaces', () => {
    expect(() => loadConfig({ QALQAN_PORT: '65536' })).toThrow(
      'QALQAN_PORT must be an integer from 0 to 65535',
    );
    expect(() => loadConfig({}, { host: 'my host' })).toThrow(
      "--host must be a host name or IP address, got 'my host'",
    );
  });

  it('never invents secrets in production', () => {
    expect(() => loadConfig({ QALQAN_ENV: 'production' })).toThrow(
      'QALQAN_PSEUDONYM_KEY is required when QALQAN_ENV=production; QALQAN_FIELD_KEY is required',
    );
    // docs/LEDGER.md: production requires the ledger's signing key, from the environment or a file.
    expect(() =>
      loadConfig({
        QALQAN_ENV: 'production',
        QALQAN_PSEUDONYM_KEY: 'a'.repeat(64),
        QALQAN_FIELD_KEY: 'b'.repeat(64),
      }),
    ).toThrow(
      'QALQAN_LEDGER_SIGNING_KEY or QALQAN_LEDGER_SIGNING_KEY_FILE is required when QALQAN_ENV=production',
    );
    const config = loadConfig({
      QALQAN_ENV: 'production',
      QALQAN_PSEUDONYM_KEY: 'a'.repeat(64),
      QALQAN_FIELD_KEY: 'b'.repeat(64),
      QALQAN_LEDGER_SIGNING_KEY_FILE: '/run/secrets/ledger.key',
    });
    expect(config.environment).toBe('production');
    expect(
      loadConfig({
        QALQAN_ENV: 'production',
        QALQAN_PSEUDONYM_KEY: 'a'.repeat(64),
        QALQAN_FIELD_KEY: 'b'.repeat(64),
        QALQAN_LEDGER_SIGNING_KEY: 'c'.repeat(64),
      }).environment,
    ).toBe('production');
  });

  it('configures OIDC staff sign-in only completely', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    expect(
      loadConfig({
        QALQAN_OIDC_ISSUER: 'https://idp.gov.kz/realms/staff',
        QALQAN_OIDC_AUDIENCE: 'qalqan',
      }).oidc,
    ).toEqual({
      issuer: 'https://idp.gov.kz/realms/staff',
      audience: 'qalqan',
      rolesClaim: 'roles',
      roleValues: { regulator: 'qalqan-regulator', soc: 'qalqan-soc', auditor: 'qalqan-auditor' },
    });
    expect(() => loadConfig({ QALQAN_OIDC_ISSUER: 'https://idp.gov.kz' })).toThrow(
      'QALQAN_OIDC_AUDIENCE is required with QALQAN_OIDC_ISSUER',
    );
    expect(() => loadConfig({ QALQAN_OIDC_AUDIENCE: 'x' })).toThrow(
      'QALQAN_OIDC_AUDIENCE is set but QALQAN_OIDC_ISSUER is not',
    );
  });

  it('accepts a client-certificate header only behind a trusted proxy', () => {
    expect(() => loadConfig({ QALQAN_CLIENT_CERT_HEADER: 'X-SSL-Client-SHA256' })).toThrow(
      'needs QALQAN_TRUST_PROXY=true',
    );
    expect(
      loadConfig({ QALQAN_CLIENT_CERT_HEADER: 'X-SSL-Client-SHA256', QALQAN_TRUST_PROXY: 'true' })
        .clientCertHeader,
    ).toBe('x-ssl-client-sha256');
  });

  it('does not quote long values in full', () => {
    expect(() => loadConfig({ QALQAN_PORT: '9'.repeat(100) })).toThrow(/got '9{40}…'/);
  });

  it('derives the base URL clients should use', () => {
    expect(baseUrlOf(loadConfig({}), 1234)).toBe('http://127.0.0.1:1234');
    expect(baseUrlOf(loadConfig({ QALQAN_HOST: '0.0.0.0' }), 80)).toBe('http://127.0.0.1:80');
    expect(baseUrlOf(loadConfig({ QALQAN_HOST: '::1' }), 80)).toBe('http://[::1]:80');
    expect(baseUrlOf(loadConfig({ QALQAN_PUBLIC_URL: 'https://qalqan.example.kz/' }), 80)).toBe(
      'https://qalqan.example.kz',
    );
  });
});

describe('the portal and the host alias (docs/OPERATIONS.md)', () => {
  it('takes HOST when QALQAN_HOST is absent, and QALQAN_HOST over it', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0', QALQAN_HOST: '::1' }).host).toBe('::1');
  });

  it('has the portal defaults the table gives, and its session bounds', () => {
    expect(loadConfig({}).portal).toEqual({
      issuer: undefined,
      clientId: 'qalqan-portal',
      clientSecret: undefined,
      iinClaim: 'iin',
      idleTimeoutSeconds: 1800,
      absoluteTimeoutSeconds: 43_200,
    });
    for (const [name, low, high] of [
      ['QALQAN_PORTAL_SESSION_IDLE_SECONDS', 60, 86_400],
      ['QALQAN_PORTAL_SESSION_MAX_SECONDS', 300, 2_592_000],
    ] as const) {
      expect(() => loadConfig({ [name]: String(low) })).not.toThrow();
      expect(() => loadConfig({ [name]: String(high) })).not.toThrow();
      expect(() => loadConfig({ [name]: String(low - 1) })).toThrow(name);
      expect(() => loadConfig({ [name]: String(high + 1) })).toThrow(name);
    }
  });
});

describe('demo mode and key limits are settings', () => {
  it('demo mode is off by default, on with --demo or QALQAN_DEMO, and the flag wins', () => {
    expect(loadConfig({}).demo).toBe(false);
    expect(loadConfig({}, { demo: true }).demo).toBe(true);
    expect(loadConfig({ QALQAN_DEMO: 'true' }).demo).toBe(true);
    expect(loadConfig({ QALQAN_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ QALQAN_DEMO: 'false' }, { demo: true }).demo).toBe(true);
  });

  it('a bad QALQAN_DEMO is named, and demo mode is refused in production', () => {
    expect(() => loadConfig({ QALQAN_DEMO: 'maybe' })).toThrow(/QALQAN_DEMO must be true or false/);
    const production = {
      QALQAN_ENV: 'production',
      QALQAN_PSEUDONYM_KEY: 'k',
      QALQAN_FIELD_KEY: 'k',
      QALQAN_LEDGER_SIGNING_KEY: 'k',
    };
    expect(() => loadConfig(production, { demo: true })).toThrow(
      /--demo \/ QALQAN_DEMO cannot be used when QALQAN_ENV=production/,
    );
  });

  it('bounds API key rotation overlap and live keys (168 h and 3 by default)', () => {
    expect(loadConfig({}).keys).toEqual({ maxOverlapHours: 168, maxLiveKeys: 3 });
    expect(
      loadConfig({ QALQAN_KEY_MAX_OVERLAP_HOURS: '24', QALQAN_KEY_MAX_LIVE: '2' }).keys,
    ).toEqual({ maxOverlapHours: 24, maxLiveKeys: 2 });
    expect(() => loadConfig({ QALQAN_KEY_MAX_OVERLAP_HOURS: '721' })).toThrow(
      /QALQAN_KEY_MAX_OVERLAP_HOURS must be an integer from 0 to 720/,
    );
    expect(() => loadConfig({ QALQAN_KEY_MAX_LIVE: '0' })).toThrow(/QALQAN_KEY_MAX_LIVE/);
  });

  it('uses NATS JetStream only when NATS_URL is set, with a checked stream name', () => {
    expect(loadConfig({}, {}, '/').nats).toBeUndefined();
    expect(loadConfig({ NATS_URL: 'nats://127.0.0.1:4222' }, {}, '/').nats).toEqual({
      url: 'nats://127.0.0.1:4222',
      stream: 'QALQAN_EVENTS',
    });
    expect(
      loadConfig({ NATS_URL: 'tls://nats.example:4222', QALQAN_NATS_STREAM: 'EVENTS_2' }, {}, '/')
        .nats,
    ).toEqual({ url: 'tls://nats.example:4222', stream: 'EVENTS_2' });
    expect(() => loadConfig({ NATS_URL: 'http://x' }, {}, '/')).toThrow(
      /NATS_URL must be a nats:\/\/ or tls:\/\/ URL/,
    );
    expect(() => loadConfig({ NATS_URL: 'nats://x', QALQAN_NATS_STREAM: 'a.b' }, {}, '/')).toThrow(
      /QALQAN_NATS_STREAM/,
    );
  });
});

describe('days moved by decree for the breach clock', () => {
  const problemsOf = (env: Record<string, string>): readonly string[] => {
    try {
      loadConfig(env, {}, '/');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message.split('\n')).toHaveLength(1);
      return (error as ConfigError).problems;
    }
    return [];
  };

  it('are empty by default, one pair of lists per business-day jurisdiction', () => {
    const config = loadConfig({}, {}, '/');
    expect(config.breachTransfers).toEqual({ KZ: { daysOff: [], workingDays: [] } });
    expect(Object.isFrozen(config.breachTransfers.KZ!.daysOff)).toBe(true);
  });

  it('reads comma-separated dates, trimmed, sorted, once each', () => {
    const config = loadConfig(
      {
        QALQAN_BREACH_DAYS_OFF_KZ: ' 2026-05-08, 2026-01-05 ,2026-05-08,',
        QALQAN_BREACH_WORKING_DAYS_KZ: '2026-05-16',
      },
      {},
      '/',
    );
    expect(config.breachTransfers.KZ).toEqual({
      daysOff: ['2026-01-05', '2026-05-08'],
      workingDays: ['2026-05-16'],
    });
  });

  it('names the setting of a bad date, of a date in both lists, of a code with no such clock', () => {
    expect(
      problemsOf({
        QALQAN_BREACH_DAYS_OFF_KZ: '2026-02-30,2026-05-08',
        QALQAN_BREACH_WORKING_DAYS_KZ: '16.05.2026, 2026-05-08',
        QALQAN_BREACH_DAYS_OFF_GDPR: '2026-05-08',
      }),
    ).toEqual([
      'QALQAN_BREACH_DAYS_OFF_GDPR: GDPR has no business-day breach clock (only KZ)',
      "QALQAN_BREACH_DAYS_OFF_KZ must list dates as YYYY-MM-DD, comma-separated, got '2026-02-30'",
      "QALQAN_BREACH_WORKING_DAYS_KZ must list dates as YYYY-MM-DD, comma-separated, got '16.05.2026'",
      'QALQAN_BREACH_WORKING_DAYS_KZ lists 2026-05-08, which QALQAN_BREACH_DAYS_OFF_KZ lists as a day off: a day is either off or working',
      'QALQAN_BREACH_WORKING_DAYS_KZ lists 2026-05-08, a weekday: working days by decree are Saturdays or Sundays',
    ]);
    expect(problemsOf({ QALQAN_BREACH_WORKING_DAYS_KZ: '2026-5-16' })).toEqual([
      "QALQAN_BREACH_WORKING_DAYS_KZ must list dates as YYYY-MM-DD, comma-separated, got '2026-5-16'",
    ]);
  });

  it('takes days off only on weekdays and working days only on weekends (a typo would move a deadline)', () => {
    expect(
      problemsOf({
        // Saturday 16 May as a day off; Monday 4 May as a working day.
        QALQAN_BREACH_DAYS_OFF_KZ: '2026-05-08,2026-05-16',
        QALQAN_BREACH_WORKING_DAYS_KZ: '2026-05-04,2026-05-17',
      }),
    ).toEqual([
      'QALQAN_BREACH_DAYS_OFF_KZ lists 2026-05-16, a Saturday or Sunday: days off by decree are weekdays',
      'QALQAN_BREACH_WORKING_DAYS_KZ lists 2026-05-04, a weekday: working days by decree are Saturdays or Sundays',
    ]);
  });

  it('lists exactly the jurisdictions whose breach clock counts business days', () => {
    expect(
      Object.values(JURISDICTIONS)
        .filter((j) => j.clock.kind === 'business-days')
        .map((j) => j.code),
    ).toEqual([...BUSINESS_DAY_JURISDICTIONS]);
  });
});
