/**
 * The monitor's event log on both databases: a batch is logged once per id however often it is
 * delivered — across the several statements a large batch is split into — and read back in
 * arrival order as it was received.
 */
import { expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import { createMonitorStore } from './monitor.store.js';

const NOW = '2026-12-01T12:00:00.000Z';
const event = (i: number) => ({
  id: `evt-${String(i).padStart(4, '0')}`,
  type: 'access.checked',
  at: new Date(Date.parse(NOW) - 60_000 + i).toISOString(),
  data: { subject: `s${i}`, decision: i % 2 === 0 ? 'permit' : 'deny', n: i },
});

describeStorage('monitor event log', (fx) => {
  it('logs each event once, counts only the new ones, and reads them back in arrival order', async () => {
    const store = createMonitorStore(fx.storage.db);
    const first = Array.from({ length: 300 }, (_, i) => event(i));
    // A redelivery of the last 150 with 150 new ones: 450 in all, in the order first received.
    const second = Array.from({ length: 300 }, (_, i) => event(i + 150));
    expect(await store.appendEvents(first, NOW)).toBe(300);
    expect(await store.appendEvents(second, NOW)).toBe(150);
    expect(await store.appendEvents(second.slice(0, 7), NOW)).toBe(0);
    const logged = await store.eventsAfter(0, 1000);
    expect(logged.map((row) => row.event)).toEqual(Array.from({ length: 450 }, (_, i) => event(i)));
    expect(await store.lastSeq()).toBe(logged.at(-1)!.seq);
  });

  it('parks an event once per id and reason, however often it arrives (MONITOR.md)', async () => {
    const store = createMonitorStore(fx.storage.db);
    const late = {
      eventId: 'evt-parked-1',
      reason: 'late: more than 60 min behind the newest event',
      input: { id: 'evt-parked-1' },
    };
    const unreadable = { ...late, reason: 'access.checked without subject' };
    await store.park([late], NOW);
    await store.park([late, unreadable], NOW);
    await store.park([unreadable], NOW);
    const parked = await store.parked(0, 10);
    expect(parked.map((p) => [p.eventId, p.reason])).toEqual([
      [late.eventId, late.reason],
      [unreadable.eventId, unreadable.reason],
    ]);
  });
});
