/**
 * The demo world's access history (issue 11 item 8), read back the way its citizens and the
 * regulator read it — through the typed client against a composed server: the clinic's treatment,
 * the lender's scoring (permitted with consent, denied without), the bank's KYC under consent and
 * law, the telematics transfer to the insurer in Germany (permitted for the driver who named it,
 * denied for the one who did not), the public figure read by two dozen employees, the open
 * regime and the checks made under it; loading again adds nothing. On SQLite, and on PostgreSQL
 * with DATABASE_URL.
 */
import { createQalqanClient, ok, type paths } from '@qalqan/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeComposed } from '../support/composed-engines.js';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_REGIME_NAME, demoAccessCheckCount } from '../../src/demo/demo-accesses.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-citizens.js';
import { type DemoCredentials, loadDemoWorld } from '../../src/demo/demo.js';
import { injectFetch, IN_PROCESS_URL } from '../../src/http/inject-fetch.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/portal/citizen-auth.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';

type Access =
  paths['/v1/me/accesses']['get']['responses'][200]['content']['application/json']['items'][number];

it('asks 59 checks, the number docs/ACCESS.md gives', () => {
  expect(demoAccessCheckCount()).toBe(59);
});

describeComposed('the demo world’s access history', (env) => {
  let qalqan: Qalqan;
  let demo: DemoCredentials;
  let world: DemoWorldCopy;
  beforeAll(async () => {
    world = await copyDemoWorld(env());
    qalqan = await createQalqan(loadConfig(world.env), { logger: false });
    demo = world.demo;
    // The first suite to ask builds the run's world: a minute on PostgreSQL on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    await qalqan.close();
    await world?.remove();
  });

  const systemId = (name: string) => demo.systems.find((s) => s.system === name)!.systemId;
  /** Every access to a citizen's data, as the citizen's own view lists it (all pages). */
  const accessesOf = async (name: string): Promise<Access[]> => {
    const iin = DEMO_CITIZENS.find((c) => c.name === name)!.iin;
    const { session, token } = await qalqan.portal.sessions.create(qalqan.secrets.pseudonymOf(iin));
    const citizen = createQalqanClient({
      baseUrl: IN_PROCESS_URL,
      fetch: injectFetch(qalqan.app),
      headers: { cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: session.csrfToken },
    });
    const items: Access[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(
        await citizen.GET('/v1/me/accesses', {
          params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } },
        }),
      );
      items.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor);
    return items;
  };
  const summary = (items: Access[]) =>
    items.map((a) => `${a.purpose} ${a.action} ${a.legalBasis} ${a.decision}`).sort();
  const times = (n: number, line: string) => Array.from({ length: n }, () => line);

  it('holds the month’s checks of the clinic, the lender and the bank, each in the signed log', async () => {
    const dana = await accessesOf('Дана Ержанова');
    expect(
      summary(dana.filter((a) => a.systemId === systemId('Electronic health record'))),
    ).toEqual([
      'health.sick-leave read law permit',
      ...times(12, 'health.treatment read consent permit'),
    ]);
    // Three people at the clinic and the metro gate, each shown by an opaque code only.
    expect(new Set(dana.map((a) => a.actor.code)).size).toBe(4);
    expect(JSON.stringify(dana)).not.toContain('dr-therapist-07');
    expect(dana.find((a) => a.legalBasis === 'law')?.basisReference).toBe(
      'Code «On public health», Art. 60',
    );
    for (const access of dana) {
      expect(access.ledgerIndex).not.toBeNull();
      expect(access.receipt?.index).toBe(access.ledgerIndex);
    }

    const nurlan = await accessesOf('Нұрлан Жақсылықов');
    expect(summary(nurlan)).toEqual([
      ...times(4, 'finance.credit-scoring read consent permit'),
      ...times(2, 'finance.kyc read consent permit'),
      'finance.kyc read law permit',
    ]);
    const arman = await accessesOf('Арман Бекмұхамбетов');
    expect(summary(arman)).toEqual(['finance.credit-scoring read consent deny']);
    expect(arman[0]?.systemId).toBe(systemId('Online loan scoring'));
    expect(arman[0]?.reasons.map((r) => r.code)).toEqual(['consent.none']);
  });

  it('permits the telematics transfer to the insurer in Germany for Ерлан and denies it for Тимур', async () => {
    const transfers = (items: Access[]) => items.filter((a) => a.action === 'transfer');
    const erlan = transfers(await accessesOf('Ерлан Омаров'));
    const timur = transfers(await accessesOf('Тимур Серікбаев'));
    for (const [items, decision] of [
      [erlan, 'permit'],
      [timur, 'deny'],
    ] as const) {
      expect(items).toHaveLength(4);
      for (const item of items) {
        expect(item).toMatchObject({
          decision,
          systemId: systemId('Connected car telematics'),
          purpose: 'transport.telematics-service',
          recipient: { name: 'Allianz Versicherungs-AG' },
          country: 'DE',
        });
      }
    }
    expect(erlan.every((a) => a.basis.consentId !== undefined)).toBe(true);
    // Every reason is given: the consent names no insurer, and location and telematics data
    // leave the country only with a consent naming recipient and country together.
    for (const item of timur)
      expect(item.reasons.map((r) => r.code)).toEqual([
        'consent.recipient-not-named',
        'transfer.category_stays_in_country',
      ]);
  });

  it('shows the public figure read by 24 different employees under the law', async () => {
    const sergey = await accessesOf('Sergey Ivanov');
    expect(sergey).toHaveLength(24);
    expect(new Set(sergey.map((a) => a.actor.code)).size).toBe(24);
    for (const access of sergey)
      expect(access).toMatchObject({
        systemId: systemId('eGov subject data hub'),
        decision: 'permit',
        legalBasis: 'law',
        basisReference: 'Law 94-V «On personal data and its protection», Art. 9',
      });
  });

  it('has an open regime, and the pilot’s checks are permitted under it', async () => {
    const regulator = createQalqanClient({
      baseUrl: IN_PROCESS_URL,
      apiKey: demo.staff.regulator,
      fetch: injectFetch(qalqan.app),
    });
    const { regimes } = ok(await regulator.GET('/v1/access-regimes'));
    const pilot = regimes.filter((r) => r.name === DEMO_REGIME_NAME);
    expect(pilot).toHaveLength(1);
    expect(pilot[0]).toMatchObject({
      state: 'in-force',
      closedAt: null,
      systems: [systemId('Astana Smart City face recognition')],
      purposes: ['security.access-control'],
      categories: ['biometric', 'identity'],
    });
    for (const name of ['Айгерим Сапарова', 'Дана Ержанова', 'Ерлан Омаров']) {
      const gate = (await accessesOf(name)).filter(
        (a) => a.systemId === systemId('Astana Smart City face recognition'),
      );
      expect(gate).toHaveLength(1);
      expect(gate[0]).toMatchObject({
        decision: 'permit',
        legalBasis: 'regime',
        basis: { kind: 'regime', regimeId: pilot[0]!.id },
      });
    }

    // Loading again adds no check, consent or regime: the log does not grow.
    const size = (await qalqan.ledger.ledger.checkpoint()).size;
    await loadDemoWorld(qalqan);
    expect((await qalqan.ledger.ledger.checkpoint()).size).toBe(size);
    expect(ok(await regulator.GET('/v1/access-regimes')).regimes).toHaveLength(regimes.length);
  });
});
