import type { Kysely } from 'kysely';

import type { Ledger } from '../../ledger/ledger.js';
import type { LedgerTables } from '../../ledger/ledger.tables.js';
import { createKyselyLedgerStore } from '../../ledger/store/kysely-store.js';
import { openTestLedger, testSigner } from '../../ledger/test-support/fixtures.js';
import type { Storage } from '../../storage/storage.js';
import type { OutboxItem } from '../outbox.js';
import type { OutboxTables } from '../outbox.tables.js';

export type OutboxTestDb = Kysely<OutboxTables & LedgerTables>;

/** An outbox item whose record, event and id say the same thing. */
export const outboxItem = (
  id: string,
  at: string,
  extra: Partial<OutboxItem> = {},
): OutboxItem => ({
  id,
  type: 'test.fact',
  record: { id, subject: 'pseudonym-1' },
  event: { id, type: 'test.fact', at, data: { id } },
  ...extra,
});

/** Empties the outbox and the ledger's tables, then opens a ledger on them (close it after). */
export async function freshOutboxLedger(storage: Storage): Promise<Ledger> {
  const db = storage.db as unknown as OutboxTestDb;
  for (const table of [
    'outbox',
    'outbox_events',
    'ledger_entries',
    'ledger_records',
    'ledger_tiles',
    'ledger_checkpoints',
  ] as const) {
    await db.deleteFrom(table).execute();
  }
  return openTestLedger(createKyselyLedgerStore(storage), testSigner());
}
