/**
 * `qalqan registry import|export|staff-token`: bulk loading and export of the registry, and the
 * bootstrap of the first staff token where no identity provider is configured. These write to the
 * database directly; the running server sequences their changes into the ledger (outbox).
 */
import { closeSync, fchmodSync, openSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { Option } from 'commander';
import { CliError, type CliIo, EXIT_FOUND } from '../cli/io.js';
import { configFrom, withStorageOptions } from '../cli/server-options.js';
import type { ConfigFlags } from '../config/config.js';
import { indexTaxonomy } from '../core/taxonomy.js';
import { FILE_LIMITS, FileLimitError, readWholeFile } from '../storage/whole-file.js';
import { loadSecrets } from '../secrets/secrets.js';
import { migrateToLatest } from '../storage/migrate.js';
import { openStorage, type Storage } from '../storage/storage.js';
import { createCredentialService } from './credentials.service.js';
import type { Actor } from './registry.model.js';
import {
  CsvRowTooLongError,
  parseRegistryFile,
  toCsvExport,
  toJsonExport,
} from './registry-file.js';
import { createRegistryService, type ImportProblem } from './registry.service.js';
import { listOperatorsWithSystems } from './registry.store.js';

function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // Containers may run as a uid without a passwd entry; the history then says so.
  }
  return { kind: 'cli', id: name };
}

async function withStorage<T>(
  flags: ConfigFlags,
  io: CliIo,
  work: (storage: Storage, config: ReturnType<typeof configFrom>) => Promise<T>,
): Promise<T> {
  const config = configFrom(flags, io);
  const storage = await openStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await migrateToLatest(storage.db, storage.native);
    return await work(storage, config);
  } finally {
    await storage.close();
  }
}

/** Control characters (a newline, a terminal escape) as spaces. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/**
 * An ISO 8601 date or date-time (four-digit year, a day the month has) as epoch milliseconds, else
 * NaN: `Date.parse` also takes other shapes ('Dec 25 2030', '2030-02-30' as 2 March, a six-digit
 * year) that the stored expiry, compared as text, would misorder.
 */
export function parseIsoInstant(text: string): number {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/.exec(
      text,
    );
  if (!match) return Number.NaN;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.toISOString().slice(0, 10) !== `${year}-${month}-${day}`) return Number.NaN;
  return Date.parse(text);
}

function formatProblems(problems: readonly ImportProblem[]): string {
  return problems.map((p) => `  ${p.source}: ${p.message} [${p.code}]`).join('\n');
}

export function registerRegistryCommands(program: Command, io: CliIo): void {
  const registry = program
    .command('registry')
    .description('bulk-load, export and administer the registry of operators and systems');

  withStorageOptions(
    registry
      .command('import')
      .description(
        'load operators and systems from a .json or .csv file, all or nothing, with a per-row report',
      )
      .argument('<file>', 'registry file (.json or .csv)')
      .option('--dry-run', 'validate every row and report, but write nothing'),
  ).action(async (file: string, flags: ConfigFlags & { dryRun?: boolean }) => {
    let text: string;
    try {
      text = readWholeFile(file, FILE_LIMITS.import, 'an import file').toString('utf8');
    } catch (error) {
      if (error instanceof FileLimitError) throw new CliError(error.message);
      throw new CliError(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    let parsed: ReturnType<typeof parseRegistryFile>;
    try {
      parsed = parseRegistryFile(file, text);
    } catch (error) {
      if (error instanceof CsvRowTooLongError) throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
    await withStorage(flags, io, async (storage, config) => {
      const service = createRegistryService({
        db: storage.db,
        secrets: loadSecrets(config),
        taxonomy: indexTaxonomy(),
        clock: () => new Date(),
      });
      // Rows that did not parse still leave the others to be checked, so one run reports everything.
      const report = await service.importRecords(
        parsed.items,
        { dryRun: flags.dryRun === true || parsed.problems.length > 0 },
        cliActor(),
      );
      const problems = [...parsed.problems, ...report.problems];
      if (problems.length > 0) {
        io.stdout.write(
          `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was imported\n${formatProblems(problems)}\n`,
        );
        io.setExitCode(EXIT_FOUND);
        return;
      }
      const counts = `${report.operators} operator${report.operators === 1 ? '' : 's'} and ${report.systems} system${report.systems === 1 ? '' : 's'}`;
      io.stdout.write(
        report.committed
          ? `${file}: imported ${counts}; a running server sequences the changes into the ledger\n`
          : `${file}: ${counts} are valid (dry run, nothing written)\n`,
      );
    });
  });

  withStorageOptions(
    registry
      .command('export')
      .description('write the registry as JSON (re-importable) or CSV')
      .addOption(
        new Option('--format <format>', 'json or csv').choices(['json', 'csv']).default('json'),
      )
      .option('--output <file>', 'write to a file instead of standard output'),
  ).action(async (flags: ConfigFlags & { format: 'json' | 'csv'; output?: string }) => {
    await withStorage(flags, io, async (storage) => {
      const operators = await listOperatorsWithSystems(storage.db);
      const text =
        flags.format === 'csv'
          ? toCsvExport(operators)
          : toJsonExport(operators, new Date().toISOString());
      if (flags.output) {
        // Owner-only also when the file exists already: `mode` applies only to a file created.
        const fd = openSync(flags.output, 'w', 0o600);
        try {
          fchmodSync(fd, 0o600);
          writeFileSync(fd, text);
        } finally {
          closeSync(fd);
        }
        io.stderr.write(`${flags.output}: ${operators.length} operators\n`);
      } else {
        io.stdout.write(text);
      }
    });
  });

  withStorageOptions(
    registry
      .command('staff-token')
      .description(
        'issue a staff token (the first regulator\u2019s, where no OIDC provider is configured)',
      )
      .addOption(
        new Option('--role <role>', 'regulator, soc or auditor')
          .choices(['regulator', 'soc', 'auditor'])
          .makeOptionMandatory(),
      )
      .requiredOption('--name <name>', 'who the token is for')
      .option('--expires <date>', 'expiry, ISO date or date-time'),
  ).action(
    async (
      flags: ConfigFlags & {
        role: 'regulator' | 'soc' | 'auditor';
        name: string;
        expires?: string;
      },
    ) => {
      const expiresAt = flags.expires === undefined ? null : parseIsoInstant(flags.expires);
      if (expiresAt !== null && (Number.isNaN(expiresAt) || expiresAt <= Date.now())) {
        throw new CliError(
          `--expires must be a future ISO date, got '${printable(flags.expires ?? '').slice(0, 40)}'`,
        );
      }
      if (flags.name.trim() === '') throw new CliError('--name must not be blank');
      if (flags.name.length > 200) throw new CliError('--name must be at most 200 characters');
      // The name is shown in listings and on the terminal: a newline or an escape would forge lines.
      if (printable(flags.name) !== flags.name)
        throw new CliError('--name must be one line without control characters');
      await withStorage(flags, io, async (storage, config) => {
        const credentials = createCredentialService({
          db: storage.db,
          lookupKey: loadSecrets(config).lookupKey,
          clock: () => new Date(),
        });
        const issued = await credentials.issueStaffToken(
          flags.role,
          flags.name,
          cliActor(),
          expiresAt === null ? null : new Date(expiresAt).toISOString(),
        );
        io.stdout.write(`${issued.token}\n`);
        io.stderr.write(
          `staff token ${issued.id} (${flags.role}) for ${flags.name}: store it now, it is not shown again\n`,
        );
      });
    },
  );
}
