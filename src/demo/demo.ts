/**
 * The demo world: one call brings a fresh server to a state worth exploring, and grows as each
 * capability lands. Operators and systems are created through the registry's HTTP API with the
 * demo regulator's token and the typed client (`@qalqan/client`, answered in process), exactly as
 * a regulator's tools would. Loading it again changes nothing
 * while the saved credentials still work; its credentials are printed and written to
 * `<dataDir>/demo-credentials.json` (mode 0600).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createQalqanClient, ok } from '@qalqan/client';
import { injectFetch, IN_PROCESS_URL } from '../http/inject-fetch.js';
import type { Qalqan } from '../server.js';
import { createSubjects } from '../subjects/subjects.module.js';
import { DEMO_CITIZENS } from './demo-citizens.js';
import { loadDemoAccesses } from './demo-accesses.js';
import { loadDemoConsents } from './demo-consents.js';
import { loadDemoMonitor, prepareDemoMonitor } from './demo-monitor.js';
import { DEMO_OPERATORS } from './demo-registry.js';

export interface DemoSystemCredential {
  readonly operator: string;
  readonly system: string;
  readonly systemId: string;
  readonly apiKey: string;
}

export interface DemoCredentials {
  readonly baseUrl: string | undefined;
  readonly staff: { readonly regulator: string; readonly soc: string; readonly auditor: string };
  readonly systems: readonly DemoSystemCredential[];
  readonly citizens: readonly {
    readonly name: string;
    readonly iin: string;
    readonly story: string;
  }[];
  readonly file: string;
}

type DemoHost = Pick<Qalqan, 'storage' | 'secrets' | 'config' | 'app' | 'registry' | 'portal'>;

const DEMO_ACTOR = { kind: 'demo' as const, id: 'demo-world' };

function readSaved(file: string): Omit<DemoCredentials, 'file'> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Omit<DemoCredentials, 'file'>;
  } catch {
    return undefined;
  }
}

/** The saved credentials are reused only if every token and key still authenticates. */
async function stillValid(
  qalqan: DemoHost,
  saved: Omit<DemoCredentials, 'file'>,
): Promise<boolean> {
  try {
    const { bootstrap } = qalqan.registry;
    for (const token of [saved.staff.regulator, saved.staff.soc, saved.staff.auditor]) {
      if (!(await bootstrap.credentialWorks(token))) return false;
    }
    const expected = DEMO_OPERATORS.reduce((n, operator) => n + operator.systems.length, 0);
    if (saved.systems.length !== expected) return false;
    for (const system of saved.systems)
      if (!(await bootstrap.credentialWorks(system.apiKey))) return false;
    return true;
  } catch {
    return false;
  }
}

export async function loadDemoWorld(qalqan: DemoHost, baseUrl?: string): Promise<DemoCredentials> {
  // Through the subjects port, as every module registers a citizen: the sealed IIN stays there.
  const subjects = createSubjects(qalqan.storage.db, qalqan.secrets);
  for (const citizen of DEMO_CITIZENS) await subjects.subjectOf(citizen.iin);
  const citizens = DEMO_CITIZENS.map(({ name, iin, story }) => ({ name, iin, story }));
  const file = path.join(qalqan.config.dataDir, 'demo-credentials.json');

  const saved = readSaved(file);
  if (saved?.staff && Array.isArray(saved.systems) && (await stillValid(qalqan, saved))) {
    await loadDemoConsents(qalqan, saved);
    await prepareDemoMonitor(qalqan, saved);
    await loadDemoAccesses(qalqan, saved);
    await loadDemoMonitor(qalqan, saved);
    return save(file, { ...saved, baseUrl, citizens });
  }

  const credentials = qalqan.registry.bootstrap;
  const staff = {
    regulator: (await credentials.issueStaffToken('regulator', 'Demo regulator', DEMO_ACTOR)).token,
    soc: (await credentials.issueStaffToken('soc', 'Demo SOC analyst', DEMO_ACTOR)).token,
    auditor: (await credentials.issueStaffToken('auditor', 'Demo auditor', DEMO_ACTOR)).token,
  };
  const regulator = createQalqanClient({
    baseUrl: IN_PROCESS_URL,
    apiKey: staff.regulator,
    fetch: injectFetch(qalqan.app),
  });
  const systems: DemoSystemCredential[] = [];
  for (const demoOperator of DEMO_OPERATORS) {
    const found = ok(
      await regulator.GET('/v1/registry/operators', {
        params: { query: { q: demoOperator.body.identifier, limit: 50 } },
      }),
    );
    const operatorId =
      found.items[0]?.id ??
      ok(await regulator.POST('/v1/registry/operators', { body: demoOperator.body })).operator.id;
    const existing = ok(
      await regulator.GET('/v1/registry/systems', {
        params: { query: { operatorId, limit: 100 } },
      }),
    );
    for (const demoSystem of demoOperator.systems) {
      const name = demoSystem.body.name;
      let systemId = existing.items.find((system) => system.name === name)?.id;
      if (!systemId) {
        systemId = ok(
          await regulator.POST('/v1/registry/systems', {
            body: { ...demoSystem.body, operatorId },
          }),
        ).system.id;
        if (demoSystem.certificate)
          ok(
            await regulator.POST('/v1/registry/systems/{systemId}/certificates', {
              params: { path: { systemId } },
              body: demoSystem.certificate,
            }),
          );
      }
      const { apiKey } = ok(
        await regulator.POST('/v1/registry/systems/{systemId}/keys', {
          params: { path: { systemId } },
          body: { label: 'demo' },
        }),
      );
      systems.push({ operator: demoOperator.body.name.en, system: name, systemId, apiKey });
    }
  }
  await loadDemoConsents(qalqan, { staff, systems });
  await prepareDemoMonitor(qalqan, { staff, systems });
  await loadDemoAccesses(qalqan, { staff, systems });
  await loadDemoMonitor(qalqan, { staff, systems });
  return save(file, { baseUrl, staff, systems, citizens });
}

function save(file: string, credentials: Omit<DemoCredentials, 'file'>): DemoCredentials {
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return { ...credentials, file };
}

export function printDemoCredentials(demo: DemoCredentials, out: NodeJS.WritableStream): void {
  const lines = [
    `Demo world loaded. Credentials (also in ${demo.file}):`,
    '  staff tokens (Authorization: Bearer …):',
    `    regulator  ${demo.staff.regulator}`,
    `    soc        ${demo.staff.soc}`,
    `    auditor    ${demo.staff.auditor}`,
    '  information system API keys:',
    ...demo.systems.map(
      (s) => `    ${s.operator} / ${s.system} (${s.systemId})\n      ${s.apiKey}`,
    ),
    '  citizens (IIN):',
    ...demo.citizens.map((c) => `    ${c.iin}  ${c.name} — ${c.story}`),
  ];
  out.write(`${lines.join('\n')}\n`);
}
