/**
 * `qalqan ledger …`:
 *   verify --url <base> [--checkpoint old.txt] [--vkey <key|file>] [--save new.txt]
 *       fetch and re-hash a served log; one-line verdict; exit 1 if it does not verify
 *   fsck [--records] [--vkey <key|file>]
 *       full integrity check of the local ledger storage
 *   vkey
 *       print this server's verifier key (to publish for verifiers)
 * Exit codes as everywhere: 0 verified, 1 verification failed, 2 could not run (usage, network, storage).
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { CliError, type CliIo, EXIT_ERROR, EXIT_FOUND } from '../cli/io.js';
import { configFrom, withStorageOptions } from '../cli/server-options.js';
import type { ConfigFlags } from '../config/config.js';
import { FILE_LIMITS, FileLimitError, readWholeFile } from '../storage/whole-file.js';
import { openStorage } from '../storage/storage.js';
import { type NoteVerifier, parseVerifierKey } from './checkpoint/note.js';
import { findSigningKey, loadSigningKey } from './checkpoint/signing-key.js';
import { checkIntegrity } from './integrity.js';
import { ledgerOrigin } from './ledger.module.js';
import { createKyselyLedgerStore } from './store/kysely-store.js';
import { verifyRemoteLedger } from './verify/remote-verifier.js';

/** Shows a progress bar on stderr for long runs, only when stderr is a terminal. */
function progressBar(
  io: CliIo,
  unit: string,
): { update(done: number, total: number): void; stop(): void } {
  let bar: SingleBar | undefined;
  return {
    update(done, total) {
      if (!io.stderr.isTTY || total < 64) return;
      if (!bar) {
        bar = new SingleBar({
          stream: io.stderr,
          format: `verifying [{bar}] {percentage}% | {value}/{total} ${unit}`,
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(total, done);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** `--vkey` takes the key itself or a file holding it. */
function readVerifierKey(value: string, cwd: string): NoteVerifier {
  const file = path.resolve(cwd, value);
  let text = value;
  if (!value.includes('+') && existsSync(file)) {
    try {
      text = readWholeFile(file, FILE_LIMITS.key, 'a verifier key', value).toString('utf8');
    } catch (error) {
      if (error instanceof FileLimitError) throw new CliError(`--vkey: ${error.message}`);
      throw new CliError(`--vkey: cannot read ${value}: ${ioReason(error)}`);
    }
  }
  try {
    return parseVerifierKey(text.trim());
  } catch (error) {
    throw new CliError(`--vkey: ${(error as Error).message}`);
  }
}

/** The code of a failed file operation (ENOENT, EISDIR, EACCES…), else its message. */
function ioReason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

interface VerifyFlags {
  url: string;
  checkpoint?: string;
  vkey?: string;
  save?: string;
  concurrency: string;
}

interface FsckFlags extends ConfigFlags {
  records?: boolean;
  vkey?: string;
}

export function registerLedgerCommands(program: Command, io: CliIo): void {
  const ledger = program
    .command('ledger')
    .description('the transparency ledger: verify a served log, check local storage');

  ledger
    .command('verify')
    .description(
      'fetch a ledger, re-hash every entry and tile, check the signature and (with --checkpoint) consistency',
    )
    .requiredOption('--url <base>', 'server base URL (the log is served under <base>/ledger/)')
    .option('--checkpoint <file>', 'an older checkpoint the log must still extend')
    .option(
      '--vkey <key|file>',
      'the verifier key to trust (default: the one the server publishes)',
    )
    .option('--save <file>', 'write the verified checkpoint here, for the next --checkpoint')
    .addOption(new Option('--concurrency <n>', 'parallel requests').default('8'))
    .action(async (flags: VerifyFlags) => {
      let url: URL;
      try {
        url = new URL(flags.url);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      } catch {
        throw new CliError(`--url must be an http(s) URL, got '${flags.url.slice(0, 80)}'`);
      }
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
        throw new CliError('--concurrency must be 1..64');
      const verifierKey = flags.vkey ? readVerifierKey(flags.vkey, io.cwd).verifierKey : undefined;
      let oldCheckpoint: string | undefined;
      if (flags.checkpoint !== undefined) {
        try {
          oldCheckpoint = readWholeFile(
            path.resolve(io.cwd, flags.checkpoint),
            FILE_LIMITS.checkpoint,
            'a checkpoint',
            flags.checkpoint,
          ).toString('utf8');
        } catch (error) {
          if (error instanceof FileLimitError) throw new CliError(`--checkpoint: ${error.message}`);
          throw new CliError(`--checkpoint: cannot read ${flags.checkpoint}`);
        }
        // An empty file would otherwise skip the consistency check it was given for.
        if (oldCheckpoint.trim() === '')
          throw new CliError(`--checkpoint: ${flags.checkpoint} is empty (no checkpoint in it)`);
      }
      const bar = progressBar(io, 'tiles');
      const result = await verifyRemoteLedger({
        baseUrl: url.toString(),
        verifierKey,
        oldCheckpoint,
        concurrency,
        onProgress: (done, total) => bar.update(done, total),
      }).finally(() => bar.stop());
      io.stdout.write(`${result.verdict}\n`);
      if (!result.ok) {
        io.setExitCode(result.failure === 'unreachable' ? EXIT_ERROR : EXIT_FOUND);
        return;
      }
      if (flags.save && result.checkpoint) {
        try {
          writeFileSync(path.resolve(io.cwd, flags.save), result.checkpoint.note);
        } catch (error) {
          throw new CliError(
            `--save: the log verified, but its checkpoint cannot be written to ${flags.save}: ${ioReason(error)}`,
          );
        }
      }
    });

  withStorageOptions(
    ledger
      .command('fsck')
      .description(
        're-hash the local ledger: entries, tiles, every checkpoint and signature (read-only)',
      )
      .option('--records', 'also open every private record against its public commitment')
      .option(
        '--vkey <key|file>',
        'verify signatures with this key instead of the configured signing key',
      ),
  ).action(async (flags: FsckFlags) => {
    const config = configFrom(flags, io);
    const origin = ledgerOrigin(config);
    const verifier = flags.vkey
      ? readVerifierKey(flags.vkey, io.cwd)
      : findSigningKey(origin, { dataDir: config.dataDir, ...config.ledger })?.signer;
    if (!verifier) {
      throw new CliError(
        `no ledger signing key in ${config.dataDir} or the environment; pass --vkey to check with a verifier key`,
      );
    }
    const storage = await openStorage({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      create: false,
    });
    const bar = progressBar(io, 'entries');
    try {
      const store = createKyselyLedgerStore(storage);
      const report = await checkIntegrity(store, parseVerifierKey(verifier.verifierKey), {
        mode: 'full',
        records: flags.records === true,
        onProgress: (done, total) => bar.update(done, total),
      }).catch((error: unknown) => {
        throw new CliError(
          `cannot read the ledger in ${storage.location}: ${(error as Error).message} (run qalqan migrate?)`,
        );
      });
      bar.stop();
      const { entries, tiles, checkpoints, records } = report.checked;
      const counted = `${entries} entries, ${tiles} tiles, ${checkpoints} checkpoints${flags.records ? `, ${records} private records` : ''}`;
      if (report.ok) {
        io.stdout.write(
          `OK ledger in ${storage.location}: size ${report.size}; ${counted} verified\n`,
        );
        return;
      }
      io.stdout.write(
        `FAIL ledger in ${storage.location}: ${report.problems.length} problem(s) after checking ${counted}\n`,
      );
      for (const problem of report.problems) io.stdout.write(`  - ${problem}\n`);
      io.setExitCode(EXIT_FOUND);
    } finally {
      bar.stop();
      await storage.close();
    }
  });

  ledger
    .command('vkey')
    .description(
      "print this server's checkpoint verifier key (generating the signing key on first use)",
    )
    .addOption(new Option('--data-dir <dir>', 'data directory [QALQAN_DATA_DIR, default ./data]'))
    .action((flags: ConfigFlags) => {
      const config = configFrom(flags, io);
      const { signer } = loadSigningKey(ledgerOrigin(config), {
        dataDir: config.dataDir,
        ...config.ledger,
      });
      io.stdout.write(`${signer.verifierKey}\n`);
    });
}
