import {
  chmodSync,
  existsSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { fifoWithWriter } from '../../test/support/fifo.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';
import { tempDirsRemovedAfterAll } from '../../test/support/temp-dirs.js';
import { loadConfig } from '../config/config.js';
import { withCheckDigit } from '../core/identifiers.js';
import { createQalqan } from '../server.js';
import { nextBin, operatorBody } from './test-support/registry-app.js';

const tempDir = tempDirsRemovedAfterAll('qalqan-registry-cli-');

const CSV_HEADER =
  'operator_identifier,operator_name_kk,operator_name_ru,operator_name_en,sector,contact_name,contact_position,contact_email,contact_phone,system_name,system_description,system_kind,purposes,categories,hosting_country,data_centre,on_national_platform,access_control_since,soc_since,trust_status';

function operatorJson(identifier: string, systems: unknown[] = []) {
  return {
    identifier,
    name: { kk: 'Денсаулық емханасы', ru: 'Поликлиника «Денсаулык»', en: 'Densaulyk clinic' },
    sector: 'health',
    contact: {
      name: 'Ержан Сейтов',
      position: 'DPO',
      email: 'dpo@densaulyk.kz',
      phone: '+7 727 300 00 00',
    },
    systems,
  };
}

const clinicSystem = {
  name: 'Electronic health record',
  description: 'Patient records',
  kind: 'ordinary',
  purposes: ['health.treatment'],
  categories: ['identity', 'health', 'contact'],
  hosting: { country: 'KZ', dataCentre: 'Almaty DC', onNationalPlatform: true },
};

describe('qalqan registry import / export', () => {
  it('imports a JSON file all at once, then exports it in a re-importable form', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'registry.json');
    const bins = [nextBin(), nextBin()];
    writeFileSync(
      file,
      JSON.stringify({
        operators: [operatorJson(bins[0]!, [clinicSystem]), operatorJson(bins[1]!)],
      }),
    );
    const dry = await runCli(['registry', 'import', file, '--dry-run', '--data-dir', dataDir]);
    expect(dry).toMatchObject({
      code: 0,
      stdout: `${file}: 2 operators and 1 system are valid (dry run, nothing written)\n`,
    });
    const exportedEmpty = await runCli(['registry', 'export', '--data-dir', dataDir]);
    expect(JSON.parse(exportedEmpty.stdout)).toMatchObject({ operators: [] });

    const imported = await runCli(['registry', 'import', file, '--data-dir', dataDir]);
    expect(imported).toMatchObject({
      code: 0,
      stdout: `${file}: imported 2 operators and 1 system; a running server sequences the changes into the ledger\n`,
    });
    const again = await runCli(['registry', 'import', file, '--data-dir', dataDir]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('2 problems; nothing was imported');
    expect(again.stdout).toContain('operators[0]: An operator with this BIN is already registered');

    const exported = await runCli(['registry', 'export', '--data-dir', dataDir]);
    const document = JSON.parse(exported.stdout) as {
      operators: { identifier: string; systems: unknown[] }[];
    };
    expect(document.operators.map((o) => o.identifier).sort()).toEqual([...bins].sort());
    const target = tempDir();
    const roundTrip = path.join(target, 'export.json');
    writeFileSync(roundTrip, exported.stdout);
    expect((await runCli(['registry', 'import', roundTrip, '--data-dir', target])).code).toBe(0);

    const csvOut = path.join(target, 'export.csv');
    // A file already there, readable by all: the export (contact names, e-mails, phones) is not.
    writeFileSync(csvOut, 'old\n', { mode: 0o644 });
    chmodSync(csvOut, 0o644);
    const csv = await runCli([
      'registry',
      'export',
      '--format',
      'csv',
      '--output',
      csvOut,
      '--data-dir',
      dataDir,
    ]);
    expect(csv.code).toBe(0);
    expect(statSync(csvOut).mode & 0o777).toBe(0o600);
    expect(readFileSync(csvOut, 'utf8').split('\n')[0]).toMatch(
      /^operator_identifier,operator_name_kk,/,
    );
    const third = tempDir();
    const fromCsv = await runCli(['registry', 'import', csvOut, '--data-dir', third]);
    expect(fromCsv).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('imported 2 operators and 1 system'),
    });
  });

  it('reports every bad row with its place, and imports nothing', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'bad.json');
    const iin = withCheckDigit('75061530012') ?? withCheckDigit('75061530013')!;
    writeFileSync(
      file,
      JSON.stringify({
        operators: [
          operatorJson(nextBin(), [
            clinicSystem,
            { ...clinicSystem, name: 'Lab', purposes: ['health.astrology'] },
          ]),
          operatorJson('940140000386'),
          { ...operatorJson(nextBin()), sector: 'casino' },
          operatorJson(iin, [
            {
              ...clinicSystem,
              hosting: { country: 'ZZ', dataCentre: 'x', onNationalPlatform: false },
            },
          ]),
          operatorJson(nextBin(), [{ ...clinicSystem, categories: ['identity', 'biometric'] }]),
        ],
      }),
    );
    const result = await runCli(['registry', 'import', file, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('5 problems; nothing was imported');
    expect(result.stdout).toContain(
      "operators[0].systems[1]: purposes: unknown purpose 'health.astrology' [core.unknown_purpose]",
    );
    expect(result.stdout).toContain(
      'operators[1]: identifier: BIN check digit is 6, expected 5 [core.invalid_bin]',
    );
    expect(result.stdout).toContain(
      "operators[2]: sector: 'casino' is not one of the allowed values [request.validation]",
    );
    expect(result.stdout).toContain(
      "operators[3].systems[0]: hosting.country: 'ZZ' is not an ISO 3166-1 alpha-2 country code [core.unknown_country]",
    );
    expect(result.stdout).toContain(
      "operators[4].systems[0]: categories: 'biometric' not allowed for any declared purpose (health.treatment) [registry.invalid_system]",
    );
    expect(result.stdout).not.toContain(iin);
    const exported = await runCli(['registry', 'export', '--data-dir', dataDir]);
    expect(JSON.parse(exported.stdout)).toMatchObject({ operators: [] });
  });

  it('reports CSV problems by line, including inconsistent operator rows', async () => {
    const dataDir = tempDir();
    const bin = nextBin();
    const header = CSV_HEADER;
    const operator = `${bin},Емхана,Поликлиника,Clinic,health,Ержан,DPO,dpo@clinic.kz,+77273000000`;
    const file = path.join(dataDir, 'bad.csv');
    writeFileSync(
      file,
      [
        header,
        `${operator},EHR,Records,ordinary,health.treatment,identity;health,KZ,Almaty DC,yes,2026-01-10,,listed`,
        `${bin},Емхана,Поликлиника,Clinic,education,Ержан,DPO,dpo@clinic.kz,+77273000000,Lab,Lab,ordinary,health.treatment,identity;health,KZ,Almaty DC,no,,,`,
        `${operator},Portal,Portal,ordinary,health.treatment,identity,KZ,Almaty DC,maybe,,,`,
        '',
      ].join('\n'),
    );
    const result = await runCli(['registry', 'import', file, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('line 3: sector differ from line 2 for the same operator');
    expect(result.stdout).toMatch(/line 4: hosting\.onNationalPlatform: /);

    const unreadable = await runCli([
      'registry',
      'import',
      path.join(dataDir, 'missing.csv'),
      '--data-dir',
      dataDir,
    ]);
    expect(unreadable).toMatchObject({
      code: 2,
      stderr: `qalqan: cannot read ${path.join(dataDir, 'missing.csv')}: ENOENT\n`,
    });
    writeFileSync(path.join(dataDir, 'x.xml'), '<x/>');
    const wrongType = await runCli([
      'registry',
      'import',
      path.join(dataDir, 'x.xml'),
      '--data-dir',
      dataDir,
    ]);
    expect(wrongType.stdout).toContain('expected a .json or .csv file');
    writeFileSync(path.join(dataDir, 'broken.json'), '{"operators": [');
    const broken = await runCli([
      'registry',
      'import',
      path.join(dataDir, 'broken.json'),
      '--data-dir',
      dataDir,
    ]);
    expect(broken).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('file: not valid JSON'),
    });
  });

  it('refuses at once, in one line, an import file that is not a regular file, over 32 MiB or with a row over 256 Ki characters', async () => {
    const dataDir = tempDir();
    const header = CSV_HEADER;
    const importOf = (name: string) =>
      runCli(['registry', 'import', path.join(dataDir, name), '--data-dir', dataDir]);

    const stop = fifoWithWriter(path.join(dataDir, 'pipe.csv'));
    try {
      expect(await importOf('pipe.csv')).toEqual({
        code: 2,
        stdout: '',
        stderr: `qalqan: ${path.join(dataDir, 'pipe.csv')} is not a regular file (a FIFO)\n`,
      });
    } finally {
      stop();
    }

    writeFileSync(path.join(dataDir, 'huge.csv'), '');
    truncateSync(path.join(dataDir, 'huge.csv'), 32 * 1024 * 1024 + 1);
    expect(await importOf('huge.csv')).toEqual({
      code: 2,
      stdout: '',
      stderr: `qalqan: ${path.join(dataDir, 'huge.csv')} is larger than 32 MiB, the limit for an import file\n`,
    });

    // One field of 300 000 characters, as the header or in a row: the parser stops at the limit.
    writeFileSync(path.join(dataDir, 'one-field.csv'), 'x'.repeat(300_000));
    const started = Date.now();
    expect(await importOf('one-field.csv')).toEqual({
      code: 2,
      stdout: '',
      stderr: `qalqan: ${path.join(dataDir, 'one-field.csv')}: line 1: a row longer than 262144 characters (the limit for a row, and so a field, of an import CSV)\n`,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    const bin = nextBin();
    writeFileSync(
      path.join(dataDir, 'long-row.csv'),
      `${header}\n${bin},Емхана,Поликлиника,Clinic,health,Ержан,DPO,dpo@clinic.kz,+77273000000,EHR,${'d'.repeat(300_000)},ordinary,health.treatment,identity,KZ,Almaty DC,yes,,,\n`,
    );
    expect((await importOf('long-row.csv')).stderr).toBe(
      `qalqan: ${path.join(dataDir, 'long-row.csv')}: line 2: a row longer than 262144 characters (the limit for a row, and so a field, of an import CSV)\n`,
    );
    // Refused before the storage is opened: nothing written, not even an empty database.
    expect(existsSync(path.join(dataDir, 'qalqan.db'))).toBe(false);
  });

  it('issues a staff token that the API accepts', async () => {
    const dataDir = tempDir();
    const result = await runCli([
      'registry',
      'staff-token',
      '--role',
      'regulator',
      '--name',
      'First regulator',
      '--data-dir',
      dataDir,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^qalqan_st_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}\n$/);
    const token = result.stdout.trim();
    // The server composed as `qalqan serve` composes it, on the same data dir, accepts the token
    // for the role it was issued for: a regulator-only change succeeds; a forged token does not.
    const qalqan = await createQalqan(
      loadConfig({ QALQAN_DATA_DIR: dataDir, QALQAN_LOG_LEVEL: 'silent' }),
      { logger: false },
    );
    try {
      const created = await qalqan.app.inject({
        method: 'POST',
        url: '/v1/registry/operators',
        headers: { authorization: `Bearer ${token}` },
        payload: operatorBody(),
      });
      expect(created.statusCode, created.body).toBe(201);
      const listed = await qalqan.app.inject({
        url: '/v1/registry/operators',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json<{ items: unknown[] }>().items).toHaveLength(1);
      const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      const refused = await qalqan.app.inject({
        url: '/v1/registry/operators',
        headers: { authorization: `Bearer ${forged}` },
      });
      expect(refused.statusCode).toBe(401);
    } finally {
      await qalqan.close();
    }
    const badRole = await runCli([
      'registry',
      'staff-token',
      '--role',
      'king',
      '--name',
      'x',
      '--data-dir',
      dataDir,
    ]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("argument 'king' is invalid");
    const past = await runCli([
      'registry',
      'staff-token',
      '--role',
      'soc',
      '--name',
      'x',
      '--expires',
      '2001-01-01',
      '--data-dir',
      dataDir,
    ]);
    expect(past).toMatchObject({
      code: 2,
      stderr: "qalqan: --expires must be a future ISO date, got '2001-01-01'\n",
    });
    const issue = (name: string, ...more: string[]) =>
      runCli([
        'registry',
        'staff-token',
        '--role',
        'soc',
        '--name',
        name,
        ...more,
        '--data-dir',
        dataDir,
      ]);
    // Not ISO dates, though Date.parse reads them: a six-digit year (stored, it compared as past),
    // a day the month lacks (read as 2 March), a free-form date.
    for (const expires of ['99999', '2030-02-30', 'Dec 25 2030', '+099999-01-01T00:00:00Z']) {
      expect(await issue('x', '--expires', expires)).toMatchObject({
        code: 2,
        stdout: '',
        stderr: `qalqan: --expires must be a future ISO date, got '${expires}'\n`,
      });
    }
    expect((await issue('x', '--expires', '2999-12-31T23:59:59+05:00')).code).toBe(0);
    for (const name of ['', '   ']) {
      expect(await issue(name)).toMatchObject({
        code: 2,
        stdout: '',
        stderr: 'qalqan: --name must not be blank\n',
      });
    }
    expect(await issue('Analyst\nstaff token stt_forged (regulator)\u001b[2K')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'qalqan: --name must be one line without control characters\n',
    });
  });
});
