/**
 * The NATS JetStream event bus (`NATS_URL`): one stream holds the access, consent, registry and
 * rights events (`<prefix>.<event type>`, e.g. `qalqan.access.checked`); publishing waits for the
 * stream's acknowledgement and sets the event id as `Nats-Msg-Id`, so a publish repeated by the
 * outbox within the stream's duplicate window is stored once. In-process subscribers (the citizen
 * inbox) still receive each event from the publishing instance, after the stream has it.
 *
 * Other event types (the citizen inbox's breach notices) reach only the in-process subscribers.
 *
 * Consumers read through a durable pull consumer with explicit acks, created or reconciled at
 * start: a message not acknowledged within `ackWaitMs` (the consumer crashed) is delivered again,
 * and consumers are idempotent by event id. `replay` reads the stream from a point in time up to
 * a sequence with an ordered (ephemeral) consumer, which the monitor uses to rebuild its windows.
 */
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  type JsMsg,
  type OrderedConsumerOptions,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createInProcessBus, type BusOptions } from './bus.js';
import type { DomainEvent, EventPublisher, EventSource } from './events.js';

/** The event families the stream holds. */
export const STREAM_FAMILIES = ['access', 'consent', 'registry', 'rights'] as const;

export interface JetStreamBusOptions extends BusOptions {
  readonly servers: string;
  /** Stream name. Default `QALQAN_EVENTS`. */
  readonly stream?: string;
  /** Subject prefix. Default `qalqan`. */
  readonly prefix?: string;
  /** How long the stream keeps events. Default 35 days (past the longest monitoring window). */
  readonly maxAgeMs?: number;
  /** File storage (default) or memory (tests may choose). */
  readonly storage?: 'file' | 'memory';
  /** Connection timeout. Default 5 s. */
  readonly timeoutMs?: number;
  /**
   * How long a publish waits for the stream's acknowledgement. Default 30 s: on a busy server 5 s
   * (the client's default) was seen to pass with 1,000 publishes in flight; a publish that still
   * times out fails, and the outbox publishes it again (stored once by its id).
   */
  readonly publishTimeoutMs?: number;
}

export interface DurableOptions {
  readonly durable: string;
  /** How long a delivered message may stay unacknowledged before it is delivered again. */
  readonly ackWaitMs?: number;
  readonly maxAckPending?: number;
}

export interface DeliveredEvent {
  /** The message's payload as parsed (anything: the consumer checks it). */
  readonly input: unknown;
  readonly seq: number;
  readonly redelivered: boolean;
}

export interface ConsumeRun {
  /** Receives each fetched batch in stream order; the messages are acknowledged after it resolves. */
  readonly deliver: (batch: readonly DeliveredEvent[]) => Promise<void>;
  readonly signal: AbortSignal;
  readonly batchSize?: number;
  /** How long one fetch waits for messages (the server's minimum is 1 s). Default 1 s. */
  readonly expiresMs?: number;
}

export interface JetStreamBus extends EventPublisher, EventSource {
  readonly stream: string;
  /** Creates the stream, or brings its subjects and retention to this configuration. */
  ensureStream(): Promise<void>;
  /** Creates the durable consumer, or reconciles its ack wait and pending limit. */
  ensureDurable(options: DurableOptions): Promise<void>;
  /** The durable's acknowledged floor (stream sequence): everything up to it is handled. */
  ackFloor(durable: string): Promise<number>;
  /** The stream's newest message: its sequence and time (null when empty). */
  newest(): Promise<{ readonly seq: number; readonly at: string } | null>;
  /** Reads the stream from `fromTime` to `untilSeq` (inclusive) in order. */
  replay(
    fromTime: string,
    untilSeq: number,
    deliver: (batch: readonly DeliveredEvent[]) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void>;
  /** Pulls from the durable until the signal aborts; acks each batch after `deliver` resolves. */
  consume(durable: string, run: ConsumeRun): Promise<void>;
  deleteDurable(durable: string): Promise<void>;
  /** Removes the stream (tests). */
  deleteStream(): Promise<void>;
  close(): Promise<void>;
}

const nanos = (ms: number): number => ms * 1_000_000;

/** How long the stream keeps events: past the longest monitoring window (30 days). */
export const STREAM_MAX_AGE_MS = 35 * 86_400_000;
/** A publish repeated within this window (same `Nats-Msg-Id`) is stored once. */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** A durable's delivery not acknowledged within this is delivered again. */
export const ACK_WAIT_MS = 30_000;

function parsed(message: JsMsg): DeliveredEvent {
  let input: unknown;
  try {
    input = message.json<unknown>();
  } catch {
    // Not JSON: the consumer parks it with what arrived.
    input = { unreadable: message.string().slice(0, 4096) };
  }
  return { input, seq: message.seq, redelivered: message.redelivered };
}

/**
 * `access.checked` → `qalqan.access.checked`; null for an event outside the stream's families
 * (e.g. `breach.notified`, for the citizen inbox only), which stays in the process.
 */
export function subjectOf(prefix: string, event: DomainEvent): string | null {
  const family = event.type.split('.')[0] ?? '';
  if (!(STREAM_FAMILIES as readonly string[]).includes(family)) return null;
  if (!/^[\w-]+(\.[\w-]+)*$/.test(event.type))
    throw new Error(`event type '${event.type}' is not a valid subject on the event stream`);
  return `${prefix}.${event.type}`;
}

export async function connectJetStreamBus(options: JetStreamBusOptions): Promise<JetStreamBus> {
  const nc: NatsConnection = await connect({
    servers: options.servers,
    timeout: options.timeoutMs ?? 5_000,
    name: 'qalqan',
  });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const js: JetStreamClient = jetstream(nc);
  const stream = options.stream ?? 'QALQAN_EVENTS';
  const prefix = options.prefix ?? 'qalqan';
  const subjects = STREAM_FAMILIES.map((family) => `${prefix}.${family}.>`);
  const local = createInProcessBus(options);

  async function fetchBatches(
    consumerName: string | Partial<OrderedConsumerOptions>,
    run: {
      readonly signal: AbortSignal;
      readonly batchSize: number;
      readonly expiresMs: number;
      /** Handles a batch (empty when the fetch expired); returns false to stop. */
      readonly handle: (messages: JsMsg[]) => Promise<boolean>;
    },
  ): Promise<void> {
    const consumer = await js.consumers.get(stream, consumerName);
    while (!run.signal.aborted) {
      const messages = await consumer.fetch({
        max_messages: run.batchSize,
        expires: run.expiresMs,
      });
      const batch: JsMsg[] = [];
      for await (const message of messages) batch.push(message);
      if (!(await run.handle(batch))) return;
    }
  }

  return {
    stream,
    subscribe: (handler) => local.subscribe(handler),
    subscribeBatch: (handler) => local.subscribeBatch(handler),

    async publish(events) {
      // Every event into the stream first (acknowledged), then to this process's subscribers.
      const acks: Promise<unknown>[] = [];
      for (const event of events) {
        const subject = subjectOf(prefix, event);
        if (subject !== null)
          acks.push(
            js.publish(subject, JSON.stringify(event), {
              msgID: event.id,
              timeout: options.publishTimeoutMs ?? 30_000,
            }),
          );
      }
      await Promise.all(acks);
      await local.publish(events);
    },

    async ensureStream() {
      const config = {
        name: stream,
        subjects,
        retention: RetentionPolicy.Limits,
        storage: options.storage === 'memory' ? StorageType.Memory : StorageType.File,
        max_age: nanos(options.maxAgeMs ?? STREAM_MAX_AGE_MS),
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      };
      try {
        const info = await jsm.streams.info(stream);
        const same =
          info.config.subjects.length === subjects.length &&
          subjects.every((s) => info.config.subjects.includes(s)) &&
          info.config.max_age === config.max_age;
        if (!same) await jsm.streams.update(stream, { subjects, max_age: config.max_age });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await jsm.streams.add(config);
      }
    },

    async ensureDurable({ durable, ackWaitMs = ACK_WAIT_MS, maxAckPending = 20_000 }) {
      try {
        const info = await jsm.consumers.info(stream, durable);
        if (
          info.config.ack_wait !== nanos(ackWaitMs) ||
          info.config.max_ack_pending !== maxAckPending
        )
          await jsm.consumers.update(stream, durable, {
            ack_wait: nanos(ackWaitMs),
            max_ack_pending: maxAckPending,
          });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await jsm.consumers.add(stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: nanos(ackWaitMs),
          max_ack_pending: maxAckPending,
          max_deliver: -1,
        });
      }
    },

    async ackFloor(durable) {
      const info = await jsm.consumers.info(stream, durable);
      return info.ack_floor.stream_seq;
    },

    async newest() {
      const info = await jsm.streams.info(stream);
      if (info.state.messages === 0) return null;
      return { seq: info.state.last_seq, at: info.state.last_ts };
    },

    async replay(fromTime, untilSeq, deliver, signal) {
      if (untilSeq <= 0) return;
      await fetchBatches(
        { deliver_policy: DeliverPolicy.StartTime, opt_start_time: fromTime },
        {
          signal,
          batchSize: 500,
          expiresMs: 1_000,
          async handle(messages) {
            // Nothing more at or after the start time.
            if (messages.length === 0) return false;
            const within = messages.filter((m) => m.seq <= untilSeq);
            if (within.length > 0) await deliver(within.map(parsed));
            return (
              messages[messages.length - 1]!.seq < untilSeq && within.length === messages.length
            );
          },
        },
      ).catch((error: unknown) => {
        // Nothing at or after the start time: nothing to replay.
        if (!isNotFound(error)) throw error;
      });
    },

    async consume(durable, run) {
      // A continuous pull: messages are handled in batches of what has arrived (up to batchSize),
      // a batch closing as soon as the consumer has nothing more pending, so an event waits for
      // no timer; each batch is acknowledged once `deliver` resolved.
      const consumer = await js.consumers.get(stream, durable);
      const batchSize = run.batchSize ?? 500;
      const messages = await consumer.consume({
        max_messages: batchSize,
        expires: Math.max(1_000, run.expiresMs ?? 1_000),
      });
      const stop = () => void messages.stop();
      if (run.signal.aborted) stop();
      run.signal.addEventListener('abort', stop, { once: true });
      let batch: JsMsg[] = [];
      try {
        for await (const message of messages) {
          batch.push(message);
          if (batch.length < batchSize && message.info.pending > 0) continue;
          const handled = batch;
          batch = [];
          await run.deliver(handled.map(parsed));
          // The server handles a consumer's acks in order, so confirming the batch's last one means
          // the whole batch counts in the ack floor before the next pull, or before a stop hands
          // over to another leader, which starts from that floor. An ack left unconfirmed (a
          // timeout) is delivered again after the ack wait; the monitor is idempotent by event id.
          for (const m of handled.slice(0, -1)) m.ack();
          await handled[handled.length - 1]!.ackAck().catch(() => false);
          if (run.signal.aborted) break;
        }
      } finally {
        run.signal.removeEventListener('abort', stop);
        await messages.close().catch(() => undefined);
      }
      await nc.flush();
    },

    async deleteDurable(durable) {
      await jsm.consumers.delete(stream, durable).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    },

    async deleteStream() {
      await jsm.streams.delete(stream).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    },

    async close() {
      await nc.drain().catch(() => nc.close());
    },
  };
}

function isNotFound(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /not found|NotFound/i.test(text);
}
