import type { Command } from 'commander';
import type { ConfigFlags } from '../config/config.js';
import { migrateToLatest } from '../storage/migrate.js';
import { openStorage } from '../storage/storage.js';
import type { CliIo } from './io.js';
import { configFrom, withStorageOptions } from './server-options.js';

export function registerMigrateCommand(program: Command, io: CliIo): void {
  withStorageOptions(
    program
      .command('migrate')
      .description('bring the database schema to the latest version (also done by serve at start)'),
  ).action(async (flags: ConfigFlags) => {
    const config = configFrom(flags, io);
    const storage = await openStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    try {
      const report = await migrateToLatest(storage.db, storage.native);
      const applied =
        report.applied.length > 0 ? `applied ${report.applied.join(', ')}` : 'already up to date';
      io.stdout.write(`${storage.location}: ${applied} (latest ${report.latest ?? 'none'})\n`);
    } finally {
      await storage.close();
    }
  });
}
