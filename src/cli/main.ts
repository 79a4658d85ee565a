/**
 * `qalqan` — the command line. Each command lives beside its module and registers itself here.
 * Errors become one line on stderr and an exit code (see io.ts); stack traces only with --debug.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { isDomainError } from '../core/errors.js';
import { SecretError } from '../secrets/key-files.js';
import { MigrationError } from '../storage/migrate.js';
import { StorageError } from '../storage/storage.js';
import { version } from '../version.js';
import { registerConsentCommands } from '../consent/consent.command.js';
import { registerDemoCommand } from '../demo/demo.command.js';
import { registerLedgerCommands } from '../ledger/ledger.command.js';
import { registerOutboxCommands } from '../outbox/outbox.command.js';
import { registerRegistryCommands } from '../registry/registry.command.js';
import { registerScanCommand } from '../scan/scan.command.js';
import { CliError, type CliIo, EXIT_ERROR, EXIT_OK, processIo } from './io.js';
import { registerMigrateCommand } from './migrate.command.js';
import { registerServeCommand } from './serve.command.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('qalqan')
    .description('Qalqan: personal-data access control, consent and a verifiable transparency log')
    .version(version, '-V, --version')
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  registerServeCommand(program, io);
  registerMigrateCommand(program, io);
  registerDemoCommand(program, io);
  registerLedgerCommands(program, io);
  registerOutboxCommands(program, io);
  registerRegistryCommands(program, io);
  registerScanCommand(program, io);
  registerConsentCommands(program, io);
  for (const command of program.commands)
    command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram({
    ...io,
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; anything commander rejects is a usage error (it printed why).
      return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    io.stderr.write(`qalqan: ${describeError(error)}\n`);
    if (program.opts<{ debug?: boolean }>().debug && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`);
    }
    return error instanceof CliError ? error.exitCode : EXIT_ERROR;
  }
}

const FILE_SYSTEM_CODES = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EPERM',
  'ENAMETOOLONG',
  'ELOOP',
]);

function describeError(error: unknown): string {
  if (
    error instanceof ConfigError ||
    error instanceof StorageError ||
    error instanceof MigrationError ||
    error instanceof SecretError ||
    error instanceof CliError
  ) {
    return error.message;
  }
  if (isDomainError(error)) return error.detail;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `the address is already in use: ${(error as Error).message}`;
  if (code === 'EACCES') return `permission denied: ${(error as Error).message}`;
  // A path that is not what the command needs (a file for a directory, a missing folder, a full
  // or read-only disk): Node's message names the path and the operation, which is the whole story.
  if (code !== undefined && FILE_SYSTEM_CODES.has(code)) return (error as Error).message;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)} (run with --debug for details)`;
}
