/**
 * The citizen inbox, composed: it subscribes to the event source (consent, access and, later,
 * the monitoring centre's breach notices) and is the only writer of its tables. `server.ts`
 * creates it with one call and stops it on close.
 */
import type { Kysely } from 'kysely';
import type { EventSource } from '../events/index.js';
import type { RoutePlugin } from '../http/app.js';
import { createInbox, type Inbox } from './inbox.js';
import type { NotifyTables } from './notify.tables.js';
import { notifyRoutes, type NotifyRouteOptions } from './notify.routes.js';

export interface NotifyModuleDeps {
  readonly db: Kysely<NotifyTables>;
  readonly events: EventSource;
  readonly clock?: () => Date;
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
  const inbox = createInbox(deps.db, deps.clock);
  const stop = deps.events.subscribe(async (event) => {
    try {
      await inbox.receive(event);
    } catch (error) {
      // The event is committed elsewhere; a failure here loses one notification, never the fact.
      deps.log?.error({ err: error, eventId: event.id }, 'inbox could not store an event');
      throw error;
    }
  });
  return { inbox, routes: [{ name: 'notify', plugin: notifyRoutes(inbox, deps.stream) }], stop };
}
