/**
 * `npm run bench:scan` — quality and speed of the PII scanner (docs/BENCHMARKS.md, Scanner).
 *
 * 1. Precision and recall per type on a labelled synthetic corpus (seed 20261125) written as
 *    plain text, a Telegram export, a WhatsApp export and a CSV.
 * 2. Throughput on a generated 200 MB mixed-language text, divided by `grep -cP` of the bare IIN
 *    regex on the same file: five rounds of grep and the scanner in turn, median of the ratios.
 * 3. Peak RSS when scanning 10 MB, 100 MB and 1 GB (flat means streaming works).
 *
 * Big files go to a temporary directory that is removed at the end. Set BENCH_SCAN_QUICK=1 for a
 * smaller run (50 MB throughput file, memory up to 200 MB).
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  closeSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createEngine } from '../../src/scan/engine.js';
import { createValueHasher } from '../../src/scan/mask.js';
import { scanFile } from '../../src/scan/scan-files.js';
import type { Finding, PiiType } from '../../src/scan/types.js';
import { CORPUS_TYPES, createRandom, makeMessage, type Message } from './corpus.js';
import { asCsv, asPlainText, asTelegram, asWhatsApp } from './formats.js';

const SEED = 20261125;
const QUICK = process.env.BENCH_SCAN_QUICK === '1';
const MB = 1e6;
const IIN_REGEX = '(?<![\\p{L}\\p{N}])\\d{12}(?![\\p{L}\\p{N}])';

const dir = mkdtempSync(join(tmpdir(), 'qalqan-bench-scan-'));
const hasher = createValueHasher('bench');

interface Tally {
  tp: number;
  fp: number;
  fn: number;
}

/** Message index (0-based) of a finding, per format. */
function messageIndex(format: string, f: Finding): number {
  const l = f.location;
  switch (format) {
    case 'telegram':
      return Number(l.messageId) - 1;
    case 'csv':
      return (l.row ?? 0) - 2;
    default:
      return (l.line ?? 0) - 1;
  }
}

/**
 * Counts per message and type: identifiers are matched by keyed hash (a multiset), health by
 * presence (a planted phrase may be found as two terms, «справка» and «086/у»).
 */
function score(
  messages: readonly Message[],
  format: string,
  findings: readonly Finding[],
  tallies: Map<PiiType, Tally>,
) {
  const found = new Map<number, Finding[]>();
  for (const f of findings) {
    const i = messageIndex(format, f);
    const list = found.get(i) ?? [];
    list.push(f);
    found.set(i, list);
  }
  const tally = (type: PiiType) => {
    let t = tallies.get(type);
    if (t === undefined) tallies.set(type, (t = { tp: 0, fp: 0, fn: 0 }));
    return t;
  };
  const indices = new Set([...messages.keys(), ...found.keys()]);
  for (const i of indices) {
    const planted = messages[i]?.planted ?? [];
    const got = found.get(i) ?? [];
    const types = new Set<PiiType>([...planted.map((p) => p.type), ...got.map((f) => f.type)]);
    for (const type of types) {
      const t = tally(type);
      if (type === 'health') {
        const p = planted.some((x) => x.type === type);
        const g = got.some((x) => x.type === type);
        t.tp += p && g ? 1 : 0;
        t.fp += !p && g ? 1 : 0;
        t.fn += p && !g ? 1 : 0;
        continue;
      }
      const expected = planted
        .filter((p) => p.type === type)
        .map((p) => hasher.hash(type, p.value));
      const actual = got.filter((f) => f.type === type).map((f) => f.hash);
      for (const h of actual) {
        const k = expected.indexOf(h);
        if (k >= 0) {
          expected.splice(k, 1);
          t.tp++;
        } else t.fp++;
      }
      t.fn += expected.length;
    }
  }
}

async function quality(): Promise<string[]> {
  const r = createRandom(SEED);
  const messages = Array.from({ length: QUICK ? 5000 : 20000 }, () => makeMessage(r, 0.5));
  const files: [string, string, string][] = [
    ['text', 'corpus.txt', asPlainText(messages)],
    ['telegram', 'result.json', asTelegram(r, messages)],
    ['whatsapp', 'whatsapp.txt', asWhatsApp(messages)],
    ['csv', 'messages.csv', asCsv(messages)],
  ];
  const tallies = new Map<PiiType, Tally>();
  const engine = createEngine();
  for (const [format, name, content] of files) {
    const path = join(dir, name);
    writeFileSync(path, content);
    const findings: Finding[] = [];
    await scanFile(path, {
      engine,
      hasher,
      inputFormat: 'auto',
      sink: { finding: (f) => void findings.push(f) },
    });
    score(messages, format, findings, tallies);
  }
  const planted = messages.reduce((n, m) => n + m.planted.length, 0);
  const lines = [
    `Labelled corpus: ${messages.length} messages × 4 formats (text, Telegram, WhatsApp, CSV), ${planted} planted values per format, seed ${SEED}.`,
    '',
    '| type | true pos. | false pos. | false neg. | precision | recall |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const type of CORPUS_TYPES) {
    const t = tallies.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    const precision = t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp);
    const recall = t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn);
    lines.push(
      `| ${type} | ${t.tp} | ${t.fp} | ${t.fn} | ${precision.toFixed(4)} | ${recall.toFixed(4)} |`,
    );
  }
  for (const [type, t] of tallies) {
    if (!CORPUS_TYPES.includes(type))
      lines.push(`| ${type} (not planted) | – | ${t.fp} | – | – | – |`);
  }
  return lines;
}

/** Writes `bytes` of generated mixed-language chat text (PII in ~2 % of lines). */
function generateText(path: string, bytes: number, seed: number): void {
  const r = createRandom(seed);
  const fd = openSync(path, 'w');
  let written = 0;
  while (written < bytes) {
    let block = '';
    while (block.length < 1 << 20) block += `${makeMessage(r, 0.02).text}\n`;
    const buf = Buffer.from(block);
    writeSync(fd, buf);
    written += buf.length;
  }
  closeSync(fd);
}

/** Appends copies of `source` until `path` has at least `bytes`. */
function grow(path: string, source: string, bytes: number): void {
  const fd = openSync(path, 'w');
  closeSync(fd);
  while (statSync(path).size < bytes) spawnSync('sh', ['-c', `cat "${source}" >> "${path}"`]);
}

function timeGrep(path: string): { seconds: number; count: string } {
  const started = performance.now();
  const out = spawnSync('grep', ['-cP', IIN_REGEX, path], { encoding: 'utf8' });
  return { seconds: (performance.now() - started) / 1000, count: out.stdout.trim() };
}

const ROOT = join(import.meta.dirname, '../..');
/** The scanner compiled to JavaScript as `npm run build` would. */
const DIST = join(ROOT, '.tmp/bench-scan-dist');

function compile(): void {
  const config = join(ROOT, '.tmp/bench-scan-tsconfig.json');
  mkdirSync(dirname(config), { recursive: true });
  writeFileSync(
    config,
    JSON.stringify({
      extends: '../tsconfig.json',
      compilerOptions: {
        noEmit: false,
        outDir: DIST,
        rootDir: ROOT,
        declaration: false,
        sourceMap: false,
      },
      include: [],
      files: ['../bench/scan/scan-file.ts'],
    }),
  );
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const out = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' });
  if (out.status !== 0)
    throw new Error(`compiling the scanner failed:\n${out.stdout}${out.stderr}`);
}

interface ChildResult {
  bytes: number;
  seconds: number;
  findings: number;
  maxRssMiB: number;
}

function scanInChild(path: string): ChildResult {
  const out = spawnSync(process.execPath, [join(DIST, 'bench/scan/scan-file.js'), path], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (out.status !== 0) throw new Error(`scan child failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as {
    bytes: number;
    seconds: number;
    findings: number;
    maxRssMiB: number;
  };
}

const REPS = QUICK ? 3 : 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * grep and the scanner run in turn `REPS` times on the same file (page cache warm): the machine
 * is shared, so each round's ratio compares runs made under the same load, and the median of the
 * ratios is reported.
 */
function throughput(): { lines: string[]; file: string } {
  const size = (QUICK ? 50 : 200) * MB;
  const file = join(dir, 'mixed.txt');
  generateText(file, size, SEED + 1);
  const bytes = statSync(file).size;
  timeGrep(file); // warm the page cache
  const rounds = Array.from({ length: REPS }, () => {
    const grep = timeGrep(file);
    const scan = scanInChild(file);
    return { grep, scan };
  });
  const rate = (seconds: number) => bytes / MB / seconds;
  const grepSeconds = median(rounds.map((r) => r.grep.seconds));
  const scanSeconds = median(rounds.map((r) => r.scan.seconds));
  const ratio = median(rounds.map((r) => r.grep.seconds / r.scan.seconds));
  const each = rounds.map((r) => (r.grep.seconds / r.scan.seconds).toFixed(2)).join(', ');
  return {
    file,
    lines: [
      `Throughput on ${(bytes / MB).toFixed(0)} MB of generated kk/ru/en chat text (${rounds[0]!.scan.findings} findings; grep counted ${rounds[0]!.grep.count} lines); median of ${REPS} rounds, each running grep and the scanner in turn:`,
      '',
      '| tool | seconds | MB/s |',
      '|---|---:|---:|',
      `| \`grep -cP '${IIN_REGEX}'\` | ${grepSeconds.toFixed(2)} | ${rate(grepSeconds).toFixed(0)} |`,
      `| qalqan scan, all 13 detectors | ${scanSeconds.toFixed(2)} | ${rate(scanSeconds).toFixed(0)} |`,
      '',
      `Ratio scan ÷ grep (median of the rounds' ratios): **${ratio.toFixed(2)}** (rounds: ${each}); target ≥ 0.3. Load average after the rounds: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} on ${availableParallelism()} cores.`,
    ],
  };
}

function memory(source: string): string[] {
  const sizes = QUICK ? [10, 50, 200] : [10, 100, 1000];
  const lines = [
    'Peak RSS of a fresh process scanning a file (streaming: it should not grow with the input).',
    '',
    '| input | peak RSS | seconds |',
    '|---:|---:|---:|',
  ];
  for (const mb of sizes) {
    const path = join(dir, `memory-${mb}.txt`);
    if (mb * MB <= statSync(source).size) {
      spawnSync('head', ['-c', String(mb * MB), source], {
        stdio: ['ignore', openSync(path, 'w'), 'inherit'],
      });
    } else grow(path, source, mb * MB);
    const scan = scanInChild(path);
    lines.push(
      `| ${(scan.bytes / MB).toFixed(0)} MB | ${scan.maxRssMiB.toFixed(0)} MiB | ${scan.seconds.toFixed(1)} |`,
    );
    rmSync(path);
  }
  return lines;
}

try {
  const out: string[] = [];
  const log = (lines: string[]) => {
    out.push(...lines, '');
    console.log(lines.join('\n') + '\n');
  };
  compile();
  log(await quality());
  const { lines, file } = throughput();
  log(lines);
  log(memory(file));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
