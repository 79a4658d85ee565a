/**
 * Folded matches on both databases: one history row per folded event, recorded once however
 * often the stream is replayed, and each alert's counter raised by exactly the new ones — across
 * the statements a large round is split into.
 */
import { beforeEach, expect, it } from 'vitest';
import { derivedTransactions } from '../storage/storage.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { createAlertsStore } from './alerts.store.js';

const NOW = '2026-12-01T12:00:00.000Z';

describeStorage('monitor alerts store: folded matches', (fx) => {
  beforeEach(async () => {
    await fx.storage.db.deleteFrom('monitor_history').execute();
    await fx.storage.db.deleteFrom('monitor_alerts').execute();
    for (const id of ['rule-a:e0', 'rule-b:f0'])
      await fx.storage.db
        .insertInto('monitor_alerts')
        .values({
          id,
          rule_id: id.split(':')[0]!,
          title: 'A rule',
          level: 'high',
          shadow: 0,
          state: 'open',
          outcome: null,
          assignee: null,
          case_id: null,
          at: NOW,
          created_at: NOW,
          updated_at: NOW,
          count: 1,
          suppressed: 0,
          group_key: 'g',
          group_json: '{}',
          events_json: JSON.stringify([id.split(':')[1]]),
          responses_json: '[]',
          context_json: '{}',
        })
        .execute();
  });

  const counters = async () =>
    Object.fromEntries(
      (
        await fx.storage.db
          .selectFrom('monitor_alerts')
          .select(['id', 'suppressed'])
          .orderBy('id')
          .execute()
      ).map((row) => [row.id, Number(row.suppressed)]),
    );
  const folded = async (alertId: string) =>
    (
      await fx.storage.db
        .selectFrom('monitor_history')
        .select('event_id')
        .where('target_id', '=', alertId)
        .where('action', '=', 'suppressed')
        .orderBy('seq')
        .execute()
    ).map((row) => row.event_id);

  for (const mode of ['ordinary', 'derived'] as const)
    it(`records each folded event once and counts only the new ones (${mode} transactions)`, async () => {
      const store = createAlertsStore(
        fx.storage.db,
        mode === 'derived'
          ? { derived: derivedTransactions(fx.storage.db, fx.storage.native) }
          : {},
      );
      const a = (eventId: string) => ({ ruleId: 'rule-a', alertId: 'rule-a:e0', eventId });
      const b = (eventId: string) => ({ ruleId: 'rule-b', alertId: 'rule-b:f0', eventId });
      // More matches than one statement takes, interleaved between two alerts.
      const round = Array.from({ length: 1_201 }, (_, i) =>
        i % 3 === 0 ? b(`f${i}`) : a(`e${i}`),
      );
      expect(await store.recordSuppressed(round, NOW)).toBe(1_201);
      expect(await counters()).toEqual({ 'rule-a:e0': 800, 'rule-b:f0': 401 });
      expect(await folded('rule-b:f0')).toEqual(
        round.filter((m) => m.alertId === 'rule-b:f0').map((m) => m.eventId),
      );

      // A replay delivers the same matches again, plus two new ones: only those count.
      const replay = [...round.slice(0, 600), a('e-new'), b('f-new'), ...round.slice(600)];
      expect(await store.recordSuppressed(replay, NOW)).toBe(2);
      expect(await counters()).toEqual({ 'rule-a:e0': 801, 'rule-b:f0': 402 });
      expect(await folded('rule-a:e0')).toHaveLength(801);
      expect((await store.get('rule-a:e0'))?.suppressed).toBe(801);
      expect(await store.recordSuppressed([], NOW)).toBe(0);
    });
});
