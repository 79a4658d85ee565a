/**
 * Configuration: every setting, where it comes from (CLI flag over environment variable over
 * default) and how it is checked. Parsed once at start into a frozen object that is passed down;
 * nothing else reads `process.env`. An invalid value stops start-up with one line naming the
 * setting, and every bad setting is listed at once.
 */
import path from 'node:path';
import type { DayTransfers } from '../monitor/breach-clock.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type Environment = 'development' | 'production';

export interface Config {
  readonly environment: Environment;
  readonly host: string;
  readonly port: number;
  /** Absolute path of the data directory (SQLite file, generated keys, demo credentials). */
  readonly dataDir: string;
  /** PostgreSQL connection string; absent means the embedded SQLite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /**
   * The event bus: NATS JetStream when `NATS_URL` is set (every instance shares the stream
   * `QALQAN_NATS_STREAM` and the monitor's durable consumer); absent, the in-process bus.
   */
  readonly nats: { readonly url: string; readonly stream: string } | undefined;
  readonly logLevel: LogLevel;
  /** Largest accepted request body in bytes. */
  readonly bodyLimit: number;
  /** Base URL printed and used in links; defaults to `http://host:port`. */
  readonly publicUrl: string | undefined;
  /** When set, `/metrics` requires `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined;
  readonly trustProxy: boolean;
  /** Limits that keep one client from holding the server: failed sign-ins and slow connections. */
  readonly http: HttpLimits;
  readonly secrets: {
    /** HMAC key for subject pseudonyms (32 bytes, base64 or hex); generated in dev if absent. */
    readonly pseudonymKey: string | undefined;
    /** AES-256-GCM key for the few encrypted fields (32 bytes); generated in dev if absent. */
    readonly fieldKey: string | undefined;
    /** Earlier field keys still accepted for decryption during a rotation. */
    readonly previousFieldKeys: readonly string[];
  };
  /** Staff sign-in through an OIDC identity provider; absent means staff tokens only. */
  readonly oidc:
    | {
        readonly issuer: string;
        readonly audience: string;
        /** Dotted path of the roles claim (`roles`, `realm_access.roles`). */
        readonly rolesClaim: string;
        readonly roleValues: {
          readonly regulator: string;
          readonly soc: string;
          readonly auditor: string;
        };
      }
    | undefined;
  /** Header in which a trusted TLS-terminating proxy passes the client certificate's SHA-256. */
  readonly clientCertHeader: string | undefined;
  /**
   * Demo mode (`--demo`, `QALQAN_DEMO`): the demo world is loaded at start and modules enable
   * what exists only there (the demo identity provider, http webhooks). Refused in production.
   */
  readonly demo: boolean;
  /** Limits on system API keys, so a stolen key cannot keep itself alive. */
  readonly keys: {
    /** Longest overlap a rotation may give the old key, in hours (`QALQAN_KEY_MAX_OVERLAP_HOURS`). */
    readonly maxOverlapHours: number;
    /** Most keys one system may have working at once (`QALQAN_KEY_MAX_LIVE`). */
    readonly maxLiveKeys: number;
  };
  /** Citizen sign-in to the portal (OpenID Connect, authorization code + PKCE). */
  readonly portal: {
    /** The country's identity provider; absent means no production sign-in (demo mode has its own). */
    readonly issuer: string | undefined;
    readonly clientId: string;
    readonly clientSecret: string | undefined;
    /** The ID-token / userinfo claim that carries the citizen's IIN. */
    readonly iinClaim: string;
    /** A session unused this long (seconds) ends. */
    readonly idleTimeoutSeconds: number;
    /** A session ends this long (seconds) after sign-in, however active. */
    readonly absoluteTimeoutSeconds: number;
  };
  readonly access: {
    /**
     * An access check's `Idempotency-Key` answers retries for this many hours after the check
     * (`QALQAN_ACCESS_IDEMPOTENCY_HOURS`, default a week); then the key is forgotten and deleted.
     */
    readonly idempotencyHours: number;
  };
  readonly outbox: {
    /**
     * Finished outbox rows (in the ledger, event delivered) are deleted this many hours after
     * they were written (`QALQAN_OUTBOX_RETENTION_HOURS`, default a week).
     */
    readonly retentionHours: number;
    /**
     * How long a slice of event publishing waits to gather more events before the consumers run
     * (`QALQAN_OUTBOX_PUBLISH_LINGER_MS`, default 20; 0: at once). A check's answer never waits
     * for it; its event reaches the inbox and the monitoring centre at most this much later.
     */
    readonly publishLingerMs: number;
  };
  readonly webhooks: {
    /**
     * The wait after a consent webhook's first failed attempt, doubled after each further one up
     * to 6 h (`QALQAN_WEBHOOK_RETRY_BASE_MS`, default 10 000: 10 s, 20 s, 40 s …).
     */
    readonly retryBaseMs: number;
  };
  /**
   * Days the government moved by decree, per jurisdiction with a business-day breach clock
   * (`QALQAN_BREACH_DAYS_OFF_<CODE>`, `QALQAN_BREACH_WORKING_DAYS_<CODE>`); empty by default.
   */
  readonly breachTransfers: Readonly<Record<string, DayTransfers>>;
  readonly ledger: {
    /** Checkpoint origin line and signer name; defaults to `<hostname>/qalqan`. */
    readonly origin: string | undefined;
    readonly batchSize: number;
    readonly batchMs: number;
    /** Path of the Ed25519 signing key file; defaults to one generated in the data dir. */
    readonly signingKeyFile: string | undefined;
    /** The signing key itself (PKCS#8 PEM or base64 seed) from the environment. */
    readonly signingKey: string | undefined;
    /** Logs up to this many entries are fully re-hashed at start; larger ones get the edge check. */
    readonly fullCheckUpTo: number;
  };
}

export interface HttpLimits {
  /** Failed authentications one client address may make per window before it gets 429s. */
  readonly authFailureLimit: number;
  readonly authFailureWindowSeconds: number;
  /** The whole request head must arrive within this (slow-headers clients). */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** A socket with no activity at all is closed after this. */
  readonly connectionTimeoutMs: number;
}

/** Values given on the command line; they win over the environment. */
export interface ConfigFlags {
  host?: string | undefined;
  port?: string | number | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  logLevel?: string | undefined;
  /** `--demo`; absent leaves `QALQAN_DEMO` (default false) to decide. */
  demo?: boolean | undefined;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Source = { value: string; origin: string };

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
const ENVIRONMENTS: readonly Environment[] = ['development', 'production'];

/**
 * The jurisdictions whose breach clock counts business days (`breach-clock.ts`; a test keeps the
 * two in step). Listed here so that reading the configuration does not load the holiday calendar.
 */
export const BUSINESS_DAY_JURISDICTIONS: readonly string[] = ['KZ'];
const TRANSFER_VARIABLE = /^QALQAN_BREACH_(DAYS_OFF|WORKING_DAYS)_(.*)$/;

/**
 * The moved days of every business-day jurisdiction: comma-separated `YYYY-MM-DD` calendar dates,
 * none in both lists. Any weekday is accepted: the decree, not a rule here, says which days move.
 */
function breachTransfers(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): Record<string, DayTransfers> {
  for (const name of Object.keys(env).sort()) {
    const code = TRANSFER_VARIABLE.exec(name)?.[2];
    if (code !== undefined && !BUSINESS_DAY_JURISDICTIONS.includes(code))
      problems.push(
        `${name}: ${clip(code)} has no business-day breach clock (only ${BUSINESS_DAY_JURISDICTIONS.join(', ')})`,
      );
  }
  const dates = (name: string): string[] => {
    const found = new Set<string>();
    for (const piece of (env[name] ?? '').split(',')) {
      const date = piece.trim();
      if (date === '') continue;
      const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
      if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
        problems.push(
          `${name} must list dates as YYYY-MM-DD, comma-separated, got '${clip(date)}'`,
        );
        continue;
      }
      found.add(date);
    }
    return [...found].sort();
  };
  const transfers: Record<string, DayTransfers> = {};
  for (const code of BUSINESS_DAY_JURISDICTIONS) {
    const offName = `QALQAN_BREACH_DAYS_OFF_${code}`;
    const workingName = `QALQAN_BREACH_WORKING_DAYS_${code}`;
    const daysOff = dates(offName);
    const workingDays = dates(workingName);
    for (const date of daysOff)
      if (workingDays.includes(date))
        problems.push(
          `${workingName} lists ${date}, which ${offName} lists as a day off: a day is either off or working`,
        );
    // A decree moves a weekday off and makes a weekend day a working day in its place; a date on
    // the wrong side is most likely a typo, which would silently shift a breach deadline.
    const weekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
    for (const date of daysOff)
      if (weekend(date))
        problems.push(
          `${offName} lists ${date}, a Saturday or Sunday: days off by decree are weekdays`,
        );
    for (const date of workingDays)
      if (!weekend(date))
        problems.push(
          `${workingName} lists ${date}, a weekday: working days by decree are Saturdays or Sundays`,
        );
    transfers[code] = { daysOff, workingDays };
  }
  return transfers;
}

/**
 * Reads the configuration from flags and environment.
 * @throws ConfigError listing every invalid setting by its flag or variable name.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: ConfigFlags = {},
  cwd: string = process.cwd(),
): Config {
  const problems: string[] = [];

  const pick = (
    flag: string | number | undefined,
    flagName: string | undefined,
    ...vars: string[]
  ): Source | undefined => {
    if (flag !== undefined && flagName) return { value: String(flag), origin: flagName };
    for (const name of vars) {
      const value = env[name];
      if (value !== undefined && value !== '') return { value, origin: name };
    }
    return undefined;
  };

  const integer = (
    source: Source | undefined,
    fallback: number,
    min: number,
    max: number,
  ): number => {
    if (!source) return fallback;
    const text = source.value.trim();
    const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(
        `${source.origin} must be an integer from ${min} to ${max}, got '${clip(source.value)}'`,
      );
      return fallback;
    }
    return value;
  };

  const oneOf = <T extends string>(
    source: Source | undefined,
    fallback: T,
    allowed: readonly T[],
  ): T => {
    if (!source) return fallback;
    const value = source.value.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(
      `${source.origin} must be one of ${allowed.join(', ')}, got '${clip(source.value)}'`,
    );
    return fallback;
  };

  const boolean = (source: Source | undefined, fallback: boolean): boolean => {
    if (!source) return fallback;
    const value = source.value.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    problems.push(`${source.origin} must be true or false, got '${clip(source.value)}'`);
    return fallback;
  };

  const url = (source: Source | undefined, protocols: readonly string[]): string | undefined => {
    if (!source) return undefined;
    try {
      const parsed = new URL(source.value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return source.value;
    } catch {
      problems.push(
        `${source.origin} must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`,
      );
      return undefined;
    }
  };

  const text = (source: Source | undefined, maxLength = 4096): string | undefined => {
    if (!source) return undefined;
    if (source.value.length > maxLength) {
      problems.push(`${source.origin} is longer than ${maxLength} characters`);
      return undefined;
    }
    return source.value;
  };

  const hostSource = pick(flags.host, '--host', 'QALQAN_HOST', 'HOST');
  const host = text(hostSource, 255) ?? '127.0.0.1';
  if (hostSource && !/^[A-Za-z0-9.:[\]-]+$/.test(host)) {
    problems.push(`${hostSource.origin} must be a host name or IP address, got '${clip(host)}'`);
  }

  const dataDirSource = pick(flags.dataDir, '--data-dir', 'QALQAN_DATA_DIR');
  // A blank one (an unset shell variable: --data-dir "$DIR") would resolve to the working directory.
  if (dataDirSource && dataDirSource.value.trim() === '') {
    problems.push(`${dataDirSource.origin} must name a directory, got '${dataDirSource.value}'`);
  }
  const dataDir = path.resolve(cwd, text(dataDirSource)?.trim() || 'data');

  const ledgerOrigin = text(pick(undefined, undefined, 'QALQAN_LEDGER_ORIGIN'), 200);
  if (ledgerOrigin !== undefined && !/^[\x21-\x7e]+$/.test(ledgerOrigin)) {
    problems.push(
      'QALQAN_LEDGER_ORIGIN must be printable ASCII without spaces (a C2SP log origin)',
    );
  }

  function oidcSettings(): Config['oidc'] {
    const issuerSource = pick(undefined, undefined, 'QALQAN_OIDC_ISSUER');
    const issuer = url(issuerSource, ['https:', 'http:']);
    const audience = text(pick(undefined, undefined, 'QALQAN_OIDC_AUDIENCE'), 200);
    if (!issuerSource) {
      if (audience !== undefined)
        problems.push('QALQAN_OIDC_AUDIENCE is set but QALQAN_OIDC_ISSUER is not');
      return undefined;
    }
    if (!audience) {
      problems.push(
        'QALQAN_OIDC_AUDIENCE is required with QALQAN_OIDC_ISSUER (the API\u2019s client id at the identity provider)',
      );
      return undefined;
    }
    if (!issuer) return undefined;
    return {
      issuer,
      audience,
      rolesClaim: text(pick(undefined, undefined, 'QALQAN_OIDC_ROLES_CLAIM'), 100) ?? 'roles',
      roleValues: {
        regulator:
          text(pick(undefined, undefined, 'QALQAN_OIDC_ROLE_REGULATOR'), 100) ?? 'qalqan-regulator',
        soc: text(pick(undefined, undefined, 'QALQAN_OIDC_ROLE_SOC'), 100) ?? 'qalqan-soc',
        auditor:
          text(pick(undefined, undefined, 'QALQAN_OIDC_ROLE_AUDITOR'), 100) ?? 'qalqan-auditor',
      },
    };
  }

  const config: Config = {
    environment: oneOf(pick(undefined, undefined, 'QALQAN_ENV'), 'development', ENVIRONMENTS),
    host,
    port: integer(pick(flags.port, '--port', 'QALQAN_PORT', 'PORT'), 8080, 0, 65535),
    dataDir,
    databaseUrl: url(pick(flags.databaseUrl, '--database-url', 'DATABASE_URL'), [
      'postgres:',
      'postgresql:',
    ]),
    nats: (() => {
      const natsUrl = url(pick(undefined, undefined, 'NATS_URL'), ['nats:', 'tls:']);
      if (natsUrl === undefined) return undefined;
      const stream = text(pick(undefined, undefined, 'QALQAN_NATS_STREAM'), 64) ?? 'QALQAN_EVENTS';
      if (!/^[A-Za-z0-9_-]+$/.test(stream))
        problems.push('QALQAN_NATS_STREAM must be letters, digits, _ and - only');
      return { url: natsUrl, stream };
    })(),
    logLevel: oneOf(pick(flags.logLevel, '--log-level', 'QALQAN_LOG_LEVEL'), 'info', LOG_LEVELS),
    bodyLimit: integer(
      pick(undefined, undefined, 'QALQAN_BODY_LIMIT'),
      1024 * 1024,
      1024,
      256 * 1024 * 1024,
    ),
    publicUrl: url(pick(undefined, undefined, 'QALQAN_PUBLIC_URL'), ['http:', 'https:']),
    metricsToken: text(pick(undefined, undefined, 'QALQAN_METRICS_TOKEN'), 512),
    trustProxy: boolean(pick(undefined, undefined, 'QALQAN_TRUST_PROXY'), false),
    http: {
      authFailureLimit: integer(
        pick(undefined, undefined, 'QALQAN_AUTH_FAILURE_LIMIT'),
        30,
        1,
        1_000_000_000,
      ),
      authFailureWindowSeconds: integer(
        pick(undefined, undefined, 'QALQAN_AUTH_FAILURE_WINDOW_SECONDS'),
        60,
        1,
        24 * 3600,
      ),
      headersTimeoutMs: integer(
        pick(undefined, undefined, 'QALQAN_HEADERS_TIMEOUT_MS'),
        10_000,
        100,
        600_000,
      ),
      requestTimeoutMs: integer(
        pick(undefined, undefined, 'QALQAN_REQUEST_TIMEOUT_MS'),
        60_000,
        100,
        3_600_000,
      ),
      keepAliveTimeoutMs: integer(
        pick(undefined, undefined, 'QALQAN_KEEP_ALIVE_TIMEOUT_MS'),
        5_000,
        100,
        600_000,
      ),
      connectionTimeoutMs: integer(
        pick(undefined, undefined, 'QALQAN_CONNECTION_TIMEOUT_MS'),
        120_000,
        100,
        3_600_000,
      ),
    },
    secrets: {
      pseudonymKey: text(pick(undefined, undefined, 'QALQAN_PSEUDONYM_KEY'), 256),
      fieldKey: text(pick(undefined, undefined, 'QALQAN_FIELD_KEY'), 256),
      previousFieldKeys: (text(pick(undefined, undefined, 'QALQAN_FIELD_KEYS_PREVIOUS')) ?? '')
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key.length > 0),
    },
    oidc: oidcSettings(),
    portal: {
      issuer: url(pick(undefined, undefined, 'QALQAN_PORTAL_OIDC_ISSUER'), ['https:', 'http:']),
      clientId:
        text(pick(undefined, undefined, 'QALQAN_PORTAL_OIDC_CLIENT_ID'), 200) ?? 'qalqan-portal',
      clientSecret: text(pick(undefined, undefined, 'QALQAN_PORTAL_OIDC_CLIENT_SECRET'), 512),
      iinClaim: text(pick(undefined, undefined, 'QALQAN_PORTAL_IIN_CLAIM'), 100) ?? 'iin',
      idleTimeoutSeconds: integer(
        pick(undefined, undefined, 'QALQAN_PORTAL_SESSION_IDLE_SECONDS'),
        30 * 60,
        60,
        24 * 3600,
      ),
      absoluteTimeoutSeconds: integer(
        pick(undefined, undefined, 'QALQAN_PORTAL_SESSION_MAX_SECONDS'),
        12 * 3600,
        300,
        30 * 24 * 3600,
      ),
    },
    demo: boolean(pick(flags.demo === true ? 'true' : undefined, '--demo', 'QALQAN_DEMO'), false),
    keys: {
      maxOverlapHours: integer(
        pick(undefined, undefined, 'QALQAN_KEY_MAX_OVERLAP_HOURS'),
        168,
        0,
        720,
      ),
      maxLiveKeys: integer(pick(undefined, undefined, 'QALQAN_KEY_MAX_LIVE'), 3, 1, 20),
    },
    clientCertHeader: (() => {
      const source = pick(undefined, undefined, 'QALQAN_CLIENT_CERT_HEADER');
      if (source && !/^[A-Za-z0-9-]{1,64}$/.test(source.value)) {
        problems.push(`${source.origin} must be an HTTP header name`);
        return undefined;
      }
      return source?.value.toLowerCase();
    })(),
    access: {
      idempotencyHours: integer(
        pick(undefined, undefined, 'QALQAN_ACCESS_IDEMPOTENCY_HOURS'),
        7 * 24,
        1,
        10 * 365 * 24,
      ),
    },
    outbox: {
      retentionHours: integer(
        pick(undefined, undefined, 'QALQAN_OUTBOX_RETENTION_HOURS'),
        7 * 24,
        1,
        10 * 365 * 24,
      ),
      publishLingerMs: integer(
        pick(undefined, undefined, 'QALQAN_OUTBOX_PUBLISH_LINGER_MS'),
        20,
        0,
        1000,
      ),
    },
    webhooks: {
      retryBaseMs: integer(
        pick(undefined, undefined, 'QALQAN_WEBHOOK_RETRY_BASE_MS'),
        10_000,
        100,
        3_600_000,
      ),
    },
    breachTransfers: breachTransfers(env, problems),
    ledger: {
      origin: ledgerOrigin,
      batchSize: integer(pick(undefined, undefined, 'QALQAN_LEDGER_BATCH_SIZE'), 256, 1, 65536),
      batchMs: integer(pick(undefined, undefined, 'QALQAN_LEDGER_BATCH_MS'), 0, 0, 10_000),
      signingKeyFile: text(pick(undefined, undefined, 'QALQAN_LEDGER_SIGNING_KEY_FILE')),
      signingKey: text(pick(undefined, undefined, 'QALQAN_LEDGER_SIGNING_KEY')),
      fullCheckUpTo: integer(
        pick(undefined, undefined, 'QALQAN_LEDGER_FULL_CHECK_UP_TO'),
        100_000,
        0,
        Number.MAX_SAFE_INTEGER,
      ),
    },
  };

  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    problems.push('QALQAN_HEADERS_TIMEOUT_MS must not exceed QALQAN_REQUEST_TIMEOUT_MS');
  }

  if (config.clientCertHeader !== undefined && !config.trustProxy) {
    problems.push(
      'QALQAN_CLIENT_CERT_HEADER needs QALQAN_TRUST_PROXY=true: only a trusted proxy may vouch for a client certificate',
    );
  }

  if (config.environment === 'production') {
    // Demo mode publishes credentials and enables a fake identity provider: never in production.
    if (config.demo)
      problems.push('--demo / QALQAN_DEMO cannot be used when QALQAN_ENV=production');
    // Production never invents its own secrets: losing a generated key file would orphan every
    // pseudonym and encrypted field, so operators must supply them deliberately.
    if (!config.secrets.pseudonymKey)
      problems.push('QALQAN_PSEUDONYM_KEY is required when QALQAN_ENV=production');
    if (!config.secrets.fieldKey)
      problems.push('QALQAN_FIELD_KEY is required when QALQAN_ENV=production');
    if (!config.ledger.signingKey && !config.ledger.signingKeyFile) {
      problems.push(
        'QALQAN_LEDGER_SIGNING_KEY or QALQAN_LEDGER_SIGNING_KEY_FILE is required when QALQAN_ENV=production',
      );
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/** The URL clients should use; the wildcard listen addresses are not reachable as such. */
export function baseUrlOf(config: Config, port: number = config.port): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
