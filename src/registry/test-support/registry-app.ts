/**
 * A real registry behind a real HTTP shell on real storage, with a clock the test controls, and
 * one credential for each kind of caller.
 */
import { randomBytes } from 'node:crypto';
import { buildApp, type App } from '../../http/app.js';
import { createFieldCipher } from '../../secrets/field-cipher.js';
import type { Storage } from '../../storage/storage.js';
import type { LedgerAppender } from '../history.js';
import { createRegistryParts, type RegistryParts } from '../registry.module.js';
import type { KeyPolicy } from '../credentials.service.js';
import type { OidcOptions } from '../oidc.js';

export interface TestClock {
  (): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function testClock(start = '2026-11-25T09:00:00.000Z'): TestClock {
  let now = Date.parse(start);
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (iso) => {
    now = Date.parse(iso);
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export interface RegistryHarness {
  readonly app: App;
  /** The module with its insides (services, reads), so tests can arrange state directly. */
  readonly registry: RegistryParts;
  readonly clock: TestClock;
  readonly tokens: { readonly regulator: string; readonly soc: string; readonly auditor: string };
  readonly ledgerEntries: { type: string; record: Readonly<Record<string, unknown>> }[];
  close(): Promise<void>;
}

/** Counts appends in order, as the log would number them. */
export function recordingLedger(): LedgerAppender & {
  entries: { type: string; record: Readonly<Record<string, unknown>> }[];
} {
  const entries: { type: string; record: Readonly<Record<string, unknown>> }[] = [];
  return {
    entries,
    append(entry) {
      entries.push(entry);
      return Promise.resolve({ index: entries.length - 1 });
    },
  };
}

export async function registryHarness(
  storage: Storage,
  options: {
    oidc?: OidcOptions;
    clientCertHeader?: string;
    ledger?: LedgerAppender;
    keyPolicy?: KeyPolicy;
    /** The key API-key and staff-token secrets are hashed under (random when absent). */
    lookupKey?: Buffer;
  } = {},
): Promise<RegistryHarness> {
  const clock = testClock();
  const recording = recordingLedger();
  const registry = createRegistryParts({
    db: storage.db,
    secrets: {
      lookupKey: options.lookupKey ?? randomBytes(32),
      fields: createFieldCipher(randomBytes(32)),
    },
    ledger: options.ledger ?? recording,
    clock,
    oidc: options.oidc,
    clientCertHeader: options.clientCertHeader,
    keyPolicy: options.keyPolicy,
  });
  const app = await buildApp({
    config: {
      logLevel: 'silent',
      bodyLimit: 1024 * 1024,
      trustProxy: false,
      metricsToken: undefined,
    },
    checkReady: () => storage.ping(),
    authenticators: registry.authenticators,
    routes: registry.routes,
    logger: false,
  });
  await app.ready();
  const bootstrap = { kind: 'cli' as const, id: 'test-bootstrap' };
  const tokens = {
    regulator: (
      await registry.credentials.issueStaffToken('regulator', 'Test Regulator', bootstrap)
    ).token,
    soc: (await registry.credentials.issueStaffToken('soc', 'Test SOC analyst', bootstrap)).token,
    auditor: (await registry.credentials.issueStaffToken('auditor', 'Test Auditor', bootstrap))
      .token,
  };
  return {
    app,
    registry,
    clock,
    tokens,
    ledgerEntries: recording.entries,
    close: () => app.close(),
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let binSerial = 10_000;
/** A fresh valid BIN for each call (resident head office registered Jan 2015). */
export function nextBin(): string {
  for (;;) {
    const prefix = `150140${String(binSerial++).padStart(5, '0')}`;
    const digits = [...prefix].map(Number);
    let sum = digits.reduce((acc, d, i) => acc + d * (i + 1), 0) % 11;
    if (sum === 10)
      sum =
        digits.reduce((acc, d, i) => acc + d * ([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2][i] ?? 0), 0) %
        11;
    if (sum !== 10) return prefix + String(sum);
  }
}

export function operatorBody(overrides: Record<string, unknown> = {}) {
  return {
    identifier: nextBin(),
    name: { kk: 'Сенім Банк АҚ', ru: 'АО «Сенім Банк»', en: 'Senim Bank JSC' },
    sector: 'bank',
    contact: {
      name: 'Асель Нурланова',
      position: 'DPO',
      email: 'dpo@senim.kz',
      phone: '+7 701 555 12 34',
    },
    ...overrides,
  };
}

export function systemBody(operatorId: string, overrides: Record<string, unknown> = {}) {
  return {
    operatorId,
    name: `Scoring ${randomBytes(3).toString('hex')}`,
    description: 'Credit scoring engine',
    kind: 'ordinary',
    purposes: ['finance.credit-scoring', 'finance.kyc'],
    categories: ['identity', 'financial', 'document'],
    hosting: { country: 'KZ', dataCentre: 'Astana DC-1', onNationalPlatform: false },
    connections: { accessControlSince: '2026-01-15', socSince: null },
    ...overrides,
  };
}

export function biometricBody(operatorId: string, overrides: Record<string, unknown> = {}) {
  return systemBody(operatorId, {
    name: `Face entry ${randomBytes(3).toString('hex')}`,
    description: 'Face recognition turnstiles',
    kind: 'biometric',
    purposes: ['security.access-control'],
    categories: ['identity', 'biometric'],
    biometric: {
      modalities: ['face'],
      locations: ['Astana, Mangilik El 55, entrance A'],
      vendor: 'Vendor LLP',
      templateStorage: 'on-premise HSM',
    },
    ...overrides,
  });
}
