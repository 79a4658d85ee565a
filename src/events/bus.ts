/**
 * The in-process event bus: publish hands each event to every subscriber, in order (a batch
 * subscriber gets each published batch whole, so it can store it in one transaction). A subscriber
 * that throws (or rejects) is logged and skipped — one broken consumer must not stop the others
 * or fail the publisher, whose facts are already committed. Durable fan-out across processes is
 * another `EventPublisher` (NATS JetStream, the monitoring issue); this one is for a single
 * process, tests and the embedded case.
 */
import type {
  BatchHandler,
  DomainEvent,
  EventHandler,
  EventPublisher,
  EventSource,
} from './events.js';

export interface BusOptions {
  /** Receives a subscriber's failure; the event still reaches the other subscribers. */
  readonly onHandlerError?: (error: unknown, event: DomainEvent) => void;
}

export function createInProcessBus(options: BusOptions = {}): EventPublisher & EventSource {
  const handlers = new Set<EventHandler>();
  const batchHandlers = new Set<BatchHandler>();
  const report = options.onHandlerError ?? (() => undefined);

  async function deliver(handler: EventHandler, event: DomainEvent): Promise<void> {
    try {
      await handler(event);
    } catch (error) {
      report(error, event);
    }
  }

  return {
    subscribe(handler) {
      // A wrapper per subscription, so subscribing the same function twice gives two deliveries
      // and each unsubscribe removes exactly its own.
      const subscription: EventHandler = (event) => handler(event);
      handlers.add(subscription);
      return () => {
        handlers.delete(subscription);
      };
    },
    subscribeBatch(handler) {
      const subscription: BatchHandler = (events) => handler(events);
      batchHandlers.add(subscription);
      return () => {
        batchHandlers.delete(subscription);
      };
    },
    async publish(events) {
      if (events.length === 0) return;
      // Batch consumers first, each with the whole batch (one transaction for them, not one each).
      for (const handler of [...batchHandlers]) {
        try {
          await handler(events);
        } catch (error) {
          for (const event of events) report(error, event);
        }
      }
      for (const event of events) {
        // A snapshot: a handler that (un)subscribes while this event is delivered affects the next one.
        for (const handler of [...handlers]) await deliver(handler, event);
      }
    },
  };
}
