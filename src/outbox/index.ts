/** The outbox every module uses to put its facts in the ledger and publish their events. */
export {
  type Outbox,
  type OutboxItem,
  type OutboxLedger,
  type OutboxLog,
  type OutboxOptions,
  type OutboxService,
  type SequencedItem,
  type WriteBack,
  createOutbox,
  enqueueOutbox,
} from './outbox.js';
export {
  type ParkedOutbox,
  type ParkedOutboxOptions,
  type ParkedRow,
  type RequeuedRow,
  type RequeueOutcome,
  createParkedOutbox,
} from './outbox-parked.js';
export {
  type OutboxRetention,
  type OutboxRetentionOptions,
  createOutboxRetention,
} from './outbox-retention.js';
export type { OutboxEventTable, OutboxState, OutboxTable, OutboxTables } from './outbox.tables.js';
