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
}

export function monitorRoutes(
  service: AlertsService,
  options: MonitorRoutesOptions = {},
): FastifyPluginAsyncTypebox {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
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
        return service.listAlerts(filter, cursor, limit ?? 50);
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
        const stop = service.listen((event: LiveEvent) => {
          res.write(
            `id: ${event.alert.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(event.alert)}\n\n`,
          );
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
      async (request) => service.getAlert(request.params.alertId),
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
        service.changeAlert(request.params.alertId, {
          action: 'acknowledge',
          by: staffOf(request),
        }),
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
        service.changeAlert(request.params.alertId, {
          action: 'assign',
          by: staffOf(request),
          assignee: request.body.assignee,
        }),
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
        service.changeAlert(request.params.alertId, {
          action: 'close',
          by: staffOf(request),
          outcome: request.body.outcome,
          note: request.body.note,
        }),
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
      async (request) =>
        service.listCases(request.query.state, request.query.cursor, request.query.limit ?? 50),
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
      async (request) => service.getCase(request.params.caseId),
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
        service.changeCase(request.params.caseId, { action: 'acknowledge', by: staffOf(request) }),
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
        service.changeCase(request.params.caseId, {
          action: 'assign',
          by: staffOf(request),
          assignee: request.body.assignee,
        }),
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
        service.changeCase(request.params.caseId, {
          action: 'close',
          by: staffOf(request),
          outcome: request.body.outcome,
          note: request.body.note,
        }),
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
