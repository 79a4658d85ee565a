/**
 * Domain events: what one module tells the others (and the monitoring centre) happened. An event
 * carries pseudonyms only, never an IIN, and a stable `id` — the outbox item's id — so that a
 * consumer receiving it twice (publishing is at least once) can recognise the repeat.
 *
 * Types: `consent.requested|given|refused|withdrawn|withdrawal-refused|expired|paused|resumed`,
 * `access.checked`, `registry.<entity>.<action>`.
 */
import type { JsonObject } from '../ledger/entry/canonical-json.js';

export interface DomainEvent {
  /** Unique per fact; consumers are idempotent by it. */
  readonly id: string;
  readonly type: string;
  /** ISO-8601 UTC time of the fact. */
  readonly at: string;
  /** Pseudonyms only. */
  readonly data: JsonObject;
}

export interface EventPublisher {
  /** Resolves once the events are handed to every subscriber (or the broker). */
  publish(events: readonly DomainEvent[]): Promise<void>;
}

export type EventHandler = (event: DomainEvent) => Promise<void> | void;

/** Receives each published batch whole, in order (a consumer that writes them in one transaction). */
export type BatchHandler = (events: readonly DomainEvent[]) => Promise<void> | void;

export interface EventSource {
  /** Registers a handler for every event published from now on; returns the unsubscribe function. */
  subscribe(handler: EventHandler): () => void;
  /** As `subscribe`, but the handler gets each published batch at once. */
  subscribeBatch(handler: BatchHandler): () => void;
}
