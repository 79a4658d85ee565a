/**
 * The demo world's consents, made through the API (the typed client, answered in process) as
 * systems and citizens make them: systems ask (`POST /v1/consent-requests`), citizens answer in a
 * portal session opened for the purpose and closed after. Active consents (the clinic, the bank's KYC, the car maker's telematics with an
 * insurer abroad for one driver and not the other), a parent's consent for the minor, a refused
 * marketing consent, a withdrawal refused on a ground declared in advance, and pending requests —
 * the school asking Айгерим for her documents through Qalqan instead of a messenger.
 */
import { createQalqanClient, ok, type QalqanClient } from '@qalqan/client';
import { injectFetch, IN_PROCESS_URL } from '../http/inject-fetch.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../portal/citizen-auth.js';
import type { Qalqan } from '../server.js';
import { DEMO_CITIZENS } from './demo-citizens.js';

type Host = Pick<Qalqan, 'app' | 'portal' | 'secrets'>;

interface Credentials {
  readonly staff: { readonly regulator: string };
  readonly systems: readonly { readonly system: string; readonly apiKey: string }[];
}

const DAY = 86_400_000;

const POLICIES: Readonly<Record<string, string>> = {
  'Electronic health record': 'https://gp5.kz/privacy',
  'Core banking': 'https://senimbank.kz/privacy',
  'Customer marketing CRM': 'https://senimbank.kz/privacy',
  'Connected car telematics': 'https://autowerk.example/kz/privacy',
  'School records and staff files': 'https://school54.edu.kz/privacy',
};

function citizenIin(name: string): string {
  const found = DEMO_CITIZENS.find((c) => c.name === name);
  if (!found) throw new Error(`demo world: no demo citizen ${name}`);
  return found.iin;
}

export async function loadDemoConsents(qalqan: Host, demo: Credentials): Promise<void> {
  const fetch = injectFetch(qalqan.app);
  const clientWith = (headers: Record<string, string>) =>
    createQalqanClient({ baseUrl: IN_PROCESS_URL, fetch, headers });
  const systemClient = (system: string) => {
    const found = demo.systems.find((s) => s.system === system);
    if (!found) throw new Error(`demo world: no demo system ${system}`);
    return createQalqanClient({ baseUrl: IN_PROCESS_URL, fetch, apiKey: found.apiKey });
  };
  /** Acts as the citizen in a session of its own, ended afterwards. */
  const asCitizen = async <T>(name: string, act: (citizen: QalqanClient) => Promise<T>) => {
    const { session, token } = await qalqan.portal.sessions.create(
      qalqan.secrets.pseudonymOf(citizenIin(name)),
    );
    try {
      return await act(
        clientWith({ cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: session.csrfToken }),
      );
    } finally {
      await qalqan.portal.sessions.revoke(session.id, 'sign-out');
    }
  };

  // Loaded once: a world rebuilt with new credentials keeps the consents it already has.
  const aigerimAsked = await asCitizen('Айгерим Сапарова', async (citizen) =>
    ok(await citizen.GET('/v1/me/consent-requests')),
  );
  if (aigerimAsked.requests.length > 0) return;

  const now = Date.now();
  const ask = (
    system: string,
    citizen: string,
    body: {
      purposes: string[];
      categories: string[];
      message: { kk: string; ru: string; en: string };
      recipients?: { name: string; country: string; identifier?: string }[];
      validDays?: number;
    },
  ) =>
    systemClient(system)
      .POST('/v1/consent-requests', {
        body: {
          iin: citizenIin(citizen),
          purposes: body.purposes,
          categories: body.categories,
          ...(body.recipients ? { recipients: body.recipients } : {}),
          retention: 'P3Y',
          validUntil: new Date(now + (body.validDays ?? 365) * DAY).toISOString(),
          requestExpiresAt: new Date(now + 14 * DAY).toISOString(),
          message: body.message,
          policyUrl: POLICIES[system] ?? 'https://qalqan.example/demo/privacy',
        },
      })
      .then((r) => ok(r).request.id);
  const answer = (citizen: string, id: string, verb: 'approve' | 'refuse') =>
    asCitizen(citizen, async (client) => {
      const params = { path: { id } };
      if (verb === 'approve')
        ok(await client.POST('/v1/me/consent-requests/{id}/approve', { params }));
      else ok(await client.POST('/v1/me/consent-requests/{id}/refuse', { params }));
    });

  // The clinic treats Дана with her consent.
  await answer(
    'Дана Ержанова',
    await ask('Electronic health record', 'Дана Ержанова', {
      purposes: ['health.treatment'],
      categories: ['identity', 'health'],
      message: { kk: 'Емдеу үшін', ru: 'Для лечения', en: 'For your treatment' },
    }),
    'approve',
  );

  // The bank's KYC: given, then a withdrawal refused — the AML law keeps the file for five years.
  const kyc = await ask('Core banking', 'Нұрлан Жақсылықов', {
    purposes: ['finance.kyc'],
    categories: ['identity', 'document'],
    message: {
      kk: 'Шот ашу үшін',
      ru: 'Для открытия счёта',
      en: 'To open your account',
    },
  });
  await answer('Нұрлан Жақсылықов', kyc, 'approve');
  ok(
    await systemClient('Core banking').POST('/v1/withdrawal-grounds', {
      body: {
        purpose: 'finance.kyc',
        reason: {
          kk: 'Заң бойынша клиентті сәйкестендіру деректері іскерлік қатынас аяқталғаннан кейін бес жыл сақталады.',
          ru: 'По закону данные идентификации клиента хранятся пять лет после окончания деловых отношений.',
          en: 'By law, customer identification data are kept for five years after the business relationship ends.',
        },
        reference: 'AML/CFT Law 191-IV, Art. 5',
      },
    }),
  );
  await asCitizen('Нұрлан Жақсылықов', async (citizen) =>
    ok(await citizen.POST('/v1/me/consents/{id}/withdraw', { params: { path: { id: kyc } } })),
  );

  // Telematics: Ерлан also lets the maker share driving data with an insurer in Germany; Тимур not.
  const telematics = {
    purposes: ['transport.telematics-service'],
    categories: ['identity', 'location', 'telematics'],
    message: {
      kk: 'Көлікке қызмет көрсету үшін',
      ru: 'Для обслуживания автомобиля',
      en: 'To service your car',
    },
  };
  await answer(
    'Ерлан Омаров',
    await ask('Connected car telematics', 'Ерлан Омаров', {
      ...telematics,
      recipients: [{ name: 'Allianz Versicherungs-AG', country: 'DE' }],
    }),
    'approve',
  );
  await answer(
    'Тимур Серікбаев',
    await ask('Connected car telematics', 'Тимур Серікбаев', telematics),
    'approve',
  );

  // Арман refuses the bank's marketing.
  await answer(
    'Арман Бекмұхамбетов',
    await ask('Customer marketing CRM', 'Арман Бекмұхамбетов', {
      purposes: ['marketing'],
      categories: ['identity', 'contact'],
      message: { kk: 'Ұсыныстар', ru: 'Предложения банка', en: 'Offers from the bank' },
    }),
    'refuse',
  );

  // Мадина is 15: her father, recorded as her guardian by the regulator, consents for her.
  const regulator = createQalqanClient({
    baseUrl: IN_PROCESS_URL,
    fetch,
    apiKey: demo.staff.regulator,
  });
  const { guardianship } = ok(
    await regulator.POST('/v1/guardianships', {
      body: {
        guardianIin: citizenIin('Ерлан Омаров'),
        childIin: citizenIin('Мадина Қасымова'),
        relation: 'parent',
        reference: 'Birth certificate I-АҚ No. 0451278',
      },
    }),
  );
  const enrolment = await ask('School records and staff files', 'Мадина Қасымова', {
    purposes: ['education.enrolment'],
    categories: ['identity', 'address', 'education'],
    message: {
      kk: '10-сыныпқа қабылдау үшін',
      ru: 'Для зачисления в 10 класс',
      en: 'For enrolment in year 10',
    },
  });
  await asCitizen('Ерлан Омаров', async (parent) =>
    ok(
      await parent.POST('/v1/me/children/{childId}/consent-requests/{id}/approve', {
        params: { path: { childId: guardianship.childId, id: enrolment } },
      }),
    ),
  );

  // Pending: the school asks Айгерим, a teacher, for her documents through Qalqan instead of a
  // messenger; the bank asks Арман to identify him for a new card.
  await ask('School records and staff files', 'Айгерим Сапарова', {
    purposes: ['employment.hr'],
    categories: ['identity', 'document', 'education'],
    message: {
      kk: 'Жеке іс үшін құжаттар',
      ru: 'Документы для личного дела',
      en: 'Documents for your staff file',
    },
  });
  await ask('Core banking', 'Арман Бекмұхамбетов', {
    purposes: ['finance.kyc'],
    categories: ['identity', 'document'],
    message: { kk: 'Жаңа карта', ru: 'Новая карта', en: 'Your new card' },
  });
}
