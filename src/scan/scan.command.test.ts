import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { Ajv, type ValidateFunction } from 'ajv';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanText } from './api.js';
import { createEngine } from './engine.js';
import { createValueHasher } from './mask.js';
import { scanFile } from './scan-files.js';
import {
  parseScanOptions,
  registerScanCommand,
  runScan,
  type RawScanOptions,
  type ScanIo,
} from './scan.command.js';
import { PII_TYPES, type Finding } from './types.js';
import { fifoWithWriter } from '../../test/support/fifo.js';

/** The parts of a SARIF log these tests read. */
interface SarifLog {
  version: string;
  runs: {
    columnKind: string;
    tool: { driver: { rules: { id: string }[] } };
    artifacts: { location: { uri: string } }[];
    properties: { findings: number; worstCases: number; byType: unknown };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      partialFingerprints: Record<string, string>;
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region?: object };
        logicalLocations?: { fullyQualifiedName: string }[];
      }[];
    }[];
  }[];
}

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures/scan');

function fakeIo(cwd: string, env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: ScanIo = { stdout, stderr, env, cwd };
  return { io, out: () => out, err: () => err };
}

async function scan(
  paths: string[],
  raw: RawScanOptions = {},
  cwd = FIXTURES,
  env: Record<string, string> = {},
) {
  const f = fakeIo(cwd, env);
  const code = await runScan(parseScanOptions(paths, { progress: false, ...raw }), f.io);
  return { code, out: f.out(), err: f.err() };
}

/** The OASIS SARIF 2.1.0 schema, compiled once. */
const sarifValidator = (() => {
  let validate: ValidateFunction | undefined;
  return () => {
    if (validate) return validate;
    const schema = JSON.parse(
      readFileSync(join(FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8'),
    ) as Record<string, unknown>;
    // The schema is draft-04; Ajv reads it as draft-07 once its `id` is spelled `$id`. Its
    // `language` pattern is not valid with the `u` flag (a known erratum), hence unicodeRegExp.
    const { id, $schema: _draft, ...rest } = schema;
    const ajv = new Ajv({ strict: false, validateFormats: false, unicodeRegExp: false });
    validate = ajv.compile({ ...rest, $id: id as string });
    return validate;
  };
})();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qalqan-scan-'));
  writeFileSync(join(dir, 'clean.txt'), 'Здравствуйте! Собрание в 18:00, кабинет 204.\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qalqan scan', () => {
  it('exits 0 and says so when nothing is found', async () => {
    const { code, out, err } = await scan([join(dir, 'clean.txt')]);
    expect(code).toBe(0);
    expect(out).toMatch(/no personal data found/);
    expect(err).toBe('');
  });

  it('exits 1 with a table that flags worst cases and never shows a value', async () => {
    const { code, out } = await scan(['telegram-chat.json', 'whatsapp-android.txt']);
    expect(code).toBe(1);
    expect(out).toMatch(/WORST CASES: \d+ identifier/);
    expect(out).toMatch(/telegram-chat\.json › Родительский чат 5Б/);
    expect(out).not.toContain('130515500128');
    expect(out).not.toContain('900515201238');
  });

  it('exits 2 with one line on stderr for a missing path, malformed input or a bad option', async () => {
    const missing = await scan(['no-such-file.txt']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('qalqan scan: no-such-file.txt: no such file or directory\n');
    writeFileSync(join(dir, 'broken.json'), '{"iin": "900515201238", "list": [1, 2\n');
    const malformed = await scan(['broken.json'], {}, dir);
    expect(malformed.code).toBe(2);
    // Named as the report names files: relative to the working directory.
    expect(malformed.err).toBe('qalqan scan: broken.json: JSON ends early at byte 38\n');
    expect(() => parseScanOptions(['x'], { minScore: '2' })).toThrow(
      /--min-score must be a number from 0 to 1/,
    );
    for (const minScore of ['', ' '])
      expect(() => parseScanOptions(['x'], { minScore })).toThrow(
        `--min-score must be a number from 0 to 1, got "${minScore}"`,
      );
    expect(() => parseScanOptions(['x'], { types: 'iin,ssn' })).toThrow(/unknown: ssn/);
  });

  it('shows no value in full in any report format, nor in names shown as locations', async () => {
    // Beside the fixtures, values that reports would show as names: a CSV without a header row
    // (its first record names the columns), a WhatsApp author named by phone number, and an
    // address with a one-character local part.
    const names = join(dir, 'names');
    mkdirSync(names);
    writeFileSync(
      join(names, 'headerless.csv'),
      '900515201238,a@mail.kz\n850412100405,b@mail.kz\n',
    );
    writeFileSync(
      join(names, 'chat.txt'),
      '12.03.2024, 10:16 - +7 701 555 12 34: почта d@mail.kz\n',
    );
    writeFileSync(join(names, 'note.txt'), 'пишите: c@mail.kz\n');
    const inputs = [
      ...['dump.json', 'patients.csv', 'telegram-chat.json'],
      ...['whatsapp-android.txt', 'whatsapp-ios.txt'],
      ...['headerless.csv', 'chat.txt', 'note.txt'].map((name) => join(names, name)),
    ];
    // Every value in the inputs, found independently of the readers: the files read as plain
    // text. Health words say nothing about who (a CSV column may be called «Диагноз»).
    const values = new Set<string>();
    for (const input of inputs) {
      const text = readFileSync(resolve(FIXTURES, input), 'utf8');
      for (const f of scanText(text, { minScore: 0 }).findings) {
        if (f.type !== 'health') values.add(text.slice(f.start, f.end));
      }
    }
    expect(values).toContain('a@mail.kz');
    expect(values).toContain('+7 701 555 12 34');
    expect(values.size).toBeGreaterThan(15);
    for (const format of ['table', 'json', 'sarif']) {
      const { code, out } = await scan(inputs, { format, minScore: '0' });
      expect(code).toBe(1);
      for (const value of values) expect(out, `${format}: ${value}`).not.toContain(value);
    }
    // The redacted copies too: every value masked in place.
    const copies = join(dir, 'names-redacted');
    expect((await scan(inputs, { redactDir: copies, minScore: '0' })).code).toBe(1);
    const copied = readdirSync(copies, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.includes('.redacted'),
    );
    expect(copied).toHaveLength(inputs.length);
    for (const copy of copied) {
      const text = readFileSync(join(copies, copy), 'utf8');
      for (const value of values) expect(text, `${copy}: ${value}`).not.toContain(value);
    }
    const json = (await scan(inputs, { format: 'json' })).out;
    expect(json).toContain('"field":"*@mail.kz"');
    expect(json).toContain('"author":"+7 701 *** ** **"');
  });

  it('writes JSON whose hashes correlate equal values under one key', async () => {
    const { code, out } = await scan(['dump.json', 'patients.csv'], { format: 'json' }, FIXTURES, {
      QALQAN_SCAN_KEY: 'k1',
    });
    expect(code).toBe(1);
    const report = JSON.parse(out) as {
      findings: { type: string; hash: string; masked: string }[];
      summary: { findings: number };
    };
    const iins = report.findings.filter((f) => f.type === 'iin' && f.masked.startsWith('9005'));
    expect(iins.length).toBeGreaterThan(2);
    expect(new Set(iins.map((f) => f.hash)).size).toBe(1);
    expect(report.summary.findings).toBe(report.findings.length);
    const again = JSON.parse(
      (await scan(['dump.json'], { format: 'json' }, FIXTURES, { QALQAN_SCAN_KEY: 'k1' })).out,
    ) as typeof report;
    expect(again.findings[0]!.hash).toBe(report.findings[0]!.hash);
  });

  it('keys value hashes from --key-file, else QALQAN_SCAN_KEY, else a random key per run', async () => {
    const hashOf = async (raw: RawScanOptions, env: Record<string, string> = {}) => {
      const { out } = await scan(['dump.json'], { format: 'json', ...raw }, FIXTURES, env);
      return (JSON.parse(out) as { findings: { hash: string }[] }).findings[0]!.hash;
    };
    const keyFile = join(dir, 'scan.key');
    writeFileSync(keyFile, 'k1', { mode: 0o600 });
    const underK1 = await hashOf({}, { QALQAN_SCAN_KEY: 'k1' });
    expect(await hashOf({ keyFile }, { QALQAN_SCAN_KEY: 'k2' })).toBe(underK1);
    expect(await hashOf({}, { QALQAN_SCAN_KEY: 'k2' })).not.toBe(underK1);
    // The file's bytes as they are: a trailing newline is part of the key.
    writeFileSync(keyFile, 'k1\n');
    expect(await hashOf({ keyFile })).not.toBe(underK1);
    expect(await hashOf({})).not.toBe(await hashOf({}));
    // Readable by others, the key would let them hash every IIN and read the report: refused.
    chmodSync(keyFile, 0o644);
    const exposed = await scan(['dump.json'], { format: 'json', keyFile });
    expect(exposed.code).toBe(2);
    expect(exposed.err).toMatch(
      /scan\.key: the key file is readable by group or others \(mode 644\); run: chmod 600 .*scan\.key\n$/,
    );
    expect(exposed.out).toBe('');
    const missing = await scan(['dump.json'], { keyFile: join(dir, 'no.key') });
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no\.key: cannot read the key file\n$/);
    // No option takes the key itself, where the process list would show it.
    const program = new Command('qalqan').exitOverride().configureOutput({ writeErr: () => {} });
    registerScanCommand(program, fakeIo(FIXTURES).io);
    await expect(
      program.parseAsync(['scan', 'dump.json', '--key', 'k1'], { from: 'user' }),
    ).rejects.toThrow(/unknown option '--key'/);
  });

  it('writes SARIF 2.1.0 that validates against the schema', async () => {
    const { out } = await scan(['.'], {
      format: 'sarif',
      types: 'iin,phone,card,health,email,ip,iban,passport',
    });
    const validate = sarifValidator();
    const log = JSON.parse(out) as {
      runs: {
        results: { ruleId: string; partialFingerprints: object }[];
        tool: { driver: { rules: unknown[] } };
      }[];
    };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]!.tool.driver.rules.length).toBe(13);
    expect(log.runs[0]!.results.length).toBeGreaterThan(10);
    expect(log.runs[0]!.results[0]!.partialFingerprints).toHaveProperty('piiValueHash/v1');
  });

  it('SARIF: every finding of a busy file a result, a clean file an artifact only, counts and worst cases exact past the samples', async () => {
    const root = join(dir, 'sarif');
    mkdirSync(root);
    // 100 records, each an IIN with a diagnosis (a worst case; the reports keep 50 samples) and an
    // e-mail address (no check digit: a warning).
    const records = Array.from(
      { length: 100 },
      (_, i) => `Запись ${i}: ИИН 900515201238, диагноз J45.0, почта user${i}@mail.kz\n`,
    );
    writeFileSync(join(root, 'many.txt'), records.join(''));
    writeFileSync(join(root, 'clean.txt'), 'Собрание в 18:00, кабинет 204.\n');
    for (const name of ['patients.csv', 'dump.json'])
      copyFileSync(join(FIXTURES, name), join(root, name));
    // One key for both runs, so the SARIF fingerprints can be held to the JSON report's hashes.
    writeFileSync(join(root, 'scan.key'), 'a key both runs share', { mode: 0o600 });
    const inputs = ['many.txt', 'clean.txt', 'patients.csv', 'dump.json'];
    const sarif = await scan(inputs, { format: 'sarif', keyFile: 'scan.key' }, root);
    const json = await scan(inputs, { format: 'json', keyFile: 'scan.key' }, root);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.out) as SarifLog;
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const reference = JSON.parse(json.out) as {
      findings: Finding[];
      worstCases: { count: number; samples: unknown[] };
      summary: { byType: unknown };
    };

    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.columnKind).toBe('unicodeCodePoints');
    expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual(
      PII_TYPES.map((type) => `pii/${type}`),
    );
    expect(run.artifacts.map((a) => a.location.uri).sort()).toEqual([...inputs].sort());
    // Every finding is a result, the clean file none; the counts are exact, the worst cases too
    // beyond the 50 samples.
    const { findings } = reference;
    const inMany = findings.filter((f) => f.location.source === 'many.txt');
    for (const type of ['iin', 'email'])
      expect(
        inMany.filter((f) => f.type === type),
        type,
      ).toHaveLength(100);
    expect(run.results).toHaveLength(findings.length);
    expect(run.properties.findings).toBe(findings.length);
    expect(reference.worstCases.samples).toHaveLength(50);
    expect(reference.worstCases.count).toBeGreaterThanOrEqual(100);
    expect(run.properties.worstCases).toBe(reference.worstCases.count);
    expect(run.properties.byType).toEqual(reference.summary.byType);
    const uris = new Set(
      run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri),
    );
    expect(uris).toEqual(new Set(['many.txt', 'patients.csv', 'dump.json']));

    // Result by result, as the JSON report has the finding.
    run.results.forEach((r, i) => {
      const f = findings[i]!;
      const at = `result ${i} (${f.type} in ${f.location.source})`;
      expect(r.ruleId, at).toBe(`pii/${f.type}`);
      expect(run.tool.driver.rules[r.ruleIndex]!.id, at).toBe(r.ruleId);
      expect(r.level, at).toBe(f.type === 'health' || f.validated ? 'error' : 'warning');
      expect(r.partialFingerprints['piiValueHash/v1'], at).toBe(f.hash);
      expect(r.locations[0]!.physicalLocation.region, at).toEqual({
        startLine: f.location.line,
        startColumn: f.location.column,
        byteOffset: f.location.offset,
      });
    });
    expect(new Set(run.results.map((r) => r.level))).toEqual(new Set(['error', 'warning']));
    expect(
      run.results.filter((r) => r.ruleId === 'pii/email').every((r) => r.level === 'warning'),
    ).toBe(true);
    // The first IIN: column 15 in code points, byte 23 (the Cyrillic letters before it take two).
    expect(run.results[0]).toMatchObject({
      ruleId: 'pii/iin',
      level: 'error',
      locations: [
        { physicalLocation: { region: { startLine: 1, startColumn: 15, byteOffset: 23 } } },
      ],
    });
    // Logical locations: a JSON path, or a CSV row and column; none in plain text.
    const logical = (source: string) =>
      run.results
        .filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === source)
        .map((r) => r.locations[0]!.logicalLocations?.[0]?.fullyQualifiedName);
    expect(logical('patients.csv')).toContain('row 2/ИИН');
    for (const name of logical('patients.csv')) expect(name).toMatch(/^row \d+\/\S/);
    expect(logical('dump.json')).toContain('$.users[0].iin');
    for (const name of logical('dump.json')) expect(name).toMatch(/^\$[.[]/);
    expect(new Set(logical('many.txt'))).toEqual(new Set([undefined]));

    // Nothing found at all: still a valid log, with no results and counts of zero.
    const clean = await scan(['clean.txt'], { format: 'sarif' }, root);
    expect(clean.code).toBe(0);
    const empty = JSON.parse(clean.out) as SarifLog;
    expect(validate(empty), JSON.stringify(validate.errors)).toBe(true);
    expect(empty.runs[0]!.results).toEqual([]);
    expect(empty.runs[0]!.artifacts.map((a) => a.location.uri)).toEqual(['clean.txt']);
    expect(empty.runs[0]!.properties).toMatchObject({ findings: 0, worstCases: 0, byType: [] });
  });

  it('--redact writes masked copies that keep their format', async () => {
    const out = join(dir, 'redacted');
    mkdirSync(out);
    const { code } = await scan(['telegram-chat.json', 'patients.csv', 'dump.json'], {
      redactDir: out,
      output: join(dir, 'report.txt'),
    });
    expect(code).toBe(1);
    const chat = readFileSync(join(out, 'telegram-chat.redacted.json'), 'utf8');
    expect(() => JSON.parse(chat) as unknown).not.toThrow();
    expect(chat).toContain('1305********');
    expect(readFileSync(join(out, 'patients.redacted.csv'), 'utf8')).toContain(
      'Сапарова Айгерим,9005********,+7 70* *** ** **,J**.*',
    );
    const dump = JSON.parse(readFileSync(join(out, 'dump.redacted.json'), 'utf8')) as {
      users: { iin: string }[];
    };
    expect(dump.users[0]!.iin).toBe('9005********');
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toMatch(/findings/);
  });

  it('keeps redacted copies of same-named files apart', async () => {
    const root = join(dir, 'same');
    for (const sub of ['a', 'b']) {
      mkdirSync(join(root, sub), { recursive: true });
      writeFileSync(join(root, sub, 'x.txt'), `${sub}: ИИН 900515201238\n`);
    }
    const { code } = await scan(['a', 'b'], { redactDir: 'out' }, root);
    expect(code).toBe(1);
    expect(readFileSync(join(root, 'out', 'a', 'x.redacted.txt'), 'utf8')).toBe(
      'a: ИИН 9005********\n',
    );
    expect(readFileSync(join(root, 'out', 'b', 'x.redacted.txt'), 'utf8')).toBe(
      'b: ИИН 9005********\n',
    );
  });

  it('refuses a report or a redacted copy that would overwrite an input, which stays whole', async () => {
    const root = join(dir, 'overwrite');
    mkdirSync(root);
    const input = 'ИИН 900515201238\n';
    writeFileSync(join(root, 'people.txt'), input);
    writeFileSync(join(root, 'people.redacted.txt'), input);
    symlinkSync(join(root, 'people.txt'), join(root, 'link.txt'));
    for (const output of ['people.txt', join(root, 'people.txt'), 'link.txt']) {
      const onto = await scan(['people.txt'], { output }, root);
      expect(onto.code).toBe(2);
      expect(onto.err).toBe(
        `qalqan scan: ${output}: is one of the inputs; the report would overwrite it (-o names the report's file)\n`,
      );
    }
    const inDir = await scan(['.'], { output: 'people.txt' }, root);
    expect(inDir.code).toBe(2);
    const copy = await scan(['people.txt', 'people.redacted.txt'], { redact: true }, root);
    expect(copy.code).toBe(2);
    expect(copy.err).toBe(
      'qalqan scan: people.redacted.txt: the redacted copy of people.txt would overwrite this input\n',
    );
    expect(readFileSync(join(root, 'people.txt'), 'utf8')).toBe(input);
    expect(readFileSync(join(root, 'people.redacted.txt'), 'utf8')).toBe(input);
  });

  it('says in one line when an input cannot be read or the redacted copies cannot be written', async () => {
    const root = join(dir, 'unwritable');
    mkdirSync(root);
    writeFileSync(join(root, 'people.txt'), 'ИИН 900515201238\n');
    writeFileSync(join(root, 'a-file'), '');
    const onFile = await scan(['people.txt'], { redactDir: 'a-file' }, root);
    expect(onFile.code).toBe(2);
    expect(onFile.err).toMatch(
      /^qalqan scan: \/.*\/a-file: cannot write the redacted copies there \(EEXIST: .*\)\n$/,
    );
    // An input that opens but cannot be read (here a directory; for others, no permission).
    const unreadable = scanFile(root, {
      engine: createEngine(),
      hasher: createValueHasher('k'),
      inputFormat: 'auto',
      sink: { finding: () => undefined },
      shownAs: 'unwritable',
    });
    await expect(unreadable).rejects.toThrow(/^unwritable: is a directory$/);
  });

  it('says in one line each input it skips for not being a regular file, exit 2 when nothing was scanned', async () => {
    const onlyDevice = await scan(['/dev/null'], { format: 'json' });
    expect(onlyDevice).toEqual({
      code: 2,
      out: '',
      err: 'qalqan scan: /dev/null: skipped, not a regular file (a character device)\n',
    });
    const tree = join(dir, 'with-fifo');
    mkdirSync(tree);
    writeFileSync(join(tree, 'note.txt'), 'ИИН 900515201238\n');
    execFileSync('mkfifo', [join(tree, 'pipe')]);
    const mixed = await scan(['with-fifo', '/dev/null'], { format: 'json' }, dir);
    expect(mixed.code).toBe(1);
    expect((JSON.parse(mixed.out) as { findings: unknown[] }).findings).toHaveLength(1);
    expect(mixed.err).toBe(
      'qalqan scan: with-fifo/pipe: skipped, not a regular file (a FIFO)\n' +
        'qalqan scan: /dev/null: skipped, not a regular file (a character device)\n',
    );
  });

  it('refuses a --key-file that is not a regular file or is over 64 KiB, in one line', async () => {
    const pipe = join(dir, 'key-pipe');
    const stop = fifoWithWriter(pipe);
    try {
      const fromFifo = await scan(['dump.json'], { keyFile: pipe });
      expect(fromFifo.code).toBe(2);
      expect(fromFifo.err).toBe(
        `qalqan scan: --key-file: ${pipe} is not a regular file (a FIFO)\n`,
      );
    } finally {
      stop();
    }
    const big = join(dir, 'big.key');
    writeFileSync(big, 'k'.repeat(64 * 1024 + 1), { mode: 0o600 });
    const tooBig = await scan(['dump.json'], { keyFile: big });
    expect(tooBig.code).toBe(2);
    expect(tooBig.err).toBe(
      `qalqan scan: --key-file: ${big} is larger than 64 KiB, the limit for a key file\n`,
    );
  });

  it('walks directories once even through a symbolic link loop', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'a'), { recursive: true });
    writeFileSync(join(tree, 'a', 'note.txt'), 'ИИН 900515201238\n');
    symlinkSync(tree, join(tree, 'a', 'loop'));
    const { code, out } = await scan([tree], { format: 'json' });
    expect(code).toBe(1);
    expect((JSON.parse(out) as { findings: unknown[] }).findings).toHaveLength(1);
  });

  it('shows a progress bar on a terminal for large inputs only', async () => {
    const big = join(dir, 'big.txt');
    writeFileSync(big, 'Сәлеметсіз бе, пришлите документы.\n'.repeat(160_000)); // ~9 MB
    const onTerminal = fakeIo(dir);
    Object.assign(onTerminal.io.stderr, { isTTY: true, columns: 100 });
    const code = await runScan(parseScanOptions([big], {}), onTerminal.io);
    expect(code).toBe(0);
    expect(onTerminal.err()).toMatch(/scanning \[/);
    const piped = await scan([big]);
    expect(piped.err).toBe('');
  });

  it('--types and --min-score narrow the report', async () => {
    const { out } = await scan(['whatsapp-android.txt'], {
      format: 'json',
      types: 'iban',
      minScore: '0.9',
    });
    const report = JSON.parse(out) as { findings: { type: string }[] };
    expect(report.findings.map((f) => f.type)).toEqual(['iban']);
  });

  it('registers on a commander program and sets the exit code', async () => {
    const f = fakeIo(FIXTURES);
    let exit = -1;
    const program = new Command('qalqan').exitOverride();
    registerScanCommand(program, { ...f.io, setExitCode: (c) => (exit = c) });
    await program.parseAsync(['scan', 'whatsapp-ios.txt', '--format', 'json', '--no-progress'], {
      from: 'user',
    });
    expect(exit).toBe(1);
    expect(JSON.parse(f.out())).toHaveProperty('findings');
  });
});
