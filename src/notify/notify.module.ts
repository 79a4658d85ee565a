/**
 * The citizen inbox, composed: it subscribes to the event source (consent, access and, later,
 * the monitoring centre's breach notices) and is the only writer of its tables. `server.ts`
 * creates it with one call and stops it on close.
 */
import type { Kysely } from 'kysely';
import type { EventSource } from '../events/index.js';
import type { RoutePlugin } from '../http/app.js';
import { derivedTransactions, type NativeHandle } from '../storage/storage.js';
import { createInbox, type Inbox } from './inbox.js';
import type { NotifyTables } from './notify.tables.js';
import { notifyRoutes, type NotifyRouteOptions } from './notify.routes.js';

export interface NotifyModuleDeps {
  readonly db: Kysely<NotifyTables>;
  readonly events: EventSource;
  readonly clock?: () => Date;
  /**
   * The engine's handle: the inbox's batches then commit as derived data
   * (`storage.derivedTransactions`). Only when `events` is fed by this database's outbox.
   */
  readonly native?: NativeHandle;
  readonly log?: { error(obj: object, msg: string): void };
  readonly stream?: NotifyRouteOptions;
}

export interface NotifyModule {
  readonly inbox: Inbox;
  readonly routes: readonly RoutePlugin[];
  /** Stops consuming events. */
  stop(): void;
}

export function createNotifyModule(deps: NotifyModuleDeps): NotifyModule {
  const inbox = createInbox(
    deps.db,
    deps.clock,
    deps.native ? derivedTransactions(deps.db, deps.native) : undefined,
  );
  // Each published batch in one transaction: an access check's events arrive by the hundred.
  const stop = deps.events.subscribeBatch(async (events) => {
    try {
      await inbox.receiveAll(events);
    } catch (error) {
      // The events are committed elsewhere; a failure here loses notifications, never the facts.
      deps.log?.error(
        { err: error, eventIds: events.map((event) => event.id) },
        'inbox could not store events',
      );
      throw error;
    }
  });
  return { inbox, routes: [{ name: 'notify', plugin: notifyRoutes(inbox, deps.stream) }], stop };
}
