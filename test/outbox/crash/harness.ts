/**
 * Derived-data crash-test child: the real ledger and outbox (crash-child.ts) publishing through
 * the in-process bus to the real citizen inbox and the monitoring feed's log writer, both
 * committing as derived data (`storage.derivedTransactions`), as the server composes them.
 *
 *   node --import tsx test/outbox/crash/harness.ts <dataDir> <schema|-> publish <count>
 *     appends <count> access events on the one-commit path; once the inbox and the feed have
 *     committed the first published batch and every row is appended, a last consumer prints
 *     `CONSUMED <ids>` and holds the publish, so no event's row is ever deleted (marked
 *     published): the parent kills the process there.
 *   node --import tsx test/outbox/crash/harness.ts <dataDir> <schema|-> drain
 *     runs the drain the server runs at start and prints `REDELIVERED <ids>`: the events the bus
 *     carried again.
 *
 * Prints `READY <port> <verifier key>` first in both modes.
 */
import { createInProcessBus, type DomainEvent } from '../../../src/events/index.js';
import { startLogWriter } from '../../../src/monitor/log-feed.js';
import { createMonitorStore } from '../../../src/monitor/monitor.store.js';
import { createNotifyModule } from '../../../src/notify/notify.module.js';
import { derivedTransactions } from '../../../src/storage/storage.js';
import { listenReady, openCrashChild } from '../../support/crash-child.js';

const bus = createInProcessBus();
const base = await openCrashChild({ outbox: { events: bus } });
const { storage, outbox } = base;
const [mode, countArg] = base.extra;

const notify = createNotifyModule({ db: storage.db, native: storage.native, events: bus });
const store = createMonitorStore(storage.db, {
  derived: derivedTransactions(storage.db, storage.native),
});
startLogWriter({
  events: bus,
  store,
  clock: () => new Date(),
  written: () => undefined,
  onError: (error) => process.stderr.write(`log writer: ${String(error)}\n`),
});
// Subscribed after the inbox and the log writer: it sees a batch once both have committed it.
const delivered: string[] = [];
let hold = false;
let appended: () => void = () => undefined;
const allAppended = new Promise<void>((resolve) => (appended = resolve));
bus.subscribeBatch(async (events: readonly DomainEvent[]) => {
  delivered.push(...events.map((event) => event.id));
  // Progress on standard error, which the test shows if no line comes: this drain has hung twice
  // in CI (once in each of two stops, not reproduced), and each step says how far it got.
  process.stderr.write(`delivered ${events.length} (${delivered.length} in all)\n`);
  if (hold) {
    // Every row committed (and the ones behind this batch still pending) before the kill.
    await allAppended;
    process.stdout.write(`CONSUMED ${events.map((event) => event.id).join(',')}\n`);
    // The publish never returns, so the outbox never deletes these events' rows.
    await new Promise<never>(() => undefined);
  }
});

await listenReady(base, notify.routes);

if (mode === 'publish') {
  const count = Number(countArg ?? '3');
  const at = new Date().toISOString();
  hold = true;
  for (let i = 0; i < count; i++) {
    const id = `chk_crash_${i}`;
    const index = await outbox.appendWith(
      {
        id,
        type: 'access.check',
        record: { check: id },
        event: {
          id,
          type: 'access.checked',
          at,
          data: { subject: `psn-crash-subject-${String(i).padStart(4, '0')}`, decision: 'permit' },
        },
      },
      () => [],
    );
    if (index === undefined) throw new Error('the one-commit append did not commit');
  }
  appended();
} else {
  process.stderr.write('drain: started\n');
  await outbox.drain();
  process.stderr.write('drain: ended\n');
  process.stdout.write(`REDELIVERED ${delivered.join(',')}\n`);
}
