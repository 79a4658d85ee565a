/**
 * The in-process event bus: publish hands each event to every subscriber, in order. A subscriber
 * that throws (or rejects) is logged and skipped — one broken consumer must not stop the others
 * or fail the publisher, whose facts are already committed. Durable fan-out across processes is
 * another `EventPublisher` (NATS JetStream, the monitoring issue); this one is for a single
 * process, tests and the embedded case.
 */
import type { DomainEvent, EventHandler, EventPublisher, EventSource } from './events.js';

export interface BusOptions {
  /** Receives a subscriber's failure; the event still reaches the other subscribers. */
  readonly onHandlerError?: (error: unknown, event: DomainEvent) => void;
}

export function createInProcessBus(options: BusOptions = {}): EventPublisher & EventSource {
  const handlers = new Set<EventHandler>();
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
    async publish(events) {
      for (const event of events) {
        // A snapshot: a handler that (un)subscribes while this event is delivered affects the next one.
        for (const handler of [...handlers]) await deliver(handler, event);
      }
    },
  };
}
