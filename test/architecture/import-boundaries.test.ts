/**
 * The dependency rules of docs/ARCHITECTURE.md, held by the project's own ESLint configuration:
 * each case lints a small deliberately wrong (or right) snippet as if it sat at `filePath`, so a
 * rule that stops matching fails here, not in review. Type-aware parsing is switched off (the
 * snippets are not files of the TypeScript project) and only the boundary rules run.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false, project: null } },
    },
    ruleFilter: ({ ruleId }) => BOUNDARY_RULES.has(ruleId),
  });
});

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, 'the snippet parses').toEqual([]);
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('one-way dependencies: CLI -> modules -> core', () => {
  it.each([
    ['src/ledger/zz-probe.ts', "import { Command } from 'commander';\nexport const c = Command;\n"],
    [
      'src/registry/zz-probe.ts',
      "import { SingleBar } from 'cli-progress';\nexport const b = SingleBar;\n",
    ],
    [
      'src/ledger/zz-probe.ts',
      "import { CliError } from '../cli/io.js';\nexport const e = CliError;\n",
    ],
    [
      'src/ledger/zz-probe.ts',
      "import { ledgerCommands } from './ledger.command.js';\nexport const l = ledgerCommands;\n",
    ],
    ['src/zz-probe.ts', "import { main } from './cli/main.js';\nexport const m = main;\n"],
    [
      'src/registry/test-support/zz-probe.ts',
      "import { CliError } from '../../cli/io.js';\nexport const e = CliError;\n",
    ],
  ])('module code may not load the command line (%s)', async (filePath, code) => {
    expect(await violations(filePath, code)).toEqual([
      expect.stringMatching(/no-restricted-imports: .*only src\/cli\/ and \*\.command\.ts/i),
    ]);
  });

  it.each([
    ['src/cli/zz-probe.ts', "import { Command } from 'commander';\nexport const c = Command;\n"],
    [
      'src/scan/zz-probe.command.ts',
      "import { Option } from 'commander';\nimport { CliError } from '../cli/io.js';\nexport const o = [Option, CliError];\n",
    ],
  ])('the CLI and *.command.ts files may (%s)', async (filePath, code) => {
    expect(await violations(filePath, code)).toEqual([]);
  });
});

describe("no module reaches into another's tables, store or routes", () => {
  it.each([
    [
      'src/consent/zz-probe.ts',
      "import type { SystemsTable } from '../registry/registry.tables.js';\nexport type T = SystemsTable;\n",
    ],
    [
      'src/access/zz-probe.ts',
      "import { findSystem } from '../registry/registry.store.js';\nexport const f = findSystem;\n",
    ],
    [
      'src/access/zz-probe.ts',
      "import { systemRoutes } from '../registry/systems.routes.js';\nexport const r = systemRoutes;\n",
    ],
    [
      'src/ledger/store/zz-probe.ts',
      "import type { ConsentTables } from '../../consent/consent.tables.js';\nexport type T = ConsentTables;\n",
    ],
    [
      'src/registry/zz-probe.command.ts',
      "import { ensureSubject } from '../subjects/subjects.store.js';\nexport const e = ensureSubject;\n",
    ],
  ])('%s', async (filePath, code) => {
    expect(await violations(filePath, code)).toEqual([
      expect.stringMatching(/no-restricted-imports: .*only through the ports/),
    ]);
  });

  it.each([
    [
      'src/registry/zz-probe.ts',
      "import type { SystemsTable } from './registry.tables.js';\nexport type T = SystemsTable;\n",
    ],
    [
      'src/ledger/store/zz-probe.ts',
      "import type { LedgerTables } from '../ledger.tables.js';\nexport type T = LedgerTables;\n",
    ],
    [
      'src/access/zz-probe.ts',
      "import type { RegistryModule } from '../registry/registry.module.js';\nexport type M = RegistryModule;\n",
    ],
    [
      'src/zz-probe.ts',
      "import { scanRoutes } from './scan/scan.routes.js';\nexport const r = scanRoutes;\n",
    ],
    [
      'src/storage/database.ts',
      "import type { RegistryTables } from '../registry/registry.tables.js';\nexport type T = RegistryTables;\n",
    ],
  ])('its own tables, a port, and the composition root are fine (%s)', async (filePath, code) => {
    expect(await violations(filePath, code)).toEqual([]);
  });
});

describe('src/core is pure', () => {
  it.each([
    ["import Fastify from 'fastify';\nexport const f = Fastify;\n"],
    ["import { Kysely } from 'kysely';\nexport type K = Kysely<never>;\n"],
    ["import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"],
    ["import { connect } from '@nats-io/transport-node';\nexport const c = connect;\n"],
    ["import type { Config } from '../config/config.js';\nexport type C = Config;\n"],
  ])('no I/O and nothing outside core: %s', async (code) => {
    expect(await violations('src/core/zz-probe.ts', code)).not.toEqual([]);
  });

  it('core may import core and node:crypto', async () => {
    expect(
      await violations(
        'src/core/zz-probe.ts',
        "import { randomBytes } from 'node:crypto';\nimport { DomainError } from './errors.js';\nexport const x = [randomBytes, DomainError];\n",
      ),
    ).toEqual([]);
  });
});

describe('the web app talks HTTP only', () => {
  it.each([
    [
      'web/src/zz-probe.ts',
      "import { version } from '../../src/version.js';\nexport const v = version;\n",
    ],
    [
      'web/src/pages/zz-probe.tsx',
      "import type { Principal } from '../../../src/http/access.js';\nexport type P = Principal;\n",
    ],
  ])('imports nothing from src/ (%s)', async (filePath, code) => {
    expect(await violations(filePath, code)).toEqual([
      expect.stringMatching(/no-restricted-imports: .*over HTTP only/),
    ]);
  });

  it('imports within web/src are fine', async () => {
    expect(
      await violations(
        'web/src/pages/zz-probe.tsx',
        "import { HashValue } from '../components/hash-value';\nexport const h = HashValue;\n",
      ),
    ).toEqual([]);
  });
});

describe('web features do not import each other (bulletproof-react)', () => {
  it.each([
    [
      'web/src/features/accesses/zz-probe.tsx',
      "import { verifyConsentReceipt } from '../consents/receipt';\nexport const v = verifyConsentReceipt;\n",
    ],
    [
      'web/src/features/accesses/parts/zz-probe.tsx',
      "import { InboxPage } from '../../inbox/inbox-page';\nexport const p = InboxPage;\n",
    ],
  ])('a feature reaching into another is refused (%s)', async (filePath, code) => {
    expect(await violations(filePath, code)).toEqual([
      expect.stringMatching(/no-restricted-imports: .*Features do not import each other/),
    ]);
  });

  it('a feature may import its own files and the shared folders', async () => {
    expect(
      await violations(
        'web/src/features/accesses/zz-probe.tsx',
        "import { fetchAccesses } from './accesses-api';\nimport { HashValue } from '../../components/hash-value';\nimport { answer } from '../../api/client';\nexport const x = [fetchAccesses, HashValue, answer];\n",
      ),
    ).toEqual([]);
  });
});

describe('request parts are typed by their schemas, never cast', () => {
  it.each([
    'const body = request.body as { name: string };',
    'const { id } = request.params as { id: string };',
    'const q = (request.query as { limit: number }).limit;',
    'const h = <Record<string, string>>request.headers;',
  ])('%s', async (line) => {
    const code = `declare const request: { body: unknown; params: unknown; query: unknown; headers: unknown };\nexport function f() {\n  ${line}\n}\n`;
    expect(await violations('src/registry/zz-probe.ts', code)).toEqual([
      expect.stringMatching(/no-restricted-syntax: Do not cast request\./),
    ]);
  });

  it('other casts are not this rule’s business', async () => {
    const code =
      'declare const request: { raw: unknown };\nexport const socket = request.raw as { x: number };\n';
    expect(await violations('src/registry/zz-probe.ts', code)).toEqual([]);
  });
});
