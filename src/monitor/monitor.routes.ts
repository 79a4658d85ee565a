/**
 * The monitoring centre's alert, case and rule routes. The SOC acts (acknowledge, assign, close,
 * switch a rule between shadow and active); the auditor and the regulator read everything; the
 * regulator may also switch a rule, since the rule set is the regulator's to oversee. Parked
 * events (what the engine could not read) are for the SOC. The live feed is server-sent events.
 *
 * Alerts and cases are worked alike — a list newest first with filters and a cursor, one record
 * with what explains it, and the same lifecycle (open → acknowledged → closed, with an assignee) —
 * so their routes are made by the same two functions, `listRoute` and `recordRoutes`.
 */
import type {
  FastifyPluginAsyncTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import type {
  FastifyRequest,
  FastifySchema,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
} from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import type { AlertsService, LiveEvent } from './alerts.service.js';
import type { StateChange } from './alerts.store.js';
import * as S from './monitor.schema.js';
import { createNamer, type MonitorNames, nameAlert, nameCase, type Namer } from './names.js';
import { staffOf } from './response-routes.helpers.js';

const tags = ['monitor'];
const READERS = ['soc', 'auditor', 'regulator'] as const;
/** Items of a list page when the query names no limit. */
const DEFAULT_LIMIT = 50;

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Page<T> = { items: T[]; next: string | null };
/** A record of a page schema's `items`: what a list's records must be to be answered. */
type ItemOf<R extends TSchema> = Static<R> extends { items: (infer I)[] } ? I : never;
/**
 * The request of a route with this schema, as the routes' type provider types it: a helper
 * generic in its schema hands the part it reads (`RequestOf<{ params: P }>['params']`) to the
 * caller, whose schema is known, instead of casting it.
 */
type RequestOf<Schema extends FastifySchema> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  Schema,
  TypeBoxTypeProvider
>;

/*
 * The two functions below are generic in their schemas so that each caller's records are checked
 * against the schema it gives (`T extends Static<R>`), and the parts of the request they read are
 * typed by the caller's schema (`RequestOf`). What they hand Fastify as the response schema is
 * widened to `TSchema`: the type provider cannot resolve a reply type from a schema still generic.
 */

/** A list of alerts or cases, for the readers: a page as the query asks, names beside. */
function listRoute<Q extends TSchema, R extends TSchema, T extends ItemOf<R>>(
  app: App,
  route: {
    readonly path: string;
    readonly summary: string;
    readonly querystring: Q;
    /** The page as answered. */
    readonly page: R;
    readonly list: (query: RequestOf<{ querystring: Q }>['query']) => Promise<Page<T>>;
    readonly name: (record: T, namesOf: Namer) => Promise<T>;
    readonly namer: () => Namer;
  },
): void {
  const page: TSchema = route.page;
  app.get(
    route.path,
    {
      config: { allow: [...READERS] },
      schema: {
        tags,
        summary: route.summary,
        querystring: route.querystring,
        response: { 200: page },
      },
    },
    async (request) => {
      const found = await route.list(request.query);
      const namesOf = route.namer();
      return { ...found, items: await Promise.all(found.items.map((r) => route.name(r, namesOf))) };
    },
  );
}

/**
 * One alert or case (for the readers) and its lifecycle (for the SOC): acknowledge an open one,
 * assign one not closed, close one as a true or a false positive; each answers the record as it
 * is now, names beside.
 */
function recordRoutes<
  P extends TSchema,
  R extends TSchema,
  D extends TSchema,
  T extends Static<R>,
  G extends Static<D>,
>(
  app: App,
  route: {
    /** `/v1/monitor/alerts/:alertId`. */
    readonly path: string;
    readonly kind: 'alert' | 'case';
    readonly params: P;
    readonly idOf: (params: RequestOf<{ params: P }>['params']) => string;
    /** The record as the lifecycle routes answer it: `change`, then `named`. */
    readonly record: R;
    readonly change: (id: string, change: StateChange) => Promise<T>;
    readonly named: (record: T) => Promise<T>;
    /** The record with what explains it, as the read answers it. */
    readonly read: {
      readonly summary: string;
      readonly response: D;
      readonly get: (id: string) => Promise<G>;
    };
  },
): void {
  const { params } = route;
  const [record, read]: TSchema[] = [route.record, route.read.response];
  // As the summaries say it.
  const aKind = route.kind === 'alert' ? 'an alert' : 'a case';
  app.get(
    route.path,
    {
      config: { allow: [...READERS] },
      schema: { tags, summary: route.read.summary, params, response: { 200: read } },
    },
    async (request) => route.read.get(route.idOf(request.params)),
  );
  /** One lifecycle route: the change its body asks for, by the staff member calling. */
  const lifecycle = <B extends TSchema>(
    action: StateChange['action'],
    summary: string,
    body: B,
    changeOf: (body: RequestOf<{ body: B }>['body'], by: string) => StateChange,
  ) =>
    app.post(
      `${route.path}/${action}`,
      {
        config: { allow: ['soc'] },
        schema: { tags, summary, params, body, response: { 200: record } },
      },
      async (request) => {
        const id = route.idOf(request.params);
        return route.named(await route.change(id, changeOf(request.body, staffOf(request))));
      },
    );
  lifecycle('acknowledge', `Acknowledge an open ${route.kind}`, S.Empty, (_, by) => ({
    action: 'acknowledge',
    by,
  }));
  lifecycle('assign', `Assign ${aKind} that is not closed`, S.AssignBody, ({ assignee }, by) => ({
    action: 'assign',
    by,
    assignee,
  }));
  lifecycle(
    'close',
    `Close ${aKind} as a true or a false positive`,
    S.CloseBody,
    ({ outcome, note }, by) => ({ action: 'close', by, outcome, note }),
  );
}

/** A comment line this often on a quiet alert stream, so proxies keep it open (docs/MONITOR.md). */
export const STREAM_KEEP_ALIVE_MS = 15_000;

export interface MonitorRoutesOptions {
  /** Comment line sent this often so proxies keep the live feed open. */
  readonly heartbeatMs?: number;
  /** Registry names and actor codes put beside the ids in alerts and cases (none: ids only). */
  readonly names?: MonitorNames;
}

export function monitorRoutes(
  service: AlertsService,
  options: MonitorRoutesOptions = {},
): FastifyPluginAsyncTypebox {
  const heartbeatMs = options.heartbeatMs ?? STREAM_KEEP_ALIVE_MS;
  // Each answer looks every system up once (a fresh namer per answer: names as they are now).
  const namer = () => createNamer(options.names);
  const namedAlert = <T extends Parameters<typeof nameAlert>[0]>(alert: T) =>
    nameAlert(alert, namer());
  const namedCase = <T extends Parameters<typeof nameCase>[0]>(record: T) =>
    nameCase(record, namer());
  return async (app) => {
    listRoute(app, {
      path: '/v1/monitor/alerts',
      summary: 'Alerts, newest first, by state, rule, level, case or shadow',
      querystring: S.AlertQuery,
      page: S.AlertPage,
      list: ({ limit, cursor, ...filter }) =>
        service.listAlerts(filter, cursor, limit ?? DEFAULT_LIMIT),
      name: nameAlert,
      namer,
    });

    app.get(
      '/v1/monitor/alerts/stream',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary:
            'Live alerts as server-sent events: `alert` (new) and `alert-updated` (state change), data = the alert',
          response: {
            200: {
              description: 'A stream of server-sent events (text/event-stream) that stays open',
              content: { 'text/event-stream': { schema: Type.String() } },
            },
          },
        },
      },
      async (request, reply) => {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        res.write('retry: 5000\n\n');
        // Names are looked up per alert; the chain keeps the events in the order they came.
        let sending: Promise<void> = Promise.resolve();
        const stop = service.listen((event: LiveEvent) => {
          sending = sending
            .then(() => namedAlert(event.alert))
            // A failed look-up still sends the alert, with its ids only.
            .catch(() => event.alert)
            .then((alert) => {
              // The look-up may end after the listener left: nothing is written to a closed stream.
              if (res.destroyed || res.writableEnded) return;
              res.write(
                `id: ${alert.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(alert)}\n\n`,
              );
            });
        });
        const beat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
        beat.unref();
        request.raw.on('close', () => {
          clearInterval(beat);
          stop();
        });
      },
    );

    recordRoutes(app, {
      path: '/v1/monitor/alerts/:alertId',
      kind: 'alert',
      params: S.AlertParams,
      idOf: (params) => params.alertId,
      record: S.Alert,
      read: {
        summary: 'One alert with its history',
        response: S.AlertWithHistory,
        async get(id) {
          const found = await service.getAlert(id);
          return { ...found, alert: await namedAlert(found.alert) };
        },
      },
      change: (id, change) => service.changeAlert(id, change),
      named: namedAlert,
    });

    listRoute(app, {
      path: '/v1/monitor/cases',
      summary: 'Cases (an actor’s alerts grouped), most recently updated first',
      querystring: S.CaseQuery,
      page: S.CasePage,
      list: ({ limit, cursor, ...filter }) =>
        service.listCases(filter, cursor, limit ?? DEFAULT_LIMIT),
      name: nameCase,
      namer,
    });

    recordRoutes(app, {
      path: '/v1/monitor/cases/:caseId',
      kind: 'case',
      params: S.CaseParams,
      idOf: (params) => params.caseId,
      record: S.Case,
      read: {
        summary: 'One case with its alerts and a timeline of the underlying events',
        response: S.CaseWithTimeline,
        async get(id) {
          const found = await service.getCase(id);
          const namesOf = namer();
          return {
            ...found,
            case: await nameCase(found.case, namesOf),
            alerts: await Promise.all(found.alerts.map((a) => nameAlert(a, namesOf))),
          };
        },
      },
      change: (id, change) => service.changeCase(id, change),
      named: namedCase,
    });

    app.get(
      '/v1/monitor/rules',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'The loaded detection rules with their mode and hit counts',
          response: { 200: S.RuleList },
        },
      },
      async () => ({ items: await service.listRules() }),
    );

    app.put(
      '/v1/monitor/rules/:ruleId/mode',
      {
        config: { allow: ['soc', 'regulator'] },
        schema: {
          tags,
          summary: 'Switch a rule between shadow (alerts marked, no response) and active',
          params: S.RuleParams,
          body: S.ModeBody,
          response: { 200: S.RuleInfo },
        },
      },
      async (request) =>
        service.setRuleMode(
          request.params.ruleId,
          request.body.mode,
          request.body.reason,
          staffOf(request),
        ),
    );

    app.get(
      '/v1/monitor/parked',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Events the engine could not read (or that arrived too late), with the reason',
          querystring: S.ParkedQuery,
          response: { 200: S.ParkedPage },
        },
      },
      async (request) => service.parked(request.query.after ?? 0, request.query.limit ?? 50),
    );
  };
}
