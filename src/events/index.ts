/** Domain events: the types every module publishes and the in-process bus. */
export type {
  BatchHandler,
  DomainEvent,
  EventHandler,
  EventPublisher,
  EventSource,
} from './events.js';
export { type BusOptions, createInProcessBus } from './bus.js';
