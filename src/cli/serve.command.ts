import type { Command } from 'commander';
import type { ConfigFlags } from '../config/config.js';
import { loadDemoWorld, printDemoCredentials } from '../demo/demo.js';
import { createQalqan, listen } from '../server.js';
import type { CliIo } from './io.js';
import { configFrom, withListenOptions, withStorageOptions } from './server-options.js';

// `--demo` is a configuration flag like the others (ConfigFlags): modules read `config.demo`.
type ServeFlags = ConfigFlags;

export function registerServeCommand(program: Command, io: CliIo): void {
  withListenOptions(
    withStorageOptions(program.command('serve').description('run the Qalqan server')),
  )
    .option(
      '--demo',
      'demo mode: load the demo world (idempotent) and print its credentials [QALQAN_DEMO]',
    )
    .action(async (flags: ServeFlags) => {
      const config = configFrom(flags, io);
      const qalqan = await createQalqan(config);
      let stopping = false;
      try {
        const baseUrl = await listen(qalqan);
        if (config.demo) {
          const demo = await loadDemoWorld(qalqan, baseUrl);
          printDemoCredentials(demo, io.stdout);
        }
        io.stdout.write(
          [
            `Qalqan ${qalqan.storage.dialect === 'sqlite' ? `on SQLite ${qalqan.storage.location}` : `on PostgreSQL ${qalqan.storage.location}`}`,
            `  web app      ${baseUrl}/`,
            `  API          ${baseUrl}/v1/`,
            `  API docs     ${baseUrl}/docs`,
            `  OpenAPI      ${baseUrl}/openapi.json`,
            `  health       ${baseUrl}/healthz  ${baseUrl}/readyz`,
            `  metrics      ${baseUrl}/metrics`,
            `  ledger       ${baseUrl}/ledger/checkpoint (${qalqan.ledger.ledger.role}; verifier key ${qalqan.ledger.ledger.verifierKey})`,
            `Listening on ${baseUrl} (Ctrl+C to stop)`,
            '',
          ].join('\n'),
        );
        const signal = await io.stopSignal();
        stopping = true;
        io.stderr.write(`qalqan: ${signal} received, shutting down\n`);
      } finally {
        if (!stopping) qalqan.app.log.info('closing after a start-up failure');
        await qalqan.close();
      }
    });
}
