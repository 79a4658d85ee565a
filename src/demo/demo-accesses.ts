/**
 * The demo world's access history (issue 11 item 8): the checks a month of ordinary work makes,
 * asked the way operators ask — each system with its own API key, through the typed client
 * (`@qalqan/client`), one `Idempotency-Key` per check. The clinic treats Дана; the lender scores
 * Нұрлан (with the consent he gives it here) and tries Арман, who never applied; the bank runs
 * KYC under his consent and under the AML law; the car maker's weekly batch sends telematics to
 * an insurer in Germany — permitted for Ерлан, who named it, denied for Тимур, who did not; two
 * dozen employees read Sergey Ivanov's record; the regulator opens an experimental regime for the
 * Smart City face-recognition pilot and the turnstiles check under it.
 *
 * The log is append-only and time-stamped by the server, so the month's checks are all made when
 * the demo is loaded: the history has a month's shape and volume, not backdated times.
 */
import { createQalqanClient, ok, type paths, type QalqanClient } from '@qalqan/client';
import { injectFetch, IN_PROCESS_URL } from '../http/inject-fetch.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../portal/citizen-auth.js';
import type { Qalqan } from '../server.js';
import { DEMO_CITIZENS } from './demo-citizens.js';

type Host = Pick<Qalqan, 'app' | 'portal' | 'secrets'>;

interface Credentials {
  readonly staff: { readonly regulator: string };
  readonly systems: readonly {
    readonly system: string;
    readonly systemId: string;
    readonly apiKey: string;
  }[];
}

export type AccessCheckBody =
  paths['/v1/access-checks']['post']['requestBody']['content']['application/json'];

/** The regime the regulator opens for the Smart City pilot; its presence marks the history loaded. */
export const DEMO_REGIME_NAME = 'Smart City face-recognition pilot at metro entrances';

const DAY = 86_400_000;
const EGOV_LAW = 'Law 94-V «On personal data and its protection», Art. 9';
const AML_LAW = 'AML/CFT Law 191-IV, Art. 5';
const HEALTH_CODE = 'Code «On public health», Art. 60';
const INSURER = { name: 'Allianz Versicherungs-AG' };
const PILOT_ACT =
  'Order of the Minister of Digital Development No. 412/НҚ, under the Digital Code, Art. 27';

function iinOf(name: string): string {
  const found = DEMO_CITIZENS.find((c) => c.name === name);
  if (!found) throw new Error(`demo world: no demo citizen ${name}`);
  return found.iin;
}

/** One system's checks of the month, in the order they are asked. */
interface Story {
  readonly system: string;
  readonly checks: readonly AccessCheckBody[];
  /** Sent as one batch per group of this size (a bulk job); single checks when absent. */
  readonly batchOf?: number;
}

function stories(): Story[] {
  const dana = iinOf('Дана Ержанова');
  const nurlan = iinOf('Нұрлан Жақсылықов');
  const erlan = iinOf('Ерлан Омаров');
  const timur = iinOf('Тимур Серікбаев');
  const read = (
    subject: string,
    actor: string,
    purpose: string,
    categories: string[],
    legalBasis: string,
    basisReference?: string,
  ): AccessCheckBody => ({
    subject,
    actor: { id: actor },
    action: 'read',
    purpose,
    categories,
    legalBasis,
    ...(basisReference ? { basisReference } : {}),
  });
  // Three visits to the clinic, four reads each (reception, doctor, lab, doctor again).
  const clinic = [1, 2, 3].flatMap(() =>
    ['reception-02', 'dr-therapist-07', 'lab-assistant-2', 'dr-therapist-07'].map((actor) =>
      read(dana, actor, 'health.treatment', ['identity', 'health'], 'consent'),
    ),
  );
  clinic.push(
    read(dana, 'dr-therapist-07', 'health.sick-leave', ['identity', 'health'], 'law', HEALTH_CODE),
  );
  const transfer = (subject: string): AccessCheckBody => ({
    subject,
    actor: { id: 'eu-insurance-export-job' },
    action: 'transfer',
    purpose: 'transport.telematics-service',
    categories: ['identity', 'location', 'telematics'],
    legalBasis: 'consent',
    recipient: INSURER,
    country: 'DE',
    recordCount: 1,
  });
  return [
    { system: 'Electronic health record', checks: clinic },
    {
      system: 'Online loan scoring',
      checks: [
        // Scored on his application and re-scored before each of three repayments.
        ...['scoring-engine', 'scoring-engine', 'scoring-engine', 'underwriter-11'].map((actor) =>
          read(nurlan, actor, 'finance.credit-scoring', ['identity', 'financial'], 'consent'),
        ),
        // Арман never applied: without his consent the lender may not score him.
        read(
          iinOf('Арман Бекмұхамбетов'),
          'scoring-engine',
          'finance.credit-scoring',
          ['identity', 'financial'],
          'consent',
        ),
      ],
    },
    {
      system: 'Core banking',
      checks: [
        read(nurlan, 'kyc-officer-3', 'finance.kyc', ['identity', 'document'], 'consent'),
        read(nurlan, 'kyc-officer-3', 'finance.kyc', ['identity', 'document'], 'consent'),
        read(nurlan, 'aml-review-job', 'finance.kyc', ['identity', 'document'], 'law', AML_LAW),
      ],
    },
    // A weekly job sends both drivers' telematics to the insurer: four weeks, one batch each.
    {
      system: 'Connected car telematics',
      checks: [1, 2, 3, 4].flatMap(() => [transfer(erlan), transfer(timur)]),
      batchOf: 2,
    },
    {
      system: 'eGov subject data hub',
      checks: [
        // Twenty-four service-centre employees open the public figure's record in one month.
        ...Array.from({ length: 24 }, (_, i) =>
          read(
            iinOf('Sergey Ivanov'),
            `con-astana-${String(101 + i * 7).padStart(3, '0')}`,
            'public.service-delivery',
            ['identity', 'address', 'document'],
            'law',
            EGOV_LAW,
          ),
        ),
        // The pension is recalculated: one search and one read.
        { ...benefits(iinOf('Гүлнар Тұрсынбекова')), action: 'search' },
        benefits(iinOf('Гүлнар Тұрсынбекова')),
      ],
    },
    {
      system: 'School records and staff files',
      checks: [
        read(
          iinOf('Мадина Қасымова'),
          'registrar-1',
          'education.enrolment',
          ['identity', 'address', 'education'],
          'consent',
        ),
      ],
    },
    // Turnstiles at metro entrances identify passengers under the pilot regime, without consent.
    {
      system: 'Astana Smart City face recognition',
      checks: ['Айгерим Сапарова', 'Дана Ержанова', 'Ерлан Омаров'].map((name) =>
        read(
          iinOf(name),
          'metro-gate-baiterek',
          'security.access-control',
          ['identity', 'biometric'],
          'regime',
          PILOT_ACT,
        ),
      ),
    },
  ];

  function benefits(subject: string): AccessCheckBody {
    return read(
      subject,
      'pension-calc-job',
      'social.benefits',
      ['identity', 'social', 'financial'],
      'law',
      EGOV_LAW,
    );
  }
}

/** How many checks the month's stories ask (docs/ACCESS.md, "The demo world's checks"). */
export function demoAccessCheckCount(): number {
  return stories().reduce((sum, story) => sum + story.checks.length, 0);
}

export async function loadDemoAccesses(qalqan: Host, demo: Credentials): Promise<void> {
  const fetch = injectFetch(qalqan.app);
  const clientOf = (apiKey: string) =>
    createQalqanClient({ baseUrl: IN_PROCESS_URL, apiKey, fetch });
  const systemClient = (name: string): QalqanClient => {
    const found = demo.systems.find((s) => s.system === name);
    if (!found) throw new Error(`demo world: no demo system ${name}`);
    return clientOf(found.apiKey);
  };
  const systemId = (name: string) => demo.systems.find((s) => s.system === name)?.systemId ?? '';
  const regulator = clientOf(demo.staff.regulator);

  // Loaded once: the pilot's regime marks a world whose history is already there.
  const { regimes } = ok(await regulator.GET('/v1/access-regimes'));
  if (regimes.some((r) => r.name === DEMO_REGIME_NAME)) return;

  // The regulator opens the pilot's regime, from a week ago for three months (first: it marks the
  // history as loaded).
  const now = Date.now();
  ok(
    await regulator.POST('/v1/access-regimes', {
      body: {
        name: DEMO_REGIME_NAME,
        act: PILOT_ACT,
        systems: [systemId('Astana Smart City face recognition')],
        purposes: ['security.access-control'],
        categories: ['identity', 'biometric'],
        start: new Date(now - 7 * DAY).toISOString(),
        end: new Date(now + 90 * DAY).toISOString(),
      },
    }),
  );

  // Нұрлан applies for a loan: the lender asks for his consent to score him, and he gives it.
  const lender = systemClient('Online loan scoring');
  const { request } = ok(
    await lender.POST('/v1/consent-requests', {
      body: {
        iin: iinOf('Нұрлан Жақсылықов'),
        purposes: ['finance.credit-scoring'],
        categories: ['identity', 'financial', 'employment'],
        retention: 'P1Y',
        validUntil: new Date(now + 365 * DAY).toISOString(),
        requestExpiresAt: new Date(now + 14 * DAY).toISOString(),
        message: {
          kk: 'Несие өтінімін бағалау үшін',
          ru: 'Для оценки заявки на заём',
          en: 'To assess your loan application',
        },
        policyUrl: 'https://zhyldamkaryz.kz/privacy',
      },
    }),
  );
  const { session, token } = await qalqan.portal.sessions.create(
    qalqan.secrets.pseudonymOf(iinOf('Нұрлан Жақсылықов')),
  );
  try {
    const citizen = createQalqanClient({
      baseUrl: IN_PROCESS_URL,
      fetch,
      headers: { cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: session.csrfToken },
    });
    ok(
      await citizen.POST('/v1/me/consent-requests/{id}/approve', {
        params: { path: { id: request.id } },
      }),
    );
  } finally {
    await qalqan.portal.sessions.revoke(session.id, 'sign-out');
  }

  // The systems work side by side, each asking in its own order (the log interleaves them, as it
  // would in a month); one Idempotency-Key per request: a retry after a lost answer records once.
  await Promise.all(
    stories().map(async (story, s) => {
      const client = systemClient(story.system);
      const size = story.batchOf ?? 1;
      for (let i = 0; i < story.checks.length; i += size) {
        const params = { header: { 'idempotency-key': `demo-check-${s}-${i}` } };
        if (story.batchOf)
          ok(
            await client.POST('/v1/access-checks/batch', {
              params,
              body: { checks: story.checks.slice(i, i + size) },
            }),
          );
        else ok(await client.POST('/v1/access-checks', { params, body: story.checks[i]! }));
      }
    }),
  );
}
