/**
 * The demo world's consents (issue 10 item 9), loaded through the API into a composed server:
 * who consented to what, the refusals, the pending requests, the minor's age, and that loading
 * it again adds nothing. On SQLite, and on PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_CITIZENS, minorBirthDate } from '../../src/demo/demo-citizens.js';
import { loadDemoWorld, type DemoCredentials } from '../../src/demo/demo.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/portal/citizen-auth.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { describeComposed } from '../support/composed-engines.js';
import { ageOn } from '../../src/subjects/subjects.module.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';

interface View {
  id: string;
  state: string;
  purposes: string[];
  events: { type: string; actor: { kind: string }; reason?: { reference?: string } }[];
}

describeComposed('the demo world’s consents', (env) => {
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

  const pseudonymOf = (name: string) =>
    qalqan.secrets.pseudonymOf(DEMO_CITIZENS.find((c) => c.name === name)!.iin);
  const read = async <T>(name: string, url: string): Promise<T> => {
    const { session, token } = await qalqan.portal.sessions.create(pseudonymOf(name));
    const response = await qalqan.app.inject({
      url,
      headers: { cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: session.csrfToken },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<T>();
  };
  const consentsOf = async (name: string) =>
    (await read<{ consents: View[] }>(name, '/v1/me/consents')).consents;
  const requestsOf = async (name: string) =>
    (await read<{ requests: View[] }>(name, '/v1/me/consent-requests')).requests;

  it('has the consents, refusals and pending requests the story needs', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const minor = DEMO_CITIZENS.find((c) => c.name === 'Мадина Қасымова')!;
    expect(minor.birthDate).toBe(minorBirthDate());
    expect(ageOn(minor.birthDate, today)).toBe(15);

    expect((await consentsOf('Дана Ержанова')).map((c) => [c.purposes, c.state])).toEqual([
      [['health.treatment'], 'active'],
    ]);
    // Нұрлан also consents to the lender's scoring (the access history's loan application).
    const nurlan = await consentsOf('Нұрлан Жақсылықов');
    expect(nurlan.map((c) => c.purposes).sort()).toEqual([
      ['finance.credit-scoring'],
      ['finance.kyc'],
    ]);
    const kyc = nurlan.find((c) => c.purposes.includes('finance.kyc'));
    expect(kyc?.state).toBe('active');
    expect(kyc?.events.map((e) => e.type)).toEqual(['requested', 'given', 'withdrawal-refused']);
    // docs/CONSENT.md: refused on the AML ground the bank declared.
    expect(kyc?.events.at(-1)?.reason?.reference).toBe('AML/CFT Law 191-IV, Art. 5');
    expect(
      (await consentsOf('Арман Бекмұхамбетов')).map((c) => [c.purposes, c.state]),
    ).toContainEqual([['marketing'], 'refused']);
    const madina = await consentsOf('Мадина Қасымова');
    expect(madina.map((c) => c.state)).toEqual(['active']);
    // docs/CONSENT.md: a parent's consent — given by her guardian, not by her.
    expect(madina[0]?.events.find((e) => e.type === 'given')?.actor.kind).toBe('guardian');
    expect((await requestsOf('Айгерим Сапарова')).map((r) => r.purposes)).toEqual([
      ['employment.hr'],
    ]);
    expect((await requestsOf('Арман Бекмұхамбетов')).map((r) => r.purposes)).toEqual([
      ['finance.kyc'],
    ]);

    // The insurer in Germany is named in one driver's consent only.
    const telematics = demo.systems.find((s) => s.system === 'Connected car telematics')!;
    const profile = await qalqan.registry.profileOf(telematics.systemId, new Date());
    const transfer = (name: string) =>
      qalqan.consent.coveringConsent({
        subject: pseudonymOf(name),
        system: telematics.systemId,
        operator: profile!.system.operatorId,
        purpose: 'transport.telematics-service',
        categories: ['location'],
        recipient: { name: 'Allianz Versicherungs-AG' },
        country: 'DE',
        at: new Date().toISOString(),
      });
    expect((await transfer('Ерлан Омаров')).covered).toBe(true);
    const other = await transfer('Тимур Серікбаев');
    expect(!other.covered && other.reason.code).toBe('recipient-not-named');

    // Loading again adds nothing.
    await loadDemoWorld(qalqan);
    expect(await requestsOf('Айгерим Сапарова')).toHaveLength(1);
    expect(await consentsOf('Дана Ержанова')).toHaveLength(1);
  });
});
