/**
 * The JetStream bus against the local NATS server (NATS_URL; skipped without it). Each test uses
 * its own stream and subject prefix and deletes them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { AckPolicy, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from './events.js';
import {
  connectJetStreamBus,
  type DeliveredEvent,
  type JetStreamBus,
  subjectOf,
} from './jetstream.js';

const natsUrl = process.env.NATS_URL;

const event = (id: string, type = 'access.checked'): DomainEvent => ({
  id,
  type,
  at: '2026-12-04T12:00:00.000Z',
  data: { subject: 'psn-1', decision: 'permit' },
});

describe('subjects of the event stream', () => {
  it('maps an event type of the four families to its subject; others stay in the process', () => {
    expect(subjectOf('qalqan', event('1', 'consent.given'))).toBe('qalqan.consent.given');
    expect(subjectOf('qalqan', event('1', 'registry.system.suspended'))).toBe(
      'qalqan.registry.system.suspended',
    );
    expect(subjectOf('qalqan', event('1', 'breach.notified'))).toBeNull();
    expect(() => subjectOf('qalqan', event('1', 'access.checked bad'))).toThrow(
      /not a valid subject/,
    );
    expect(() => subjectOf('qalqan', event('1', 'access.*'))).toThrow(/not a valid subject/);
  });
});

describe.skipIf(!natsUrl)('JetStream event bus', () => {
  const opened: JetStreamBus[] = [];
  afterEach(async () => {
    for (const bus of opened.splice(0)) {
      await bus.deleteStream().catch(() => undefined);
      await bus.close();
    }
  });

  async function open(name = `T_${randomBytes(5).toString('hex')}`): Promise<JetStreamBus> {
    const bus = await connectJetStreamBus({
      servers: natsUrl!,
      stream: name,
      prefix: name.toLowerCase(),
      storage: 'memory',
    });
    opened.push(bus);
    await bus.ensureStream();
    return bus;
  }

  function collect(
    bus: JetStreamBus,
    durable: string,
    until: (seen: DeliveredEvent[]) => boolean,
    options: { ack?: boolean } = {},
  ): Promise<DeliveredEvent[]> {
    const seen: DeliveredEvent[] = [];
    const controller = new AbortController();
    return new Promise((resolve, reject) => {
      bus
        .consume(durable, {
          signal: controller.signal,
          expiresMs: 1000,
          async deliver(batch) {
            seen.push(...batch);
            if (until(seen)) controller.abort();
            if (options.ack === false) throw new Error('crash before the ack');
          },
        })
        .then(
          () => resolve(seen),
          (error: unknown) => (options.ack === false ? resolve(seen) : reject(error as Error)),
        );
    });
  }

  it('by default keeps events on file for 35 days, one copy per id within 2 minutes; the durable acks explicitly, waits 30 s, never gives up (MONITOR.md)', async () => {
    const name = `T_${randomBytes(5).toString('hex')}`;
    // Its own subject prefix: subjects may not overlap another stream's on the same server.
    const prefix = name.toLowerCase();
    const bus = await connectJetStreamBus({ servers: natsUrl!, stream: name, prefix });
    opened.push(bus);
    await bus.ensureStream();
    await bus.ensureDurable({ durable: 'monitor' });
    const nc = await connect({ servers: natsUrl! });
    try {
      const jsm = await jetstreamManager(nc);
      const stream = (await jsm.streams.info(name)).config;
      const second = 1_000_000_000;
      expect(stream).toMatchObject({
        storage: StorageType.File,
        max_age: 35 * 24 * 3600 * second,
        duplicate_window: 120 * second,
      });
      expect([...stream.subjects].sort()).toEqual(
        ['access', 'consent', 'registry', 'rights'].map((family) => `${prefix}.${family}.>`),
      );
      expect((await jsm.consumers.info(name, 'monitor')).config).toMatchObject({
        ack_policy: AckPolicy.Explicit,
        ack_wait: 30 * second,
        max_deliver: -1,
      });
    } finally {
      await nc.close();
    }
  });

  it('publishes into the stream (once per event id) and to in-process subscribers', async () => {
    const bus = await open();
    const local: string[] = [];
    bus.subscribe((e) => {
      local.push(e.id);
    });
    await bus.publish([event('a'), event('b', 'consent.given')]);
    // The outbox publishes again after a failure: the stream keeps one copy per id.
    await bus.publish([event('a')]);
    expect(await bus.newest()).toMatchObject({ seq: 2 });
    expect(local).toEqual(['a', 'b', 'a']);
    // An event outside the stream's families reaches this process's subscribers only.
    await bus.publish([event('c', 'breach.notified')]);
    expect(local).toEqual(['a', 'b', 'a', 'c']);
    expect(await bus.newest()).toMatchObject({ seq: 2 });
  });

  it('a durable consumer created at start gets every event once acked, and resumes after the floor', async () => {
    const bus = await open();
    await bus.ensureDurable({ durable: 'monitor', ackWaitMs: 1000 });
    // Reconciled, not duplicated, when asked again with other limits.
    await bus.ensureDurable({ durable: 'monitor', ackWaitMs: 2000, maxAckPending: 100 });
    await bus.publish([event('1'), event('2'), event('3')]);
    const first = await collect(bus, 'monitor', (seen) => seen.length >= 3);
    expect(first.map((d) => (d.input as DomainEvent).id)).toEqual(['1', '2', '3']);
    expect(await bus.ackFloor('monitor')).toBe(3);
    await bus.publish([event('4')]);
    const second = await collect(bus, 'monitor', (seen) => seen.length >= 1);
    expect(second.map((d) => (d.input as DomainEvent).id)).toEqual(['4']);
  });

  it('redelivers what a crashed consumer never acknowledged', async () => {
    const bus = await open();
    await bus.ensureDurable({ durable: 'monitor', ackWaitMs: 500 });
    await bus.publish([event('x'), event('y')]);
    const crashed = await collect(bus, 'monitor', (seen) => seen.length >= 2, { ack: false });
    expect(crashed.map((d) => d.redelivered)).toEqual([false, false]);
    expect(await bus.ackFloor('monitor')).toBe(0);
    const again = await collect(bus, 'monitor', (seen) => seen.length >= 2);
    expect(again.map((d) => [(d.input as DomainEvent).id, d.redelivered])).toEqual([
      ['x', true],
      ['y', true],
    ]);
    expect(await bus.ackFloor('monitor')).toBe(2);
  });

  it('replays from a time up to a sequence, in order, and nothing when the stream is empty', async () => {
    const bus = await open();
    const seen: string[] = [];
    const signal = new AbortController().signal;
    await bus.replay(
      new Date(0).toISOString(),
      5,
      async (batch) => {
        seen.push(...batch.map((d) => (d.input as DomainEvent).id));
      },
      signal,
    );
    expect(seen).toEqual([]);
    await bus.publish([event('1'), event('2'), event('3'), event('4')]);
    await bus.replay(
      new Date(Date.now() - 60_000).toISOString(),
      3,
      async (batch) => {
        seen.push(...batch.map((d) => (d.input as DomainEvent).id));
      },
      signal,
    );
    expect(seen).toEqual(['1', '2', '3']);
  });
});
