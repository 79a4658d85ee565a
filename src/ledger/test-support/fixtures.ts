/** Shared fixtures for the ledger's tests: a signer and a ledger over a given store. */
import { generateKeyPairSync } from 'node:crypto';
import { type NoteSigner, createNoteSigner } from '../checkpoint/note.js';
import { type Ledger, type LedgerOptions, createLedger } from '../ledger.js';
import type { LedgerStore } from '../store/ledger-store.js';

export const TEST_ORIGIN = 'test.qalqan.kz/ledger';

export function testSigner(origin = TEST_ORIGIN): NoteSigner {
  return createNoteSigner(origin, generateKeyPairSync('ed25519').privateKey);
}

export function openTestLedger(
  store: LedgerStore,
  signer: NoteSigner,
  options: Partial<LedgerOptions> = {},
): Promise<Ledger> {
  return createLedger({ store, signer, batch: { maxDelayMs: 1 }, ...options });
}

/** Appends `count` records concurrently and returns their results in order. */
export function appendMany(ledger: Ledger, count: number, from = 0) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      ledger.append({
        type: 'test.event',
        record: { n: from + i, subject: `pseudonym-${(from + i) % 7}` },
      }),
    ),
  );
}
