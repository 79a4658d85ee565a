import { type Command, Option } from 'commander';
import { type Config, type ConfigFlags, loadConfig } from '../config/config.js';
import type { CliIo } from './io.js';

// Environment variables are read by loadConfig, not by commander, so that one schema decides
// precedence (flag over environment over default) and names the bad setting in its message.

/** Adds the flags every command that opens the server's storage shares. */
export function withStorageOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--data-dir <dir>',
        'data directory for the SQLite file and keys [QALQAN_DATA_DIR, default ./data]',
      ),
    )
    .addOption(
      new Option(
        '--database-url <url>',
        'PostgreSQL URL instead of the embedded SQLite [DATABASE_URL]',
      ),
    )
    .addOption(
      new Option(
        '--log-level <level>',
        'fatal|error|warn|info|debug|trace|silent [QALQAN_LOG_LEVEL, default info]',
      ),
    );
}

export function withListenOptions(command: Command): Command {
  return command
    .addOption(new Option('--host <host>', 'address to listen on [QALQAN_HOST, default 127.0.0.1]'))
    .addOption(
      new Option('--port <port>', 'port, 0 for any free port [QALQAN_PORT, default 8080]'),
    );
}

/** Builds the configuration from the command's flags and the environment (flags win). */
export function configFrom(flags: ConfigFlags, io: CliIo): Config {
  return loadConfig(io.env, flags, io.cwd);
}
