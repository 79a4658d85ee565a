import type { Command } from 'commander';
import type { ConfigFlags } from '../config/config.js';
import type { CliIo } from '../cli/io.js';
import { configFrom, withStorageOptions } from '../cli/server-options.js';
import { createQalqan } from '../server.js';
import { loadDemoWorld, printDemoCredentials } from './demo.js';

export function registerDemoCommand(program: Command, io: CliIo): void {
  withStorageOptions(
    program
      .command('demo')
      .description('load the demo world into the database (idempotent) and print its credentials'),
  ).action(async (flags: ConfigFlags) => {
    const config = configFrom(flags, io);
    const qalqan = await createQalqan(config, { logger: false });
    try {
      printDemoCredentials(await loadDemoWorld(qalqan), io.stdout);
    } finally {
      await qalqan.close();
    }
  });
}
