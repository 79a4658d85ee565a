/**
 * `qalqan consent verify-receipt|import-guardians|rotate-receipt-key`: checks a signed consent
 * receipt against a JWKS (a file or the server's `/.well-known/jwks.json`) and says why not;
 * imports guardianships from a file, all or nothing, with a per-record report (written to the
 * database directly; the running server sequences its records into the ledger through the
 * outbox); adds a new receipt signing key while the old ones stay published.
 */
import type { Command } from 'commander';
import type { JSONWebKeySet } from 'jose';
import { CliError, type CliIo, EXIT_FOUND } from '../cli/io.js';
import { configFrom, withStorageOptions } from '../cli/server-options.js';
import type { ConfigFlags } from '../config/config.js';
import { DomainError } from '../core/errors.js';
import { FILE_LIMITS, FileLimitError, readWholeFile } from '../storage/whole-file.js';
import { indexTaxonomy } from '../core/taxonomy.js';
import { enqueueOutbox } from '../outbox/index.js';
import { loadSecrets } from '../secrets/secrets.js';
import { migrateToLatest } from '../storage/migrate.js';
import { openStorage } from '../storage/storage.js';
import { createSubjects } from '../subjects/subjects.module.js';
import type { ConsentOutbox } from './consent.ports.js';
import { parseGuardianFile } from './guardian-file.js';
import { createGuardianService } from './guardians.js';
import { loadReceiptSigner, receiptKeysDir, rotateReceiptKey, verifyReceipt } from './receipts.js';

/** A file read whole: a regular file within the limit for its kind (`what`), else one line. */
function readText(file: string, limit: number, what: string): string {
  try {
    return readWholeFile(file, limit, what).toString('utf8');
  } catch (error) {
    if (error instanceof FileLimitError) throw new CliError(error.message);
    throw new CliError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** The receipt as downloaded (`{ "receipt": "…" }` from the API) or the bare compact JWS. */
function receiptOf(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const body = JSON.parse(trimmed) as { receipt?: unknown };
    if (typeof body.receipt === 'string') return body.receipt;
  } catch {
    // Not JSON after all: verifyReceipt says it is not a compact JWS.
  }
  return trimmed;
}

async function jwksFrom(source: string): Promise<JSONWebKeySet> {
  let text: string;
  if (/^https?:\/\//i.test(source)) {
    let response: Response;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new CliError(`cannot fetch ${source}: ${(error as Error).message}`);
    }
    if (!response.ok) throw new CliError(`cannot fetch ${source}: HTTP ${response.status}`);
    text = await response.text();
  } else text = readText(source, FILE_LIMITS.jwks, 'a JWKS');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${source} is not JSON (expected a JWKS: { "keys": [...] })`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new CliError(`${source} is not a JWKS (no "keys" array)`);
  return { keys: keys as JSONWebKeySet['keys'] };
}

/** The CLI writes without a ledger: rows wait in the outbox for the sequencing server. */
const cliOutbox: ConsentOutbox = {
  enqueue: (trx, items) => enqueueOutbox(trx as never, items),
  sequence: (ids) => Promise.resolve(new Map(ids.map((id) => [id, null]))),
};

export function registerConsentCommands(program: Command, io: CliIo): void {
  const consent = program
    .command('consent')
    .description('verify signed consent receipts, import guardianships, rotate receipt keys');

  consent
    .command('verify-receipt')
    .description(
      'verify a consent receipt (compact JWS, or the JSON the API returns); exit 0 valid, 1 invalid, 2 error',
    )
    .argument('<file>', 'the receipt file')
    .requiredOption('--jwks <fileOrUrl>', 'a JWKS file, or the URL of /.well-known/jwks.json')
    .action(async (file: string, flags: { jwks: string }) => {
      const jws = receiptOf(readText(file, FILE_LIMITS.receipt, 'a consent receipt'));
      const jwks = await jwksFrom(flags.jwks);
      const check = await verifyReceipt(jws, jwks);
      if (!check.ok) {
        io.stdout.write(`${file}: invalid: ${check.reason}\n`);
        io.setExitCode(EXIT_FOUND);
        return;
      }
      const id = check.document.consentReceiptID;
      const subject = check.document.piiPrincipalId;
      io.stdout.write(
        `${file}: valid consent receipt${typeof id === 'string' ? ` ${id}` : ''} for ${typeof subject === 'string' ? subject : 'an unnamed subject'}, signed by key ${check.kid}\n`,
      );
    });

  withStorageOptions(
    consent
      .command('rotate-receipt-key')
      .description(
        'add a new consent-receipt signing key in the data dir; old keys stay published at /.well-known/jwks.json so earlier receipts still verify; the server signs with the new key after a restart',
      ),
  ).action(async (flags: ConfigFlags) => {
    const dir = receiptKeysDir(configFrom(flags, io).dataDir);
    const before = await loadReceiptSigner(dir);
    // Key files are named by creation time (to the millisecond): a key made in the same
    // millisecond as the first one is that key, so try again a moment later.
    let after = before;
    for (let tries = 0; after.currentKid === before.currentKid; tries++) {
      if (tries === 3) throw new CliError(`could not add a new key in ${dir}`);
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      rotateReceiptKey(dir);
      after = await loadReceiptSigner(dir);
    }
    io.stdout.write(
      `new consent-receipt key ${after.currentKid}; ${after.jwks().keys.length - 1} earlier key(s) stay published; restart the server to sign with it\n`,
    );
  });

  withStorageOptions(
    consent
      .command('import-guardians')
      .description(
        'record guardianships from a .json or .csv file (guardianIin,childIin,relation,reference), all or nothing, with a per-record report',
      )
      .argument('<file>', 'guardianship file (.json or .csv)'),
  ).action(async (file: string, flags: ConfigFlags) => {
    const parsed = parseGuardianFile(file, readText(file, FILE_LIMITS.import, 'an import file'));
    const refuse = (problems: readonly string[]) => {
      io.stdout.write(
        `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was imported\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
      );
      io.setExitCode(EXIT_FOUND);
    };
    if (parsed.problems.length > 0) return refuse(parsed.problems);
    const config = configFrom(flags, io);
    const storage = await openStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    try {
      await migrateToLatest(storage.db);
      const guardians = createGuardianService({
        db: storage.db,
        outbox: cliOutbox,
        subjects: createSubjects(storage.db, loadSecrets(config)),
        // Guardianships need nothing the registry declares (only withdrawal grounds do).
        registry: { declaredOf: () => Promise.resolve(null) },
        taxonomy: indexTaxonomy(),
        clock: () => new Date(),
      });
      let result: { recorded: number; existing: number };
      try {
        result = await guardians.importMany(parsed.records, 'cli');
      } catch (error) {
        if (error instanceof DomainError && error.code === 'consent.invalid_import')
          return refuse(error.detail.split('\n'));
        throw error;
      }
      io.stdout.write(
        `${file}: recorded ${result.recorded} guardianship${result.recorded === 1 ? '' : 's'}` +
          (result.existing > 0 ? ` (${result.existing} already recorded)` : '') +
          '; a running server sequences them into the ledger\n',
      );
    } finally {
      await storage.close();
    }
  });
}
