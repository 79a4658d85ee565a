import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { Option } from 'commander';
import { DomainError, isDomainError } from '../core/errors.js';
import { FILE_LIMITS, FileLimitError, readWholeFile } from '../storage/whole-file.js';
import { DEFAULT_MIN_SCORE, createEngine } from './engine.js';
import { createValueHasher } from './mask.js';
import { INPUT_FORMATS, type InputFormat } from './readers/format.js';
import { createJsonReport } from './report/json.js';
import { RiskTracker } from './report/risk.js';
import { createSarifReport } from './report/sarif.js';
import { SummaryCollector } from './report/summary.js';
import { createTableReport } from './report/table.js';
import type { ReportWriter, Write } from './report/writer.js';
import { createRedactedPaths, expandPaths, scanFile, type FileScanResult } from './scan-files.js';
import { PII_TYPES, isPiiType, type PiiType } from './types.js';

/** Exit codes (the same as the rest of the CLI): 0 nothing found, 1 findings, 2 error. */
export const SCAN_EXIT = { clean: 0, found: 1, error: 2 } as const;

export const REPORT_FORMATS = ['table', 'json', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Inputs above this size get a progress bar (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 8 << 20;

/** Everything the scan command touches outside itself, injectable for tests. */
export interface ScanIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; writableNeedDrain?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Validated options of `qalqan scan`. */
export interface ScanCommandOptions {
  readonly paths: readonly string[];
  readonly format: ReportFormat;
  readonly output?: string;
  readonly redact: boolean;
  readonly redactDir?: string;
  readonly minScore: number;
  readonly types: readonly PiiType[];
  readonly inputFormat: InputFormat;
  readonly keyFile?: string;
  readonly progress: boolean;
}

/** Raw option values as commander gives them. */
export interface RawScanOptions {
  format?: string;
  output?: string;
  redact?: boolean;
  redactDir?: string;
  minScore?: string;
  types?: string;
  inputFormat?: string;
  keyFile?: string;
  progress?: boolean;
}

/** Checks raw options; a bad one is a `scan.invalid_option` error with a one-line reason. */
export function parseScanOptions(
  paths: readonly string[],
  raw: RawScanOptions,
): ScanCommandOptions {
  const bad = (detail: string): never => {
    throw new DomainError('scan.invalid_option', detail);
  };
  if (paths.length === 0) bad('give at least one file or directory to scan');
  const format = raw.format ?? 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    bad(`--format must be one of ${REPORT_FORMATS.join(', ')}, got "${format}"`);
  }
  const inputFormat = raw.inputFormat ?? 'auto';
  if (!(INPUT_FORMATS as readonly string[]).includes(inputFormat)) {
    bad(`--input-format must be one of ${INPUT_FORMATS.join(', ')}, got "${inputFormat}"`);
  }
  // Number('') is 0: a blank value would report everything, not be refused.
  const minScore =
    raw.minScore === undefined
      ? DEFAULT_MIN_SCORE
      : raw.minScore.trim() === ''
        ? Number.NaN
        : Number(raw.minScore);
  if (!Number.isFinite(minScore) || minScore < 0 || minScore > 1) {
    bad(`--min-score must be a number from 0 to 1, got "${raw.minScore}"`);
  }
  let types: PiiType[] = [...PII_TYPES];
  if (raw.types !== undefined) {
    const names = raw.types
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t.length > 0);
    const unknown = names.filter((t) => !isPiiType(t));
    if (unknown.length > 0 || names.length === 0) {
      bad(
        `--types takes a comma-separated list of ${PII_TYPES.join(', ')}; unknown: ${unknown.join(', ') || '(empty)'}`,
      );
    }
    types = names as PiiType[];
  }
  return {
    paths,
    format: format as ReportFormat,
    ...(raw.output !== undefined ? { output: raw.output } : {}),
    redact: raw.redact === true || raw.redactDir !== undefined,
    ...(raw.redactDir !== undefined ? { redactDir: raw.redactDir } : {}),
    minScore,
    types,
    inputFormat: inputFormat as InputFormat,
    ...(raw.keyFile !== undefined ? { keyFile: raw.keyFile } : {}),
    progress: raw.progress !== false,
  };
}

function reportWriter(format: ReportFormat, write: Write): ReportWriter {
  switch (format) {
    case 'table':
      return createTableReport(write);
    case 'json':
      return createJsonReport(write);
    case 'sarif':
      return createSarifReport(write);
  }
}

/**
 * The hash key: a key file, else `QALQAN_SCAN_KEY`, else a random key for this run (hashes then
 * correlate within one report only). The key is never taken on the command line itself, where
 * other users of the machine could read it in the process list.
 */
function loadKey(options: ScanCommandOptions, io: ScanIo): string | Uint8Array | undefined {
  if (options.keyFile !== undefined) {
    const file = resolve(io.cwd, options.keyFile);
    let key: Buffer;
    let mode: number;
    try {
      mode = statSync(file).mode;
      key = readWholeFile(file, FILE_LIMITS.key, 'a key file', options.keyFile);
    } catch (error) {
      if (error instanceof FileLimitError)
        throw new DomainError('scan.invalid_option', `--key-file: ${error.message}`);
      throw new DomainError('scan.unreadable_path', `${options.keyFile}: cannot read the key file`);
    }
    // Whoever can read the key can hash every possible IIN (10^11 of them) and so read the
    // report's hashes back: the key file is refused unless only its owner can read it, as the
    // server's own key files are.
    if (process.platform !== 'win32' && (mode & 0o077) !== 0)
      throw new DomainError(
        'scan.invalid_option',
        `${options.keyFile}: the key file is readable by group or others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${options.keyFile}`,
      );
    return key;
  }
  const fromEnv = io.env.QALQAN_SCAN_KEY;
  return fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : undefined;
}

/**
 * Runs a scan and returns the exit code: 0 no findings, 1 findings, 2 error (after one line on
 * stderr). Findings are streamed to the report; the summary comes at the end.
 *
 * @example
 * const code = await runScan(parseScanOptions(['chat.json'], { format: 'sarif' }), {
 *   stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(),
 * });
 */
export async function runScan(options: ScanCommandOptions, io: ScanIo): Promise<number> {
  let outFd = -1;
  let detach = () => {};
  try {
    const { files, totalBytes, skipped: notFiles } = expandPaths(options.paths, io.cwd);
    for (const input of notFiles)
      io.stderr.write(`qalqan scan: ${input.path}: skipped, ${input.reason}\n`);
    // Every input skipped: a scan of nothing is not a clean result.
    if (files.length === 0 && notFiles.length > 0) return SCAN_EXIT.error;
    const key = loadKey(options, io);
    const engine = createEngine({ types: options.types, minScore: options.minScore });
    const hasher = createValueHasher(key);
    // Opening the report truncates its file, and a redacted copy is written while the scan reads
    // on: either landing on an input would destroy it (and scan what is left of it).
    const isInput = sameFileAs(files);
    const redactTo = createRedactedPaths(
      options.redactDir === undefined ? undefined : resolve(io.cwd, options.redactDir),
      io.cwd,
    );
    const redactedCopies = options.redact ? files.map((file) => redactTo(file)) : [];
    for (const [index, copy] of redactedCopies.entries()) {
      if (isInput(copy))
        throw new DomainError(
          'scan.invalid_option',
          `${displayPath(io.cwd, copy)}: the redacted copy of ${displayPath(io.cwd, files[index]!)} would overwrite this input`,
        );
    }
    if (options.output !== undefined) {
      if (isInput(resolve(io.cwd, options.output)))
        throw new DomainError(
          'scan.invalid_option',
          `${options.output}: is one of the inputs; the report would overwrite it (-o names the report's file)`,
        );
      try {
        outFd = openSync(resolve(io.cwd, options.output), 'w');
      } catch {
        throw new DomainError(
          'scan.unreadable_path',
          `${options.output}: cannot write the report there`,
        );
      }
    }
    const fd = outFd;
    // `qalqan scan … | head`: a reader that goes away ends the report, not the process.
    let closed = false;
    const onStdoutError = () => {
      closed = true;
    };
    if (fd < 0) io.stdout.on('error', onStdoutError);
    detach = () => io.stdout.off('error', onStdoutError);
    const write: Write =
      fd >= 0
        ? (text) => void writeSync(fd, text)
        : (text) => {
            if (!closed) io.stdout.write(text);
          };
    const drain = async () => {
      if (fd >= 0 || closed || io.stdout.writableNeedDrain !== true) return;
      try {
        await once(io.stdout, 'drain'); // rejects if the stream errors meanwhile
      } catch {
        closed = true;
      }
    };
    const report = reportWriter(options.format, write);
    const summary = new SummaryCollector();
    const risk = new RiskTracker((c) => summary.riskCase(c));
    const bar =
      options.progress && io.stderr.isTTY === true && totalBytes >= PROGRESS_MIN_BYTES
        ? new SingleBar({
            stream: io.stderr,
            format: 'scanning [{bar}] {percentage}% | {value}/{total} MB | {file}',
            hideCursor: true,
          })
        : null;
    bar?.start(Math.ceil(totalBytes / 1e6), 0, { file: '' });
    let done = 0;
    report.begin();
    const results: FileScanResult[] = [];
    for (const [index, file] of files.entries()) {
      const shown = displayPath(io.cwd, file);
      bar?.update(Math.floor(done / 1e6), { file: shown });
      const result = await scanFile(file, {
        engine,
        hasher,
        inputFormat: options.inputFormat,
        sink: {
          finding(finding, meta) {
            const f = { ...finding, location: { ...finding.location, source: shown } };
            report.finding(f);
            summary.finding(f, meta);
            risk.add(f, meta);
          },
        },
        ...(options.redact ? { redactTo: redactedCopies[index]! } : {}),
        onProgress: (n) => {
          done += n;
          bar?.update(Math.floor(done / 1e6));
        },
        afterChunk: drain,
        shownAs: shown,
      });
      results.push({ ...result, path: shown });
    }
    bar?.stop();
    const skipped = results.filter((r) => r.format === 'binary').map((r) => r.path);
    report.end(summary.summary(results.length - skipped.length, totalBytes, skipped), results);
    await drain();
    return summary.findings > 0 ? SCAN_EXIT.found : SCAN_EXIT.clean;
  } catch (error) {
    io.stderr.write(
      `qalqan scan: ${isDomainError(error) ? error.detail : describeUnexpected(error)}\n`,
    );
    return SCAN_EXIT.error;
  } finally {
    detach();
    if (outFd >= 0) closeSync(outFd);
  }
}

/** Whether a path is (a link to) one of `files`: compared by device and inode. */
function sameFileAs(files: readonly string[]): (path: string) => boolean {
  const identity = (path: string): string | undefined => {
    try {
      const stat = statSync(path);
      return `${stat.dev}:${stat.ino}`;
    } catch {
      return undefined; // not there yet: not an input
    }
  };
  const inputs = new Set(files.map(identity));
  return (path) => {
    const id = identity(path);
    return id !== undefined && inputs.has(id);
  };
}

function describeUnexpected(error: unknown): string {
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

/** Paths in reports are relative to the working directory when inside it, as typed otherwise. */
function displayPath(cwd: string, absolute: string): string {
  const prefix = cwd.endsWith('/') ? cwd : `${cwd}/`;
  return absolute.startsWith(prefix) ? absolute.slice(prefix.length) : absolute;
}

function defaultIo(): ScanIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * Registers `qalqan scan <paths...>` on the CLI program. The exit code is set through
 * `setExitCode` when the caller's IO has one (the CLI's does), else on `process.exitCode`.
 *
 * @example
 * const program = new Command('qalqan');
 * registerScanCommand(program);
 * await program.parseAsync(['scan', 'export/result.json', '--format', 'sarif'], { from: 'user' });
 */
export function registerScanCommand(
  program: Command,
  io: ScanIo & { setExitCode?: (code: number) => void } = defaultIo(),
): Command {
  return program
    .command('scan')
    .description(
      'find personal data (IIN, cards, IBAN, phones, documents, health data…) in files, chat exports and directories',
    )
    .argument('<paths...>', 'files or directories (scanned recursively)')
    .addOption(
      new Option('-f, --format <format>', 'report format')
        .choices([...REPORT_FORMATS])
        .default('table'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option(
      '--redact',
      'write a copy of each input with findings masked (NAME.redacted.EXT beside it)',
    )
    .option(
      '--redact-dir <dir>',
      'write the redacted copies into this directory (implies --redact)',
    )
    .option(
      '--min-score <score>',
      `report findings scoring at least this (0–1, default ${DEFAULT_MIN_SCORE})`,
    )
    .option('--types <list>', `only these types: ${PII_TYPES.join(',')}`)
    .addOption(
      new Option('--input-format <format>', 'how to read the inputs')
        .choices([...INPUT_FORMATS])
        .default('auto'),
    )
    .option(
      '--key-file <file>',
      'key for the value hashes (default: env QALQAN_SCAN_KEY, else random per run)',
    )
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (paths: string[], raw: RawScanOptions) => {
      let code: number;
      try {
        code = await runScan(parseScanOptions(paths, raw), io);
      } catch (error) {
        io.stderr.write(
          `qalqan scan: ${isDomainError(error) ? error.detail : describeUnexpected(error)}\n`,
        );
        code = SCAN_EXIT.error;
      }
      if (io.setExitCode !== undefined) io.setExitCode(code);
      else process.exitCode = code;
    });
}
