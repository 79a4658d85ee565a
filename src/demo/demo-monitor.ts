/**
 * The monitoring centre's demo world (issue 13 item 9), made through the API as the SOC and the
 * systems would make it:
 *
 * - before the month's accesses are replayed, the SOC registers the public figure (Sergey Ivanov)
 *   as a protected person and plants a honeytoken record, so the service-centre employees who open
 *   his record (demo-accesses.ts) each raise a snooping alert, grouped into one case per employee;
 * - then one loan officer of the microfinance lender harvests: 240 distinct borrowers' records
 *   through the scoring system's batch endpoint in one go. The centre counts every check,
 *   permitted or denied (bulk harvesting, 200 subjects an hour); the sweep touches the decoy
 *   record planted among the borrowers, so the officer is blocked automatically (the next check
 *   is denied saying so) and suspending the whole system is proposed to an analyst, who confirms
 *   it in the console. Both alerts are in one case, the officer's;
 * - the city polyclinic registers two of its employees on its staff register (by IIN, through
 *   its system's key) and its receptionist opens the therapist's own medical record: a
 *   coworker-snooping alert;
 * - the car maker's telematics system declares Germany as its destination, so its weekly
 *   transfers to the insurer there (adequate, declared) raise nothing;
 * - an incident is opened from the harvest's case, so its notification clock runs; it is given no
 *   title, so its title is composed from its facts (in the console, in the reader's language).
 *
 * Loaded once: each step looks for what it would create first.
 */
import { withCheckDigit } from '../core/identifiers.js';
import type { Qalqan } from '../server.js';
import { DEMO_CITIZENS } from './demo-citizens.js';

type Host = Pick<Qalqan, 'app'>;

interface Credentials {
  readonly staff: { readonly soc: string };
  readonly systems: readonly {
    readonly system: string;
    readonly systemId: string;
    readonly apiKey: string;
  }[];
}

export const HARVEST_SYSTEM = 'Online loan scoring';
export const HARVEST_ACTOR = 'loan-officer-14';
export const HARVEST_RULE = 'bulk-harvesting';
/** The rule that blocks the harvester: the decoy record among the borrowers is touched. */
export const BLOCK_RULE = 'honeytoken-touched';
export const PUBLIC_FIGURE = 'Sergey Ivanov';
/** The polyclinic's system, the colleague whose record is opened and who opens it. */
export const CLINIC_SYSTEM = 'Electronic health record';
export const SNOOPED_EMPLOYEE_ACTOR = 'dr-therapist-07';
export const SNOOPING_ACTOR = 'reception-02';
export const SNOOPING_RULE = 'coworker-snooping';
/** The car maker's system and where it sends telematics. */
export const TRANSFER_SYSTEM = 'Connected car telematics';
export const TRANSFER_COUNTRY = 'DE';
/** The polyclinic's employees on its staff register: the therapist and the receptionist. */
export const CLINIC_STAFF: readonly { iin: string; actorId: string; label: string }[] = [
  {
    iin: withCheckDigit('79031540021') ?? '',
    actorId: SNOOPED_EMPLOYEE_ACTOR,
    label: 'Therapist',
  },
  { iin: withCheckDigit('96110840022') ?? '', actorId: SNOOPING_ACTOR, label: 'Reception' },
];
const HARVEST_SIZE = 240;
/** Where in the sweep the decoy record lies. */
const DECOY_AT = 160;

class DemoMonitorError extends Error {}

async function call<T>(
  qalqan: Host,
  token: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
): Promise<T> {
  const response = await qalqan.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
  if (response.statusCode >= 300)
    throw new DemoMonitorError(
      `demo world: ${method} ${url} answered ${response.statusCode}: ${response.body}`,
    );
  return response.json<T>();
}

/** The borrowers the officer pulls: valid IINs born 1960–1999, none of them a demo citizen. */
export function harvestedIins(count = HARVEST_SIZE): string[] {
  const known = new Set(DEMO_CITIZENS.map((c) => c.iin));
  const out: string[] = [];
  for (let serial = 1; out.length < count; serial++) {
    const year = 60 + (serial % 40);
    const month = String(1 + (serial % 12)).padStart(2, '0');
    const day = String(1 + (serial % 28)).padStart(2, '0');
    const iin = withCheckDigit(`${year}${month}${day}3${String(serial).padStart(4, '0')}`);
    if (iin && !known.has(iin)) out.push(iin);
  }
  return out;
}

/** A record no process ever reads: any access to it is a harvest or a snoop in progress. */
export const HONEYTOKEN_IIN = withCheckDigit('58020230917') ?? '';

interface Listed {
  readonly items: readonly { readonly label: string | null }[];
}

/** Reference data the rules need, registered before the accesses they must see. */
export async function prepareDemoMonitor(qalqan: Host, credentials: Credentials): Promise<void> {
  const soc = credentials.staff.soc;
  const figure = DEMO_CITIZENS.find((c) => c.name === PUBLIC_FIGURE);
  if (!figure) throw new DemoMonitorError(`demo world: no demo citizen ${PUBLIC_FIGURE}`);
  const entries: readonly [string, string, string][] = [
    ['protected-persons', figure.iin, 'Public figure: Sergey Ivanov'],
    ['honeytokens', HONEYTOKEN_IIN, 'Decoy borrower record'],
  ];
  for (const [list, iin, label] of entries) {
    const existing = await call<Listed>(qalqan, soc, 'GET', `/v1/monitor/${list}`);
    if (existing.items.some((item) => item.label === label)) continue;
    await call(qalqan, soc, 'POST', `/v1/monitor/${list}`, { iin, label });
  }

  // The polyclinic's staff register, through its own system's key.
  const clinic = systemNamed(credentials, CLINIC_SYSTEM);
  const { operatorId } = await call<{ operatorId: string }>(
    qalqan,
    soc,
    'GET',
    `/v1/registry/systems/${clinic.systemId}`,
  );
  const staffUrl = `/v1/monitor/operators/${operatorId}/staff`;
  const staff = await call<{ items: { actorId: string | null }[] }>(
    qalqan,
    clinic.apiKey,
    'GET',
    staffUrl,
  );
  for (const member of CLINIC_STAFF)
    if (!staff.items.some((item) => item.actorId === member.actorId))
      await call(qalqan, clinic.apiKey, 'POST', staffUrl, member);

  // The car maker declares where its telematics go, so its transfers there are expected.
  const telematics = systemNamed(credentials, TRANSFER_SYSTEM);
  const destinationsUrl = `/v1/monitor/systems/${telematics.systemId}/destinations`;
  const declared = await call<{ items: { country: string }[] }>(
    qalqan,
    telematics.apiKey,
    'GET',
    destinationsUrl,
  );
  if (!declared.items.some((item) => item.country === TRANSFER_COUNTRY))
    await call(qalqan, telematics.apiKey, 'POST', destinationsUrl, {
      country: TRANSFER_COUNTRY,
      note: 'Allianz Versicherungs-AG: telematics for usage-based insurance',
    });
}

function systemNamed(credentials: Credentials, name: string): Credentials['systems'][number] {
  const found = credentials.systems.find((s) => s.system === name);
  if (!found) throw new DemoMonitorError(`demo world: no system ${name}`);
  return found;
}

interface AlertSummary {
  readonly id: string;
  readonly caseId: string | null;
  readonly context: { readonly actorId?: string };
}

async function harvestAlert(qalqan: Host, soc: string): Promise<AlertSummary | undefined> {
  const page = await call<{ items: AlertSummary[] }>(
    qalqan,
    soc,
    'GET',
    `/v1/monitor/alerts?ruleId=${HARVEST_RULE}&limit=50`,
  );
  return page.items.find((alert) => alert.context.actorId === HARVEST_ACTOR);
}

/** Waits for the centre to act on what it has been sent (it reads the log asynchronously). */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until)
      throw new DemoMonitorError(`demo world: the monitoring centre did not ${what} in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface DemoMonitorWorld {
  readonly snoopingAlertId: string;
  readonly harvestAlertId: string;
  readonly harvestCaseId: string;
  readonly incidentId: string;
}

/** The harvest, the automatic block, the proposed suspension and the incident. */
export async function loadDemoMonitor(
  qalqan: Host,
  credentials: Credentials,
): Promise<DemoMonitorWorld> {
  const soc = credentials.staff.soc;
  const lender = credentials.systems.find((s) => s.system === HARVEST_SYSTEM);
  if (!lender) throw new DemoMonitorError(`demo world: no system ${HARVEST_SYSTEM}`);

  const snoopingAlertId = await loadSnooping(qalqan, credentials);

  let alert = await harvestAlert(qalqan, soc);
  if (!alert) {
    const check = (subject: string) => ({
      subject,
      actor: { id: HARVEST_ACTOR },
      action: 'read',
      purpose: 'finance.credit-scoring',
      categories: ['identity', 'financial'],
      legalBasis: 'consent',
    });
    const iins = harvestedIins(HARVEST_SIZE - 1);
    iins.splice(DECOY_AT, 0, HONEYTOKEN_IIN);
    await call(qalqan, lender.apiKey, 'POST', '/v1/access-checks/batch', {
      checks: iins.map(check),
    });
    alert = await eventually('raise the harvesting alert', () => harvestAlert(qalqan, soc));
  }
  const raised = alert;
  const caseId = await eventually('group the harvest into a case', async () =>
    raised.caseId ? raised.caseId : ((await harvestAlert(qalqan, soc))?.caseId ?? undefined),
  );

  // The centre acts on the alert as it stores it: the block in force, the suspension proposed.
  // Waiting for both leaves the world settled for whoever reads it next.
  await eventually('take the harvest responses', async () => {
    const { items } = await call<{ items: { action: string; state: string }[] }>(
      qalqan,
      soc,
      'GET',
      `/v1/monitor/responses?caseId=${encodeURIComponent(caseId)}`,
    );
    const has = (action: string) => items.some((r) => r.action === action);
    return has('block-actor') && has('suspend-system') ? true : undefined;
  });

  const incidents = await call<{ items: { id: string; caseId: string | null }[] }>(
    qalqan,
    soc,
    'GET',
    `/v1/monitor/incidents?caseId=${encodeURIComponent(caseId)}`,
  );
  const incidentId =
    incidents.items.find((incident) => incident.caseId === caseId)?.id ??
    // No title: the server composes one from the incident's facts, and the console words them
    // in the reader's language.
    (await call<{ id: string }>(qalqan, soc, 'POST', '/v1/monitor/incidents', { caseId })).id;
  return { snoopingAlertId, harvestAlertId: raised.id, harvestCaseId: caseId, incidentId };
}

/** The receptionist opens the therapist's medical record: a colleague's, for no treatment of theirs. */
async function loadSnooping(qalqan: Host, credentials: Credentials): Promise<string> {
  const soc = credentials.staff.soc;
  const find = async () =>
    (
      await call<{ items: AlertSummary[] }>(
        qalqan,
        soc,
        'GET',
        `/v1/monitor/alerts?ruleId=${SNOOPING_RULE}&limit=50`,
      )
    ).items.find((a) => a.context.actorId === SNOOPING_ACTOR)?.id;
  const found = await find();
  if (found) return found;
  const clinic = systemNamed(credentials, CLINIC_SYSTEM);
  await call(qalqan, clinic.apiKey, 'POST', '/v1/access-checks', {
    subject: CLINIC_STAFF[0]!.iin,
    actor: { id: SNOOPING_ACTOR },
    action: 'read',
    purpose: 'health.treatment',
    categories: ['identity', 'health'],
    legalBasis: 'consent',
  });
  return eventually('raise the coworker-snooping alert', find);
}
