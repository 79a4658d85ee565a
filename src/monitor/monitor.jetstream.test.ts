/**
 * The monitoring module reading NATS JetStream (NATS_URL; skipped without it), on SQLite and
 * PostgreSQL: published events reach the engine through the durable consumer; after a restart
 * the windows are rebuilt by replaying the stream up to the consumer's acknowledged floor, and
 * the consumer resumes after it. Each test has its own stream and consumer, deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { connectJetStreamBus, type JetStreamBus } from '../events/jetstream.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { checked, eventually, monitorHarness } from './test-support/monitor-app.js';

const natsUrl = process.env.NATS_URL;
const T0 = Date.now() - 60_000;
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describeStorage('monitor module on JetStream', (fx) => {
  it.skipIf(!natsUrl)(
    'evaluates the stream through a durable consumer and rebuilds its windows from the stream after a restart',
    async () => {
      const name = `T_MON_${randomBytes(5).toString('hex')}`;
      const buses: JetStreamBus[] = [];
      const open = async () => {
        const bus = await connectJetStreamBus({
          servers: natsUrl!,
          stream: name,
          prefix: name.toLowerCase(),
          storage: 'memory',
        });
        buses.push(bus);
        await bus.ensureStream();
        return bus;
      };
      // The default durable (the stream is this test's own, so no other reader shares it).
      const durable = 'qalqan-monitor';
      const denies = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) =>
          checked(at(from + i), {
            subject: `psn-js-${from + i}`,
            actor: { id: 'clerk-js' },
            system: 'sys_js',
            decision: 'deny',
          }),
        );
      try {
        const firstBus = await open();
        const first = await monitorHarness(fx.storage, { jetstream: firstBus });
        const self = checked(at(0), {
          subject: 'psn-js-self',
          actor: { id: 'clerk-js-self', pseudonym: 'psn-js-self' },
        });
        await firstBus.publish([self, ...denies(1, 15)]);
        await eventually(() => first.alerts.some((a) => a.ruleId === 'self-access'));
        await eventually(async () => (await firstBus.ackFloor(durable)) >= 16);
        // The events are in the monitor's table too, for the case timeline.
        const kase = await first.monitor.service.getCase(first.alerts[0]!.caseId!);
        expect(kase.timeline.some((e) => e.kind === 'event' && e.eventId === self.id)).toBe(true);
        await first.close();

        const secondBus = await open();
        const second = await monitorHarness(fx.storage, { jetstream: secondBus });
        expect(second.monitor.evaluator.engine?.stats().processed).toBe(16);
        await secondBus.publish(denies(16, 5));
        const storm = await eventually(() => second.alerts.find((a) => a.ruleId === 'deny-storm'));
        expect(storm).toMatchObject({ count: 20, context: { actorId: 'clerk-js' } });
        // Nothing stored before the restart was handed to listeners again.
        expect(second.alerts.map((a) => a.ruleId)).toEqual(['deny-storm']);
        await second.close();
      } finally {
        await buses[0]?.deleteStream().catch(() => undefined);
        for (const bus of buses) await bus.close();
      }
    },
  );
});
