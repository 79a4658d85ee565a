/**
 * The JetStream feed: the evaluator replays the stream from the longest window's start up to the
 * durable consumer's acknowledged floor (what was handled before a restart or by the previous
 * leader), then pulls from the durable consumer, acknowledging each batch once its alerts are
 * stored. Unacknowledged messages (a crash mid-batch) are delivered again after the ack wait;
 * the engine and the alert store are idempotent by id. Events are also written to the monitor's
 * own event table, so a case's timeline can show them.
 */
import type { DomainEvent } from '../events/events.js';
import type { JetStreamBus } from '../events/jetstream.js';
import type { EventFeed } from './evaluator.js';
import { envelopeProblem } from './log-feed.js';
import type { MonitorStore } from './monitor.store.js';

export interface JetStreamFeedOptions {
  readonly bus: JetStreamBus;
  readonly store: MonitorStore;
  readonly clock: () => Date;
  /** The durable consumer shared by every instance (only the leader pulls). Default `qalqan-monitor`. */
  readonly durable?: string;
  readonly ackWaitMs?: number;
  readonly batchSize?: number;
  /** How long one pull waits for messages (the stop latency). Default 1 s. */
  readonly expiresMs?: number;
}

export function createJetStreamFeed(options: JetStreamFeedOptions): EventFeed {
  const durable = options.durable ?? 'qalqan-monitor';
  const { bus, store } = options;
  return {
    async run({ replayMs, deliver, signal, caughtUp }) {
      await bus.ensureDurable({
        durable,
        ...(options.ackWaitMs !== undefined ? { ackWaitMs: options.ackWaitMs } : {}),
      });
      const floor = await bus.ackFloor(durable);
      const newest = await bus.newest();
      if (floor > 0 && newest !== null) {
        const fromTime = new Date(Date.parse(newest.at) - replayMs).toISOString();
        await bus.replay(fromTime, floor, (batch) => deliver(batch.map((d) => d.input)), signal);
      }
      if (signal.aborted) return;
      caughtUp();
      await bus.consume(durable, {
        signal,
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        ...(options.expiresMs !== undefined ? { expiresMs: options.expiresMs } : {}),
        async deliver(batch) {
          const inputs = batch.map((d) => d.input);
          const loggable = inputs.filter((input) => envelopeProblem(input) === null);
          await store.appendEvents(loggable as DomainEvent[], options.clock().toISOString());
          await deliver(inputs);
        },
      });
    },
  };
}
