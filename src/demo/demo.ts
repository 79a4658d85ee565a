/**
 * The demo world: one call brings a fresh server to a state worth exploring, and grows as each
 * capability lands. It is idempotent — loading it twice changes nothing — and its credentials are
 * printed and written to `<dataDir>/demo-credentials.json` (mode 0600).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Qalqan } from '../server.js';
import { ensureSubject } from '../subjects/subjects.store.js';
import { DEMO_CITIZENS } from './demo-citizens.js';

export interface DemoCredentials {
  readonly baseUrl: string | undefined;
  readonly citizens: readonly {
    readonly name: string;
    readonly iin: string;
    readonly story: string;
  }[];
  readonly file: string;
}

export async function loadDemoWorld(
  qalqan: Pick<Qalqan, 'storage' | 'secrets' | 'config'>,
  baseUrl?: string,
): Promise<DemoCredentials> {
  for (const citizen of DEMO_CITIZENS)
    await ensureSubject(qalqan.storage.db, qalqan.secrets, citizen.iin);
  const file = path.join(qalqan.config.dataDir, 'demo-credentials.json');
  const credentials: DemoCredentials = {
    baseUrl,
    citizens: DEMO_CITIZENS.map(({ name, iin, story }) => ({ name, iin, story })),
    file,
  };
  writeFileSync(file, `${JSON.stringify({ ...credentials, file: undefined }, null, 2)}\n`, {
    mode: 0o600,
  });
  return credentials;
}

export function printDemoCredentials(demo: DemoCredentials, out: NodeJS.WritableStream): void {
  const lines = [
    'Demo world loaded. Credentials (also in ' + demo.file + '):',
    '  citizens (IIN):',
  ];
  for (const citizen of demo.citizens)
    lines.push(`    ${citizen.iin}  ${citizen.name} — ${citizen.story}`);
  out.write(`${lines.join('\n')}\n`);
}
