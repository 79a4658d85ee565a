/**
 * The ledger composed for the server: signing key from the configuration, the store on the
 * server's database, the sequencer, and the routes. `server.ts` creates it with one call:
 *
 * ```ts
 * const ledger = await createLedgerModule({ config, storage, log: app.log });
 * // routes: [...ledger.routes], registry: { ledger: ledger.ledger }, close: await ledger.close()
 * ```
 */
import { Histogram, type Metric } from 'prom-client';
import type { RoutePlugin } from '../http/app.js';
import type { Config } from '../config/config.js';
import type { Storage } from '../storage/storage.js';
import { defaultLedgerOrigin, loadSigningKey } from './checkpoint/signing-key.js';
import { type Ledger, createLedger } from './ledger.js';
import { ledgerRoutes } from './ledger.routes.js';
import { createKyselyLedgerStore } from './store/kysely-store.js';

export interface LedgerModuleDeps {
  readonly config: Pick<Config, 'dataDir' | 'publicUrl' | 'ledger'>;
  readonly storage: Pick<Storage, 'db' | 'dialect' | 'native' | 'location'>;
  readonly log?: { error(object: unknown, message: string): void; info(message: string): void };
  readonly clock?: () => Date;
}

export interface LedgerModule {
  readonly ledger: Ledger;
  readonly routes: readonly RoutePlugin[];
  /** Where the signing key came from (a path or a variable name; never the key). */
  readonly keySource: string;
  /**
   * prom-client metrics to register on the app's registry: `qalqan_ledger_commit_seconds` (each
   * batch's commit until durable, fsync included) and `qalqan_ledger_commit_entries` (entries per
   * batch). A check's answer waits for one such commit; the disk's fsync sets its floor.
   */
  readonly metrics: readonly Metric[];
  /** Commits queued appends and stops; call before closing storage. */
  close(): Promise<void>;
}

/** The log's origin line: the configured one, else one derived from the public URL or host. */
export function ledgerOrigin(config: Pick<Config, 'ledger' | 'publicUrl'>): string {
  return config.ledger.origin ?? defaultLedgerOrigin(config.publicUrl);
}

export async function createLedgerModule(deps: LedgerModuleDeps): Promise<LedgerModule> {
  const { config, storage, log } = deps;
  const origin = ledgerOrigin(config);
  const { signer, source } = loadSigningKey(origin, { dataDir: config.dataDir, ...config.ledger });
  const commitSeconds = new Histogram({
    name: 'qalqan_ledger_commit_seconds',
    help: "Each ledger batch's commit on this instance until durable (transaction and fsync)",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [],
  });
  const commitEntries = new Histogram({
    name: 'qalqan_ledger_commit_entries',
    help: 'Entries per ledger batch committed on this instance (group commit)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 256, 1000],
    registers: [],
  });
  const ledger = await createLedger({
    store: createKyselyLedgerStore(storage),
    signer,
    batch: { maxEntries: config.ledger.batchSize, maxDelayMs: config.ledger.batchMs },
    fullCheckUpTo: config.ledger.fullCheckUpTo,
    ...(deps.clock ? { clock: deps.clock } : {}),
    onError: (error, context) => log?.error({ err: error }, context),
    onCommitTimed: (entries, seconds) => {
      commitSeconds.observe(seconds);
      commitEntries.observe(entries);
    },
  });
  log?.info(
    `ledger ${origin} (${ledger.role}); verifier key ${ledger.verifierKey}; signing key from ${source}`,
  );
  return {
    ledger,
    routes: [ledgerRoutes(ledger)],
    keySource: source,
    metrics: [commitSeconds, commitEntries],
    close: () => ledger.close(),
  };
}
