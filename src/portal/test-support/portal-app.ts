/**
 * The portal behind a real HTTP shell on real storage, in demo mode (the real `oidc-provider`
 * under /demo-idp), with the real consent module (the `/v1/me/…` routes) and the real inbox on an
 * in-process bus. The consent module's registry port declares one system in memory, and staff
 * and system callers use test-only bearer credentials (`staff.<role>`, `system.<id>`), so these
 * tests exercise the portal and not the registry. Requests go through `inject()` with a small
 * cookie jar, so a test walks the whole OIDC code flow as a browser would.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { makeTempDir, removeTempDir } from '../../../test/support/temp-dirs.js';
import { createConsentModule, type ConsentModule } from '../../consent/consent.module.js';
import { loadReceiptSigner } from '../../consent/receipts.js';
import { testOutbox } from '../../consent/test-support/consent-app.js';
import { checkIin } from '../../core/identifiers.js';
import { DEMO_CITIZENS } from '../../demo/demo-citizens.js';
import { createInProcessBus } from '../../events/index.js';
import { type Authenticator, bearerToken } from '../../http/access.js';
import { buildApp, type App, type RoutePlugin } from '../../http/app.js';
import { loggerOptions } from '../../http/logging.js';
import { pino } from 'pino';
import { createNotifyModule, type NotifyModule } from '../../notify/notify.module.js';
import { testClock, type TestClock } from '../../registry/test-support/registry-app.js';
import { createFieldCipher } from '../../secrets/field-cipher.js';
import { createPseudonymizer } from '../../secrets/pseudonym.js';
import type { Storage } from '../../storage/storage.js';
import { ensureSubject, revealIin } from '../../subjects/subjects.store.js';
import { createPortalModule, type IdentityProvider, type PortalModule } from '../portal.module.js';

export const HOST = '127.0.0.1:8080';
export const ORIGIN = `http://${HOST}`;
export const SYSTEM_ID = 'sys_01JD0000000000000000000000';

export interface PortalHarness {
  readonly app: App;
  readonly portal: PortalModule;
  readonly notify: NotifyModule;
  readonly consent: ConsentModule;
  readonly bus: ReturnType<typeof createInProcessBus>;
  readonly clock: TestClock;
  readonly pseudonymOf: (iin: string) => string;
  readonly logs: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly demo?: boolean;
  readonly wrapProvider?: (provider: IdentityProvider) => IdentityProvider;
  /** Share keys with another harness (a restart on the same database). */
  readonly keys?: { pseudonym: Buffer; fields: Buffer };
  /** Routes registered last (the browser tests add the web app). */
  readonly extraRoutes?: readonly RoutePlugin[];
}

/** Test-only bearer credentials for staff and systems: `staff.regulator`, `system.<id>`. */
const testCallers: Authenticator = async (request) => {
  const token = bearerToken(request);
  if (token?.startsWith('staff.'))
    return {
      kind: 'staff',
      roles: [token.slice(6) as 'regulator'],
      subject: 'test',
      name: 'Test staff',
    };
  if (token?.startsWith('system.'))
    return {
      kind: 'system',
      systemId: token.slice(7),
      operatorId: 'op_01JD0000000000000000000000',
      credentialId: 'test',
    };
  return null;
};

export const harnessKeys = () => ({ pseudonym: randomBytes(32), fields: randomBytes(32) });

export async function portalHarness(
  storage: Storage,
  options: HarnessOptions = {},
): Promise<PortalHarness> {
  const clock = testClock();
  const keys = options.keys ?? harnessKeys();
  const pseudonymOf = createPseudonymizer(keys.pseudonym);
  const secrets = { pseudonymOf, fields: createFieldCipher(keys.fields) };
  const subjects = {
    async subjectOf(iin: string) {
      const subject = await ensureSubject(storage.db, secrets, iin);
      const check = checkIin(iin);
      return { pseudonym: subject.pseudonym, birthDate: check.valid ? check.birthDate : '' };
    },
    revealIin: (pseudonym: string) => revealIin(storage.db, secrets, pseudonym),
  };
  // The receipt-signing keys live on disk, as in production; close() removes them.
  const receiptsDir = makeTempDir('qalqan-portal-receipts-');
  const consent = createConsentModule({
    db: storage.db,
    outbox: testOutbox(storage).port,
    subjects,
    registry: {
      async declaredOf(systemId) {
        return systemId === SYSTEM_ID
          ? {
              id: SYSTEM_ID,
              operatorId: 'op_01JD0000000000000000000000',
              name: 'Senim Bank KYC',
              operatorName: 'Senim Bank',
              purposes: ['finance.kyc'],
              categories: ['identity', 'document'],
              hostingCountry: 'KZ',
            }
          : null;
      },
    },
    fields: secrets.fields,
    receipts: await loadReceiptSigner(path.join(receiptsDir, 'keys')),
    webhooks: { allowInsecure: true },
    clock,
  });
  const bus = createInProcessBus();
  const logs: string[] = [];
  // Every log line is kept, so tests can prove no IIN was ever logged.
  const log = pino(loggerOptions('info'), {
    write: (line: string) => {
      logs.push(line);
    },
  });
  const portal = createPortalModule({
    db: storage.db,
    subjects,
    settings: {
      issuer: undefined,
      clientId: 'qalqan-portal',
      clientSecret: undefined,
      iinClaim: 'iin',
      idleTimeoutSeconds: 1800,
      absoluteTimeoutSeconds: 43200,
    },
    ...(options.demo === false ? {} : { demoCitizens: DEMO_CITIZENS }),
    ...(options.wrapProvider ? { wrapProvider: options.wrapProvider } : {}),
    production: false,
    publicUrl: undefined,
    trustProxy: false,
    systemNames: {
      namesOf: (systemId) =>
        Promise.resolve(
          systemId === SYSTEM_ID
            ? {
                name: 'Senim Bank KYC',
                operatorId: 'op_01JD0000000000000000000000',
                operatorName: { kk: 'Сенім Банк', ru: 'Сеним Банк', en: 'Senim Bank' },
              }
            : null,
        ),
    },
    clock,
    log,
  });
  const notify = createNotifyModule({
    db: storage.db,
    events: bus,
    clock,
    stream: { heartbeatMs: 50 },
  });
  const app = await buildApp({
    config: {
      logLevel: 'info',
      bodyLimit: 1024 * 1024,
      trustProxy: false,
      metricsToken: undefined,
    },
    checkReady: () => storage.ping(),
    authenticators: [testCallers, portal.authenticator],
    routes: [...consent.routes, ...portal.routes, ...notify.routes, ...(options.extraRoutes ?? [])],
    loggerInstance: log,
  });
  await app.ready();
  return {
    app,
    portal,
    notify,
    consent,
    bus,
    clock,
    pseudonymOf,
    logs,
    async close() {
      try {
        notify.stop();
        await app.close();
      } finally {
        removeTempDir(receiptsDir);
      }
    },
  };
}

/** A browser's cookies for one origin, path-blind (the paths here never collide by name). */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  take(response: LightMyRequestResponse): void {
    const header = response.headers['set-cookie'];
    for (const line of Array.isArray(header) ? header : header ? [header] : []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some(
        (a) => /max-age=0/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** A browser: follows nothing by itself, keeps cookies, sends the Host of ORIGIN. */
export function browser(app: App) {
  const jar = new CookieJar();
  const send = async (options: InjectOptions & { url: string }) => {
    const target = options.url.startsWith('http') ? new URL(options.url) : undefined;
    const response = await app.inject({
      ...options,
      url: target ? `${target.pathname}${target.search}` : options.url,
      headers: {
        host: HOST,
        accept: 'text/html,application/json',
        ...(jar.cookies.size > 0 ? { cookie: jar.header() } : {}),
        ...(options.headers ?? {}),
      },
    });
    jar.take(response);
    return response;
  };
  return { jar, send };
}

export type Browser = ReturnType<typeof browser>;

/** Walks sign-in through the demo provider as demo citizen `index`; returns the callback answer. */
export async function signInAs(
  b: Browser,
  index: number,
  hooks: { beforeCallback?: (callback: URL) => URL } = {},
  accept = 'text/html,application/json',
): Promise<LightMyRequestResponse> {
  const start = await b.send({ url: '/v1/portal/sign-in?returnTo=/me/consents' });
  expect(start.statusCode, start.body).toBe(303);
  let location = start.headers.location!;
  // The provider redirects to its login page (interaction), possibly through itself first.
  for (let hop = 0; hop < 5 && !location.includes('/interaction/'); hop++) {
    const next = await b.send({ url: location });
    expect([302, 303], next.body).toContain(next.statusCode);
    location = next.headers.location!;
  }
  const page = await b.send({ url: location });
  expect(page.statusCode, page.body).toBe(200);
  const uid = /\/interaction\/([^/"]+)\/login/.exec(page.body)![1]!;
  const login = await b.send({
    method: 'POST',
    url: `/demo-idp/interaction/${uid}/login`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `citizen=${index}`,
  });
  expect([302, 303], login.body).toContain(login.statusCode);
  location = login.headers.location!;
  for (let hop = 0; hop < 5 && !location.includes('/v1/portal/callback'); hop++) {
    const next = await b.send({ url: location });
    expect([302, 303], next.body).toContain(next.statusCode);
    location = next.headers.location!;
  }
  let callback = new URL(location, ORIGIN);
  if (hooks.beforeCallback) callback = hooks.beforeCallback(callback);
  return b.send({ url: `${callback.pathname}${callback.search}`, headers: { accept } });
}

/** The CSRF token of the browser's session. */
export async function csrfOf(b: Browser): Promise<string> {
  const session = await b.send({ url: '/v1/portal/session' });
  return session.json<{ session: { csrfToken: string } }>().session.csrfToken;
}
