/**
 * A standby instance (another instance sequences the log): the check is committed with its
 * outbox row and answered with `ledgerIndex: null`; the sequencer's drain appends it and the
 * check gets its index through the outbox's write-back.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DomainError } from '../core/errors.js';
import { createOutbox } from '../outbox/outbox.js';
import type { OutboxTables } from '../outbox/outbox.tables.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { createAccessModule } from './access.module.js';
import {
  type AccessHarness,
  accessHarness,
  iinBornOn,
  profile,
} from './test-support/access-app.js';

describeStorage('access on a standby instance', (fx) => {
  let h: AccessHarness;
  beforeAll(async () => {
    h = await accessHarness(fx.storage);
    h.profiles.set('sys_standby', profile('sys_standby'));
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers with a null index once committed; the sequencer appends it and writes the index back', async () => {
    const outboxDb: Kysely<OutboxTables> = fx.storage.db;
    const standbyOutbox = createOutbox({
      db: outboxDb,
      ledger: {
        role: 'standby',
        append: () => Promise.reject(new DomainError('ledger.unavailable', 'standby')),
      },
    });
    const standby = createAccessModule({
      db: fx.storage.db,
      profiles: { profileOf: (id) => Promise.resolve(h.profiles.get(id) ?? null) },
      consents: { coveringConsent: () => Promise.resolve({ covered: false, code: 'none' }) },
      subjects: {
        subjectOf: (iin) =>
          Promise.resolve({ pseudonym: h.pseudonymOf(iin), birthDate: '1970-01-01' }),
        pseudonymOf: h.pseudonymOf,
      },
      outbox: {
        enqueue: (trx, items) =>
          standbyOutbox.enqueue(trx as unknown as Kysely<OutboxTables>, items),
        sequence: (ids) => standbyOutbox.sequence(ids),
        ledgerIndexOf: (id) => standbyOutbox.ledgerIndexOf(id),
      },
      receipts: h.ledger,
      actorKey: randomBytes(32),
    });
    const answer = await standby.service.check(
      { systemId: 'sys_standby', operatorId: 'op_sys_standby' },
      {
        subject: iinBornOn('1970-01-01', 61),
        categories: ['identity'],
        purpose: 'health.treatment',
        legalBasis: 'consent',
        actor: { id: 'a-1' },
        action: 'read',
      },
    );
    expect(answer.ledgerIndex).toBeNull();
    const pending = await fx.storage.db
      .selectFrom('outbox')
      .select(['state', 'ledger_index'])
      .where('id', '=', answer.checkId)
      .executeTakeFirstOrThrow();
    expect(pending).toEqual({ state: 'pending', ledger_index: null });

    await h.outbox.drain();
    const row = await fx.storage.db
      .selectFrom('access_checks')
      .select('ledger_index')
      .where('id', '=', answer.checkId)
      .executeTakeFirstOrThrow();
    expect(row.ledger_index).toEqual(expect.any(Number));
    const seen = await standby.service.getCheck(answer.checkId, 'sys_standby');
    expect(seen.ledgerIndex).toBe(row.ledger_index);
    expect(seen.receipt?.record).toMatchObject({ check: answer.checkId, decision: 'deny' });
  });
});
