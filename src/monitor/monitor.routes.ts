/**
 * The monitoring centre's alert, case and rule routes. The SOC acts (acknowledge, assign, close,
 * switch a rule between shadow and active); the auditor and the regulator read everything; the
 * regulator may also switch a rule, since the rule set is the regulator's to oversee. Parked
 * events (what the engine could not read) are for the SOC. The live feed is server-sent events.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';
import { principalOf } from '../http/access.js';
import type { AlertsService, LiveEvent } from './alerts.service.js';
import * as S from './monitor.schema.js';
import { createNamer, type MonitorNames, nameAlert, nameCase } from './names.js';

const tags = ['monitor'];
const READERS = ['soc', 'auditor', 'regulator'] as const;

function staffOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind !== 'staff')
    throw new DomainError('auth.forbidden', 'This route is for staff.');
  return `staff:${principal.subject}`;
}

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
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  // Each answer looks every system up once (a fresh namer per answer: names as they are now).
  const namer = () => createNamer(options.names);
  const namedAlert = <T extends Parameters<typeof nameAlert>[0]>(alert: T) =>
    nameAlert(alert, namer());
  const namedCase = <T extends Parameters<typeof nameCase>[0]>(record: T) =>
    nameCase(record, namer());
  return async (app) => {
    app.get(
      '/v1/monitor/alerts',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'Alerts, newest first, by state, rule, level, case or shadow',
          querystring: S.AlertQuery,
          response: { 200: S.AlertPage },
        },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        const page = await service.listAlerts(filter, cursor, limit ?? 50);
        const namesOf = namer();
        return { ...page, items: await Promise.all(page.items.map((a) => nameAlert(a, namesOf))) };
      },
    );

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

    app.get(
      '/v1/monitor/alerts/:alertId',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'One alert with its history',
          params: S.AlertParams,
          response: { 200: S.AlertWithHistory },
        },
      },
      async (request) => {
        const found = await service.getAlert(request.params.alertId);
        return { ...found, alert: await namedAlert(found.alert) };
      },
    );

    app.post(
      '/v1/monitor/alerts/:alertId/acknowledge',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Acknowledge an open alert',
          params: S.AlertParams,
          body: S.Empty,
          response: { 200: S.Alert },
        },
      },
      async (request) =>
        namedAlert(
          await service.changeAlert(request.params.alertId, {
            action: 'acknowledge',
            by: staffOf(request),
          }),
        ),
    );

    app.post(
      '/v1/monitor/alerts/:alertId/assign',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Assign an alert that is not closed',
          params: S.AlertParams,
          body: S.AssignBody,
          response: { 200: S.Alert },
        },
      },
      async (request) =>
        namedAlert(
          await service.changeAlert(request.params.alertId, {
            action: 'assign',
            by: staffOf(request),
            assignee: request.body.assignee,
          }),
        ),
    );

    app.post(
      '/v1/monitor/alerts/:alertId/close',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Close an alert as a true or a false positive',
          params: S.AlertParams,
          body: S.CloseBody,
          response: { 200: S.Alert },
        },
      },
      async (request) =>
        namedAlert(
          await service.changeAlert(request.params.alertId, {
            action: 'close',
            by: staffOf(request),
            outcome: request.body.outcome,
            note: request.body.note,
          }),
        ),
    );

    app.get(
      '/v1/monitor/cases',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'Cases (an actor’s alerts grouped), most recently updated first',
          querystring: S.CaseQuery,
          response: { 200: S.CasePage },
        },
      },
      async (request) => {
        const page = await service.listCases(
          request.query.state,
          request.query.cursor,
          request.query.limit ?? 50,
        );
        const namesOf = namer();
        return { ...page, items: await Promise.all(page.items.map((c) => nameCase(c, namesOf))) };
      },
    );

    app.get(
      '/v1/monitor/cases/:caseId',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'One case with its alerts and a timeline of the underlying events',
          params: S.CaseParams,
          response: { 200: S.CaseWithTimeline },
        },
      },
      async (request) => {
        const found = await service.getCase(request.params.caseId);
        const namesOf = namer();
        return {
          ...found,
          case: await nameCase(found.case, namesOf),
          alerts: await Promise.all(found.alerts.map((a) => nameAlert(a, namesOf))),
        };
      },
    );

    app.post(
      '/v1/monitor/cases/:caseId/acknowledge',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Acknowledge an open case',
          params: S.CaseParams,
          body: S.Empty,
          response: { 200: S.Case },
        },
      },
      async (request) =>
        namedCase(
          await service.changeCase(request.params.caseId, {
            action: 'acknowledge',
            by: staffOf(request),
          }),
        ),
    );

    app.post(
      '/v1/monitor/cases/:caseId/assign',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Assign a case that is not closed',
          params: S.CaseParams,
          body: S.AssignBody,
          response: { 200: S.Case },
        },
      },
      async (request) =>
        namedCase(
          await service.changeCase(request.params.caseId, {
            action: 'assign',
            by: staffOf(request),
            assignee: request.body.assignee,
          }),
        ),
    );

    app.post(
      '/v1/monitor/cases/:caseId/close',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Close a case as a true or a false positive',
          params: S.CaseParams,
          body: S.CloseBody,
          response: { 200: S.Case },
        },
      },
      async (request) =>
        namedCase(
          await service.changeCase(request.params.caseId, {
            action: 'close',
            by: staffOf(request),
            outcome: request.body.outcome,
            note: request.body.note,
          }),
        ),
    );

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
