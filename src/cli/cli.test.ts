import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkIin } from '../core/identifiers.js';
import { runCli, type ServerProcess, startServer } from '../../test/support/cli.js';
import { tempDirsRemovedAfterAll } from '../../test/support/temp-dirs.js';

const tempDir = tempDirsRemovedAfterAll('qalqan-cli-');

describe('qalqan CLI', () => {
  it('prints help for the program and each command, exit 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/serve.*\n.*migrate.*\n.*demo/s);
    for (const command of ['serve', 'migrate', 'demo']) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: qalqan ${command}`);
      expect(help.stdout).toContain('--data-dir');
    }
  });

  it('an unknown command or option is a usage error, exit 2', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badOption = await runCli(['migrate', '--colour']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("unknown option '--colour'");
  });

  it('an invalid setting stops with one line naming it, exit 2', async () => {
    const result = await runCli(['serve', '--port', 'eighty', '--data-dir', tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "qalqan: invalid configuration: --port must be an integer from 0 to 65535, got 'eighty'\n",
    );
    const fromEnv = await runCli(['migrate', '--data-dir', tempDir()], {
      DATABASE_URL: 'http://nope',
    });
    expect(fromEnv.stderr).toBe(
      'qalqan: invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL\n',
    );
  });

  it('a data dir that is a file, or an output path that cannot be written, is one line naming it, exit 2', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'not a directory\n');
    for (const dataDir of [file, path.join(file, 'below')]) {
      const result = await runCli(['migrate', '--data-dir', dataDir]);
      expect(result).toEqual({
        code: 2,
        stdout: '',
        stderr: `qalqan: data directory ${dataDir} is not a directory (it, or a folder on its path, is a file)\n`,
      });
    }
    expect(readFileSync(file, 'utf8')).toBe('not a directory\n');
    const keys = await runCli(['consent', 'rotate-receipt-key', '--data-dir', file]);
    expect(keys.code).toBe(2);
    expect(keys.stderr).toMatch(/^qalqan: ENOTDIR: not a directory, mkdir '.*a-file.*'\n$/);
    const exported = await runCli([
      'registry',
      'export',
      '--data-dir',
      path.join(dir, 'data'),
      '--output',
      path.join(dir, 'no-such-folder', 'registry.json'),
    ]);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(
      /^qalqan: ENOENT: no such file or directory, open '.*no-such-folder\/registry\.json'\n$/,
    );
  });

  it('commands that only look refuse a data dir without a database, and create nothing', async () => {
    const missing = path.join(tempDir(), 'mistyped');
    const vkey = 'vm/qalqan+f6dd9119+AQ3G0IaxK+rtgBhH66HSNoeJ4u8R/ZQtA383yfMAS1ex';
    for (const args of [
      ['outbox', 'parked'],
      ['outbox', 'waiting'],
      ['outbox', 'requeue', '--all'],
      ['ledger', 'fsck', '--vkey', vkey],
    ]) {
      expect(await runCli([...args, '--data-dir', missing]), args.join(' ')).toEqual({
        code: 2,
        stdout: '',
        stderr: `qalqan: no database in ${missing} (is --data-dir right? qalqan migrate creates one)\n`,
      });
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('migrate creates the schema once, then reports it up to date', async () => {
    const dataDir = tempDir();
    const first = await runCli(['migrate', '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/qalqan\.db: applied \d{8}_\d{4}_subjects/);
    const second = await runCli(['migrate', '--data-dir', dataDir]);
    expect(second.stdout).toContain('already up to date');
  });

  it('an unreachable database is one line, exit 2', async () => {
    const result = await runCli([
      'migrate',
      '--data-dir',
      tempDir(),
      '--database-url',
      'postgres://x:pw@127.0.0.1:1/db',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^qalqan: cannot connect to PostgreSQL at postgres:\/\/x:\*\*\*@127\.0\.0\.1:1\/db: .*\n$/,
    );
  });

  it('demo creates the world through the API and writes its credentials (0600); loading again changes nothing', async () => {
    const dataDir = tempDir();
    const result = await runCli(['demo', '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    const file = path.join(dataDir, 'demo-credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as {
      staff: Record<string, string>;
      systems: { system: string; apiKey: string }[];
      citizens: { iin: string }[];
    };
    expect(Object.keys(credentials.staff).sort()).toEqual(['auditor', 'regulator', 'soc']);
    expect(credentials.systems.map((s) => s.system)).toEqual([
      'eGov subject data hub',
      'Astana Smart City face recognition',
      'Core banking',
      'Customer marketing CRM',
      'Remote onboarding selfie check',
      'Online loan scoring',
      'Electronic health record',
      'Connected car telematics',
      'School records and staff files',
    ]);
    expect(credentials.citizens.length).toBeGreaterThanOrEqual(8);
    for (const citizen of credentials.citizens) {
      expect(checkIin(citizen.iin).valid).toBe(true);
      expect(result.stdout).toContain(citizen.iin);
    }
    for (const system of credentials.systems) expect(result.stdout).toContain(system.apiKey);

    const again = await runCli(['demo', '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...credentials, baseUrl: undefined });
    const exported = await runCli(['registry', 'export', '--data-dir', dataDir]);
    expect((JSON.parse(exported.stdout) as { operators: unknown[] }).operators).toHaveLength(6);
    // Two loads of the demo world, which holds a month of access checks: a minute or more under load.
  }, 180_000);
});

describe('qalqan serve (child processes)', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  // Each server is kept for afterAll as soon as it listens: if the other fails to start, this
  // one is still stopped before its data dir is removed.
  const started = async (args: string[]) => {
    const server = await startServer(args, {}, 150_000);
    servers.push(server);
    return server;
  };

  it('two servers with two data dirs run side by side on random ports and stop cleanly', async () => {
    const [a, b] = await Promise.all([
      // The demo world (a month of accesses, the monitoring centre's harvest) loads before the
      // server says it listens: up to a minute or two under load.
      started(['--data-dir', tempDir(), '--demo']),
      started(['--data-dir', tempDir()]),
    ]);
    expect(a.baseUrl).not.toBe(b.baseUrl);
    for (const server of [a, b]) {
      expect(await (await fetch(`${server.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${server.baseUrl}/readyz`)).json()).toEqual({ status: 'ok' });
      const spec = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
        openapi: string;
      };
      expect(spec.openapi).toBe('3.1.0');
      expect(await (await fetch(`${server.baseUrl}/metrics`)).text()).toContain(
        'qalqan_http_request_duration_seconds',
      );
    }
    for (const url of ['API docs', 'OpenAPI', 'metrics']) expect(a.output()).toContain(url);
    expect(a.output()).toContain('Demo world loaded');
    expect(await a.stop('SIGTERM')).toBe(0);
    expect(a.output()).toContain('SIGTERM received, shutting down');
  }, 180_000);
});
