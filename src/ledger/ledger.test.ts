import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../core/errors.js';
import { openCheckpoint } from './checkpoint/checkpoint.js';
import { parseVerifierKey } from './checkpoint/note.js';
import { decodeEntry } from './entry/entry.js';
import { createLedger } from './ledger.js';
import { verifyReceipt } from './receipt.js';
import { DEFAULT_BATCH } from './sequencer.js';
import type { LedgerStore, LedgerWriter } from './store/ledger-store.js';
import { createMemoryLedgerStore } from './store/memory-store.js';
import { appendMany, openTestLedger, testSigner } from './test-support/fixtures.js';
import { EMPTY_ROOT, hashesEqual, leafHash } from './tree/hash.js';
import { verifyConsistency, verifyInclusion } from './tree/proofs.js';
import { decodeEntryBundle } from './tree/tiles.js';

const code = (error: unknown) => (error instanceof DomainError ? error.code : String(error));

describe('createLedger / append', () => {
  it('starts a new log with a signed empty checkpoint', async () => {
    const store = createMemoryLedgerStore();
    const signer = testSigner();
    const ledger = await openTestLedger(store, signer);
    const cp = openCheckpoint(
      (await ledger.checkpoint()).note,
      parseVerifierKey(ledger.verifierKey),
    );
    expect(cp.size).toBe(0);
    expect(hashesEqual(cp.root, EMPTY_ROOT)).toBe(true);
    expect(store.rows.checkpoints).toHaveLength(1);
    expect(ledger.role).toBe('sequencer');
    await ledger.close();
  });

  it('answers only after the commit, with dense indexes, batching concurrent appends', async () => {
    const store = createMemoryLedgerStore();
    const ledger = await openTestLedger(store, testSigner(), {
      batch: { maxEntries: 100, maxDelayMs: 50 },
    });
    const pending = ledger.append({ type: 'test.event', record: { n: -1 } });
    expect(store.rows.entries).toHaveLength(0);
    const first = await pending;
    expect(first.index).toBe(0);
    expect(store.rows.entries).toHaveLength(1);
    const results = await appendMany(ledger, 1000);
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const r of results) expect(r.treeSize).toBeGreaterThan(r.index);
    // 1,000 concurrent appends capped at 100 per batch: 10 commits, not 1,000.
    expect(store.rows.checkpoints.length).toBeLessThanOrEqual(2 + 10);
    await ledger.close();
  });

  it('publishes only commitments: the entry holds the type and no record field', async () => {
    const store = createMemoryLedgerStore();
    const ledger = await openTestLedger(store, testSigner());
    await ledger.append({
      type: 'access.decision',
      record: { iin: '900101300123', decision: 'permit' },
    });
    const [entry] = decodeEntryBundle((await ledger.entryBundle(0, 1))!)!;
    expect(decodeEntry(entry!)?.type).toBe('access.decision');
    expect(Buffer.from(entry!).includes('900101300123')).toBe(false);
    expect(store.rows.records[0]?.record).toBe('{"decision":"permit","iin":"900101300123"}');
    await ledger.close();
  });

  it('refuses invalid types and records before queueing', async () => {
    const ledger = await openTestLedger(createMemoryLedgerStore(), testSigner());
    await expect(ledger.append({ type: 'Not A Type', record: {} })).rejects.toSatisfy(
      (e) => code(e) === 'ledger.invalid_entry',
    );
    await expect(ledger.append({ type: 'ok', record: { x: Number.NaN } })).rejects.toThrow(
      /x is not a finite number/,
    );
    await expect(
      ledger.append({ type: 'ok', record: { big: 'x'.repeat(70_000) } }),
    ).rejects.toThrow(/larger than/);
    await ledger.close();
  });

  it('refuses appends beyond the queue bound with a 503 code', async () => {
    const ledger = await openTestLedger(createMemoryLedgerStore(), testSigner(), {
      batch: { maxEntries: 10, maxDelayMs: 50, maxQueue: 5 },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, n) => ledger.append({ type: 'test.event', record: { n } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'rejected').map((r) => code(r.reason))).toEqual(
      Array(3).fill('ledger.overloaded'),
    );
    await ledger.close();
    // docs/LEDGER.md: by default the bound is 100,000 queued entries, and batches of 256.
    expect(DEFAULT_BATCH).toEqual({ maxEntries: 256, maxDelayMs: 0, maxQueue: 100_000 });
  });
});

describe('reads and proofs', () => {
  it('serve tiles, bundles, proofs and receipts that verify against the checkpoint', async () => {
    const ledger = await openTestLedger(createMemoryLedgerStore(), testSigner(), {
      batch: { maxEntries: 64 },
    });
    const early = await appendMany(ledger, 300);
    const old = await ledger.checkpoint();
    await appendMany(ledger, 333, 300);
    const cp = await ledger.checkpoint();
    expect(cp.size).toBe(633);

    const bundle = decodeEntryBundle((await ledger.entryBundle(2, 633 - 512))!)!;
    const tile = (await ledger.tile(0, 2, 633 - 512))!;
    bundle.forEach((entry, i) =>
      expect(Buffer.from(leafHash(entry))).toEqual(Buffer.from(tile.subarray(i * 32, i * 32 + 32))),
    );
    expect(await ledger.tile(0, 2, 633 - 511)).toBeUndefined();
    expect(await ledger.tile(0, 3, 1)).toBeUndefined();
    expect((await ledger.tile(0, 0, 256))!.length).toBe(256 * 32);
    expect((await ledger.tile(1, 0, 2))!.length).toBe(64);

    for (const index of [0, 255, 256, 299, 632]) {
      const proof = await ledger.proveInclusion(index);
      const [entry] = decodeEntryBundle(
        (await ledger.entryBundle(Math.floor(index / 256), index < 512 ? 256 : 121))!,
      )!.slice(index % 256);
      expect(verifyInclusion(index, cp.size, leafHash(entry!), proof.hashes, cp.root)).toBe(true);
    }
    const inOld = await ledger.proveInclusion(17, old.size);
    expect(verifyInclusion(17, old.size, early[17]!.leafHash, inOld.hashes, old.root)).toBe(true);
    const consistency = await ledger.proveConsistency(old.size, cp.size);
    expect(verifyConsistency(old.size, cp.size, old.root, cp.root, consistency.hashes)).toBe(true);

    const receipt = await ledger.receipt(299);
    expect(receipt.record).toEqual({ n: 299, subject: 'pseudonym-5' });
    expect(verifyReceipt(receipt, ledger.verifierKey)).toEqual({ ok: true });
    expect(
      verifyReceipt({ ...receipt, record: { n: 298, subject: 'pseudonym-5' } }, ledger.verifierKey)
        .ok,
    ).toBe(false);
    expect(verifyReceipt({ ...receipt, index: 298 }, ledger.verifierKey).ok).toBe(false);
    expect(verifyReceipt(receipt, testSigner().verifierKey).ok).toBe(false);
    await ledger.close();
  });

  it('rejects proofs outside the tree with 400 codes', async () => {
    const ledger = await openTestLedger(createMemoryLedgerStore(), testSigner());
    await appendMany(ledger, 10);
    await expect(ledger.proveInclusion(10)).rejects.toSatisfy(
      (e) => code(e) === 'ledger.index_out_of_range',
    );
    await expect(ledger.proveInclusion(0, 11)).rejects.toSatisfy(
      (e) => code(e) === 'ledger.size_beyond_tree',
    );
    await expect(ledger.proveConsistency(0, 5)).rejects.toSatisfy(
      (e) => code(e) === 'ledger.bad_proof_range',
    );
    await expect(ledger.proveConsistency(6, 5)).rejects.toSatisfy(
      (e) => code(e) === 'ledger.bad_proof_range',
    );
    await expect(ledger.proveConsistency(5, 11)).rejects.toSatisfy(
      (e) => code(e) === 'ledger.size_beyond_tree',
    );
    expect((await ledger.proveConsistency(10)).hashes).toEqual([]);
    await ledger.close();
  });
});

/** A store whose writer fails the next `failures` commits, after (`afterWrite`) or before writing. */
function flakyStore(
  inner: LedgerStore,
  plan: { failures: number; afterWrite: boolean },
): LedgerStore {
  return {
    ...inner,
    async openWriter() {
      const writer = await inner.openWriter();
      if (!writer) return undefined;
      const flaky: LedgerWriter = {
        async commit(batch) {
          if (batch.entries.length > 0 && plan.failures > 0) {
            plan.failures--;
            if (plan.afterWrite) await writer.commit(batch);
            throw new Error('connection reset');
          }
          await writer.commit(batch);
        },
        release: () => writer.release(),
      };
      return flaky;
    },
  };
}

describe('commit failures', () => {
  it('reject the batch and keep indexes dense when nothing was written', async () => {
    const store = createMemoryLedgerStore();
    const errors: string[] = [];
    const ledger = await openTestLedger(
      flakyStore(store, { failures: 1, afterWrite: false }),
      testSigner(),
      {
        onError: (_e, context) => errors.push(context),
      },
    );
    const failed = await Promise.allSettled([
      ledger.append({ type: 'test.event', record: { n: 1 } }),
    ]);
    expect(failed[0]?.status === 'rejected' && code(failed[0].reason)).toBe('ledger.unavailable');
    expect(errors[0]).toMatch(/commit of 1 entries at index 0 failed/);
    const ok = await ledger.append({ type: 'test.event', record: { n: 2 } });
    expect(ok.index).toBe(0);
    expect(store.rows.entries).toHaveLength(1);
    await ledger.close();
  });

  it('acknowledge a batch whose commit landed although the acknowledgement was lost', async () => {
    const store = createMemoryLedgerStore();
    const ledger = await openTestLedger(
      flakyStore(store, { failures: 1, afterWrite: true }),
      testSigner(),
    );
    const results = await appendMany(ledger, 3);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2]);
    expect((await appendMany(ledger, 1, 3))[0]?.index).toBe(3);
    await ledger.close();
  });
});

describe('restart and a second instance', () => {
  it('resumes from the stored log after a restart', async () => {
    const store = createMemoryLedgerStore();
    const signer = testSigner();
    const first = await openTestLedger(store, signer);
    await appendMany(first, 700);
    const before = await first.checkpoint();
    await first.close();
    const second = await openTestLedger(store, signer);
    expect((await second.checkpoint()).note).toBe(before.note);
    const [next] = await appendMany(second, 1, 700);
    expect(next?.index).toBe(700);
    const proof = await second.proveConsistency(before.size);
    const now = await second.checkpoint();
    expect(verifyConsistency(before.size, now.size, before.root, now.root, proof.hashes)).toBe(
      true,
    );
    await second.close();
  });

  it('runs read-only while another instance sequences, then takes over', async () => {
    const store = createMemoryLedgerStore();
    const signer = testSigner();
    const primary = await openTestLedger(store, signer);
    await appendMany(primary, 5);
    const replica = await openTestLedger(store, signer, { standbyRetryMs: 20 });
    expect(replica.role).toBe('standby');
    await expect(replica.append({ type: 'test.event', record: {} })).rejects.toSatisfy(
      (e) => code(e) === 'ledger.unavailable',
    );
    await appendMany(primary, 5, 5);
    expect((await replica.checkpoint()).size).toBe(10);
    expect((await replica.proveInclusion(7)).size).toBe(10);
    await primary.close();
    await expect.poll(() => replica.role, { timeout: 2000 }).toBe('sequencer');
    expect((await appendMany(replica, 1, 10))[0]?.index).toBe(10);
    await replica.close();
  });

  it('a standby tries to take over every 2 s by default', async () => {
    const store = createMemoryLedgerStore();
    const signer = testSigner();
    const primary = await createLedger({ store, signer });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let replica: Awaited<ReturnType<typeof createLedger>> | undefined;
    try {
      replica = await createLedger({ store, signer });
      expect(replica.role).toBe('standby');
      await primary.close();
      await vi.advanceTimersByTimeAsync(1999);
      expect(replica.role).toBe('standby');
      await vi.advanceTimersByTimeAsync(1);
    } finally {
      vi.useRealTimers();
    }
    // The take-over itself waits on no timer; a retry scheduled later than 2 s never fires now.
    await expect.poll(() => replica.role, { timeout: 1000 }).toBe('sequencer');
    await replica.close();
  });

  it('refuses to start when the stored checkpoint is signed by another key', async () => {
    const store = createMemoryLedgerStore();
    const first = await openTestLedger(store, testSigner());
    await appendMany(first, 3);
    await first.close();
    await expect(openTestLedger(store, testSigner())).rejects.toThrow(
      /failed its full integrity check.*not signed by a known key/,
    );
  });
});

describe('idempotent appends', () => {
  it('returns the stored entry for a key already in the log, across a restart', async () => {
    const store = createMemoryLedgerStore();
    const signer = testSigner();
    const first = await openTestLedger(store, signer);
    const original = await first.append({ type: 'test.event', record: { n: 1 }, key: 'chg_1' });
    await first.append({ type: 'test.event', record: { n: 2 } });
    await first.close();

    // As after a crash between the ledger commit and the outbox update: the same item again.
    const second = await openTestLedger(store, signer);
    const again = await second.append({ type: 'test.event', record: { n: 1 }, key: 'chg_1' });
    expect(again.index).toBe(original.index);
    expect(Buffer.from(again.leafHash)).toEqual(Buffer.from(original.leafHash));
    expect(Buffer.from(again.commitment)).toEqual(Buffer.from(original.commitment));
    expect(store.rows.entries).toHaveLength(2);
    const next = await second.append({ type: 'test.event', record: { n: 3 }, key: 'chg_3' });
    expect(next.index).toBe(2);
    await second.close();
  });

  it('appends a key repeated within one batch once, and answers every caller', async () => {
    const store = createMemoryLedgerStore();
    const ledger = await openTestLedger(store, testSigner(), { batch: { maxDelayMs: 20 } });
    const results = await Promise.all([
      ledger.append({ type: 'test.event', record: { n: 1 }, key: 'a' }),
      ledger.append({ type: 'test.event', record: { n: 2 }, key: 'b' }),
      ledger.append({ type: 'test.event', record: { n: 1 }, key: 'a' }),
      ledger.append({ type: 'test.event', record: { n: 3 } }),
    ]);
    expect(results.map((r) => r.index)).toEqual([0, 1, 0, 2]);
    expect(store.rows.entries).toHaveLength(3);
    expect(store.rows.records.map((r) => r?.key)).toEqual(['a', 'b', undefined]);
    await ledger.close();
  });

  it('does not look up a key its appender minted for the entry, and never logs it twice', async () => {
    const store = createMemoryLedgerStore();
    const lookups = vi.spyOn(store, 'recordsByKey');
    const ledger = await openTestLedger(store, testSigner());
    const fresh = await ledger.append({
      type: 'test.event',
      record: { n: 1 },
      key: 'obx_1',
      keyIsNew: true,
    });
    expect(fresh.index).toBe(0);
    expect(lookups).not.toHaveBeenCalled();
    // A key that is not new after all: the store's unique key refuses the batch (nothing
    // written), where a looked-up key would have resolved to its first entry.
    await expect(
      ledger.append({ type: 'test.event', record: { n: 1 }, key: 'obx_1', keyIsNew: true }),
    ).rejects.toSatisfy((error) => error instanceof DomainError);
    expect(store.rows.entries).toHaveLength(1);
    expect(store.rows.records.map((r) => r?.key)).toEqual(['obx_1']);
    // Without the claim, the same key is looked up and answered from the log.
    expect(
      (await ledger.append({ type: 'test.event', record: { n: 1 }, key: 'obx_1' })).index,
    ).toBe(0);
    expect(lookups).toHaveBeenCalledTimes(1);
    await ledger.close();
  });

  it('writes nothing when every entry of a batch is already in the log', async () => {
    const store = createMemoryLedgerStore();
    const ledger = await openTestLedger(store, testSigner());
    await ledger.append({ type: 'test.event', record: { n: 1 }, key: 'k' });
    const checkpoints = store.rows.checkpoints.length;
    expect((await ledger.append({ type: 'test.event', record: { n: 1 }, key: 'k' })).index).toBe(0);
    expect(store.rows.checkpoints).toHaveLength(checkpoints);
    await ledger.close();
  });

  it('refuses a malformed key before queueing', async () => {
    const ledger = await openTestLedger(createMemoryLedgerStore(), testSigner());
    for (const key of ['', 'x'.repeat(129), 'with space', 'ключ']) {
      await expect(ledger.append({ type: 'test.event', record: {}, key })).rejects.toSatisfy(
        (e) => code(e) === 'ledger.invalid_entry',
      );
    }
    await ledger.close();
  });
});

describe('group commit', () => {
  it('commits an append on an idle ledger without waiting for a timer', async () => {
    const ledger = await createLedger({ store: createMemoryLedgerStore(), signer: testSigner() });
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate'] });
    try {
      // With fake timers nothing scheduled by time ever runs: only an immediate commit resolves.
      const result = await ledger.append({ type: 'test.event', record: { n: 1 } });
      expect(result.index).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    await ledger.close();
  });

  it('commits what queued during a commit as the next batch, capped at maxEntries', async () => {
    const store = createMemoryLedgerStore();
    const ledger = await createLedger({ store, signer: testSigner(), batch: { maxEntries: 300 } });
    const before = store.rows.checkpoints.length;
    const results = await appendMany(ledger, 1000);
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // One tick's appends go together: batches of 300, 300, 300, 100.
    expect(store.rows.checkpoints.length - before).toBe(4);
    await ledger.close();
  });

  it('with a writer that blocks the thread, takes its batch after the pending I/O ran', async () => {
    const store = createMemoryLedgerStore();
    // better-sqlite3's writer blocks through its fsync: nothing queues during its commit.
    const blocking: LedgerStore = {
      ...store,
      openWriter: async () => {
        const writer = await store.openWriter();
        return writer && { ...writer, blocking: true };
      },
    };
    const ledger = await createLedger({ store: blocking, signer: testSigner() });
    const before = store.rows.checkpoints.length;
    const first = ledger.append({ type: 'test.event', record: { n: 1 } });
    // A request read in the same turn of the event loop reaches the queue from an I/O callback.
    const second = new Promise<number>((resolve, reject) => {
      setImmediate(() => {
        ledger
          .append({ type: 'test.event', record: { n: 2 } })
          .then((r) => resolve(r.index), reject);
      });
    });
    expect([(await first).index, await second]).toEqual([0, 1]);
    expect(store.rows.checkpoints.length - before).toBe(1);
    await ledger.close();
  });

  it('commits a group in one batch, never cut at maxEntries, in order among single appends', async () => {
    const store = createMemoryLedgerStore();
    const ledger = await createLedger({ store, signer: testSigner(), batch: { maxEntries: 10 } });
    const before = store.rows.checkpoints.length;
    const record = (n: number) => ({ type: 'test.event', record: { n } });
    const singles = Array.from({ length: 5 }, (_, n) => ledger.append(record(n)));
    const group = ledger.appendGroup(Array.from({ length: 25 }, (_, n) => record(100 + n)));
    const after = Array.from({ length: 7 }, (_, n) => ledger.append(record(200 + n)));
    const indexes = async (all: Promise<{ index: number }>[]) =>
      (await Promise.all(all)).map((r) => r.index);
    expect(await indexes(singles)).toEqual([0, 1, 2, 3, 4]);
    expect((await group).map((r) => r.index)).toEqual(Array.from({ length: 25 }, (_, i) => 5 + i));
    expect(await indexes(after)).toEqual(Array.from({ length: 7 }, (_, i) => 30 + i));
    // The first batch took 10 entries' worth and could not stop inside the group: 5 + 25 together.
    const sizes = store.rows.checkpoints.slice(before).map((cp) => cp.size);
    expect(sizes).toEqual([30, 37]);
    await ledger.close();
  });

  it('fails a group whole when its commit fails: none of its entries is stored', async () => {
    const store = createMemoryLedgerStore();
    let failNext = false;
    const failing: LedgerStore = {
      ...store,
      openWriter: async () => {
        const writer = await store.openWriter();
        return (
          writer && {
            ...writer,
            commit: (batch) => {
              if (!failNext) return writer.commit(batch);
              failNext = false;
              return Promise.reject(new Error('disk full'));
            },
          }
        );
      },
    };
    const ledger = await createLedger({ store: failing, signer: testSigner() });
    failNext = true;
    const outcome = ledger.appendGroup([
      { type: 'test.event', record: { n: 1 } },
      { type: 'test.event', record: { n: 2 } },
    ]);
    await expect(outcome).rejects.toMatchObject({ code: 'ledger.unavailable' });
    expect(store.rows.entries).toHaveLength(0);
    const retried = await ledger.appendGroup([{ type: 'test.event', record: { n: 1 } }]);
    expect(retried.map((r) => r.index)).toEqual([0]);
    await ledger.close();
  });

  it('refuses rows alongside where the writer cannot commit them, and appends the rest', async () => {
    const ledger = await createLedger({ store: createMemoryLedgerStore(), signer: testSigner() });
    expect(ledger.canCommitAlongside).toBe(false);
    const [refused, plain] = await Promise.allSettled([
      ledger.append({ type: 'test.event', record: { n: 1 }, alongside: () => [] }),
      ledger.append({ type: 'test.event', record: { n: 2 } }),
    ]);
    expect(refused.status === 'rejected' && code(refused.reason)).toBe('ledger.unavailable');
    expect(plain.status === 'fulfilled' && plain.value.index).toBe(0);
    await ledger.close();
  });
});
