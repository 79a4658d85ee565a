/**
 * Coming of age, composed as `qalqan serve` composes it (issue 10 item 3): a parent recorded as
 * guardian gives consent for a 17-year-old through the guardian routes; on the day the child turns
 * 18 the scheduled work ends the guardianship, the guardian's routes answer that their right has
 * ended, the consent stays in force, and the new adult is told so in their inbox (the
 * `consent.subject-came-of-age` event reaches the notify module through the outbox). On SQLite,
 * and on PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { iinBornOn } from '../../src/consent/test-support/consent-app.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/portal/citizen-auth.js';
import { operatorBody, systemBody } from '../../src/registry/test-support/registry-app.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { describeComposed } from '../support/composed-engines.js';

const DAY = 86_400_000;
const today = () => new Date(Date.now() + offset);
let offset = 0;

/** Born 18 years before `days` from today: a minor today who comes of age in `days` days. */
function comesOfAgeIn(days: number): string {
  const date = new Date(Date.now() + days * DAY);
  date.setUTCFullYear(date.getUTCFullYear() - 18);
  return date.toISOString().slice(0, 10);
}

const PARENT = iinBornOn('1981-09-09', 61);
const CHILD = iinBornOn(comesOfAgeIn(10), 71);

describeComposed('a guardian’s consent when the child comes of age', (env) => {
  let qalqan: Qalqan;
  beforeAll(async () => {
    offset = 0;
    qalqan = await createQalqan(loadConfig(env()), { logger: false, clock: today });
  }, 120_000);
  afterAll(async () => {
    offset = 0;
    await qalqan.close();
  });

  const signedIn = async (iin: string) => {
    const { session, token } = await qalqan.portal.sessions.create(qalqan.secrets.pseudonymOf(iin));
    return { cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: session.csrfToken };
  };

  it('the guardian acts until the 18th birthday; then the consent stays and the adult is told', async () => {
    // The regulator registers the bank's system and records the guardianship through the API.
    const { token } = await qalqan.registry.bootstrap.issueStaffToken('regulator', 'Test', {
      kind: 'cli',
      id: 'test',
    });
    const regulator = { authorization: `Bearer ${token}` };
    const post = async (url: string, payload: Record<string, unknown>) => {
      const response = await qalqan.app.inject({
        method: 'POST',
        url,
        headers: regulator,
        payload,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<Record<string, { id?: string; childId?: string }>>();
    };
    const operatorId = (await post('/v1/registry/operators', operatorBody())).operator!.id!;
    const systemId = (await post('/v1/registry/systems', systemBody(operatorId))).system!.id!;
    const childId = (
      await post('/v1/guardianships', {
        guardianIin: PARENT,
        childIin: CHILD,
        relation: 'parent',
        reference: 'Birth certificate',
      })
    ).guardianship!.childId!;
    const asked = await qalqan.consent.service.request(systemId, {
      iin: CHILD,
      purposes: ['finance.kyc'],
      categories: ['identity'],
      retention: 'P1Y',
      validUntil: new Date(Date.now() + 365 * DAY).toISOString(),
      requestExpiresAt: new Date(Date.now() + 5 * DAY).toISOString(),
      message: { kk: 'Шот ашу', ru: 'Открытие счёта', en: 'Opening an account' },
      policyUrl: 'https://bank.example.kz/privacy',
    });
    const id = asked.consent.id;

    const parent = await signedIn(PARENT);
    const childRoute = `/v1/me/children/${childId}`;
    const given = await qalqan.app.inject({
      method: 'POST',
      url: `${childRoute}/consent-requests/${id}/approve`,
      headers: parent,
    });
    expect(given.statusCode, given.body).toBe(200);
    expect(
      given.json<{ consent: { events: { actor: { kind: string } }[] } }>().consent.events.at(-1)
        ?.actor.kind,
    ).toBe('guardian');

    // Eleven days on: the child is 18. The scheduled work (run here rather than waited for; the
    // server's own scheduler may get there first) ends the guardianship.
    offset = 11 * DAY;
    await qalqan.consent.runDueWork();

    const late = await qalqan.app.inject({
      url: `${childRoute}/consents`,
      headers: await signedIn(PARENT),
    });
    expect([late.statusCode, late.json<{ code: string }>().code]).toEqual([
      403,
      'consent.guardian_right_ended',
    ]);

    const adult = await signedIn(CHILD);
    const own = await qalqan.app.inject({ url: '/v1/me/consents', headers: adult });
    expect(own.json<{ consents: { id: string; state: string }[] }>().consents).toEqual([
      expect.objectContaining({ id, state: 'active' }),
    ]);
    // The notice reaches the new adult's inbox (published after the ledger append).
    let types: string[] = [];
    for (const started = Date.now(); Date.now() - started < 10_000;) {
      const inbox = await qalqan.app.inject({ url: '/v1/me/inbox', headers: adult });
      expect(inbox.statusCode, inbox.body).toBe(200);
      types = inbox.json<{ notifications: { type: string }[] }>().notifications.map((n) => n.type);
      if (types.includes('consent.subject-came-of-age')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(types).toContain('consent.subject-came-of-age');
    // The notice is the new adult's, not the former guardian's.
    const parentInbox = await qalqan.app.inject({
      url: '/v1/me/inbox',
      headers: await signedIn(PARENT),
    });
    expect(
      parentInbox.json<{ notifications: { type: string }[] }>().notifications.map((n) => n.type),
    ).not.toContain('consent.subject-came-of-age');
  });
});
