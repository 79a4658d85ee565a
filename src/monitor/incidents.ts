/**
 * Incidents and breach notification. An incident is opened from a case (its system and the
 * window of its alerts) or by hand (a system and a window). The affected citizens are the
 * distinct subjects the system accessed in the window — the access module's `subjectsAccessedBy`,
 * paged. The clock for the authorised body runs from detection (Kazakhstan: one business day,
 * see breach-clock.ts) and the notice comes prefilled. Each affected citizen gets an inbox
 * notification: one `breach.notified` event per citizen (so no one's notice names anyone else),
 * each a ledger entry through the outbox, written page by page with a cursor so an interrupted run
 * resumes where it stopped and never notifies anyone twice. Every step is in the ledger.
 */
import type { Kysely } from 'kysely';
import type { Labels } from '../core/taxonomy.js';
import { DomainError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { JsonObject } from '../ledger/entry/canonical-json.js';
import {
  type DayTransfers,
  DEFAULT_JURISDICTION,
  type Jurisdiction,
  jurisdictionOf,
  notificationDeadline,
  withTransfers,
} from './breach-clock.js';
import { refuseIdentifier, shown } from './reference-entries.js';
import type {
  AccessedBy,
  By,
  Clock,
  ResponseCases,
  ResponseOutbox,
  ResponseOutboxItem,
  ResponseRegistry,
  SystemFacts,
} from './response.ports.js';
import type { MonitorIncidentsTable, MonitorResponseTables } from './response.tables.js';

export type ClockStatus = 'running' | 'overdue' | 'met' | 'missed';

export interface IncidentNotice {
  readonly authority: Labels;
  readonly jurisdiction: string;
  readonly incidentId: string;
  readonly operatorId: string;
  readonly operatorName?: Labels;
  readonly systemId: string;
  readonly systemName?: string;
  readonly detectedAt: string;
  readonly windowFrom: string;
  readonly windowTo: string;
  readonly affectedCount: number;
  readonly categories: string[];
  readonly measures: {
    readonly id: string;
    readonly action: string;
    readonly state: string;
  }[];
  readonly note?: string;
  readonly text: Labels;
}

export interface IncidentView {
  readonly id: string;
  readonly title: string;
  /**
   * Whether the server composed `title` (no title was given): clients then word the same facts —
   * a personal data breach, its operator and its system — in the reader's language. False for an
   * analyst's own title, shown as written.
   */
  readonly titleComposed: boolean;
  readonly state: 'open' | 'closed';
  readonly caseId: string | null;
  readonly systemId: string;
  readonly operatorId: string;
  readonly windowFrom: string;
  readonly windowTo: string;
  readonly detectedAt: string;
  readonly jurisdiction: string;
  readonly notifyBy: string;
  readonly clock: {
    readonly notifyBy: string;
    readonly remainingMs: number;
    readonly status: ClockStatus;
  };
  readonly affectedCount: number;
  readonly authorityNotifiedAt: string | null;
  readonly authorityNotifiedBy: string | null;
  readonly notice: IncidentNotice;
  readonly citizensNotified: number;
  readonly citizensNotifiedAt: string | null;
  readonly openedAt: string;
  readonly openedBy: string;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
  readonly closeNote: string | null;
}

export type OpenIncident =
  | {
      readonly title?: string;
      readonly caseId: string;
      readonly jurisdiction?: string;
      readonly windowFrom?: string;
      readonly windowTo?: string;
    }
  | {
      readonly title?: string;
      readonly systemId: string;
      readonly windowFrom: string;
      readonly windowTo: string;
      readonly detectedAt?: string;
      readonly jurisdiction?: string;
    };

/** The responses taken on the incident's system, for the notice's "measures taken". */
export type MeasuresOf = (
  systemId: string,
) => Promise<readonly { readonly id: string; readonly action: string; readonly state: string }[]>;

export interface IncidentService {
  open(input: OpenIncident, by: By): Promise<IncidentView>;
  get(id: string): Promise<IncidentView>;
  list(filter: {
    readonly state?: 'open' | 'closed';
    readonly caseId?: string;
    readonly after?: string;
    readonly limit: number;
  }): Promise<{ items: IncidentView[]; nextCursor: string | null }>;
  affected(
    id: string,
    page: { after?: string; limit?: number },
  ): Promise<{ subjects: string[]; nextCursor: string | null }>;
  notifyAuthority(id: string, by: By, note?: string): Promise<IncidentView>;
  notifyCitizens(id: string, by: By): Promise<IncidentView>;
  close(id: string, by: By, note: string): Promise<IncidentView>;
}

export interface IncidentServiceDeps {
  readonly db: Kysely<MonitorResponseTables>;
  readonly outbox: ResponseOutbox;
  readonly registry: ResponseRegistry;
  readonly accessedBy: AccessedBy;
  readonly cases?: ResponseCases;
  readonly measures?: MeasuresOf;
  readonly clock?: Clock;
  /**
   * Days moved by decree per jurisdiction code (the configuration's `breachTransfers`), applied to
   * the business-day clock when an incident is opened. Default none.
   */
  readonly breachTransfers?: Readonly<Record<string, DayTransfers>>;
  /** Citizens notified per transaction. Default 500. */
  readonly pageSize?: number;
  readonly log?: { error(obj: object, msg: string): void };
}

const MAX_WINDOW_MS = 366 * 86_400_000;
/**
 * An incident opened from a case looks back this far before the case's earliest alert or event:
 * a correlation fires on its last event, so the accesses that led to it came before (the default
 * pack's counting windows are at most a day).
 */
export const CASE_LOOKBACK_MS = 86_400_000;

function noticeText(n: Omit<IncidentNotice, 'text'>): Labels {
  const operator = n.operatorName;
  const system = n.systemName ?? n.systemId;
  const categories = n.categories.length > 0 ? n.categories.join(', ') : '—';
  return {
    kk: `Дербес деректердің қауіпсіздігі бұзылғаны туралы хабарлама (${n.incidentId}). Оператор: ${operator?.kk ?? n.operatorId}; ақпараттық жүйе: ${system}. Анықталған уақыты: ${n.detectedAt}. Кезең: ${n.windowFrom} — ${n.windowTo}. Зардап шеккен субъектілер саны: ${n.affectedCount}. Деректер санаттары: ${categories}. Қабылданған шаралар: ${n.measures.length}.`,
    ru: `Уведомление о нарушении безопасности персональных данных (${n.incidentId}). Оператор: ${operator?.ru ?? n.operatorId}; информационная система: ${system}. Обнаружено: ${n.detectedAt}. Период: ${n.windowFrom} — ${n.windowTo}. Число затронутых субъектов: ${n.affectedCount}. Категории данных: ${categories}. Принятые меры: ${n.measures.length}.`,
    en: `Notice of a personal data breach (${n.incidentId}). Operator: ${operator?.en ?? n.operatorId}; information system: ${system}. Detected: ${n.detectedAt}. Window: ${n.windowFrom} to ${n.windowTo}. Data subjects affected: ${n.affectedCount}. Data categories: ${categories}. Measures taken: ${n.measures.length}.`,
  };
}

/**
 * The title of an incident opened without one, in English as the API's other titles: what
 * happened (a personal data breach) and where — the operator by its registry name (its id when
 * the registry has none) and the system by its name. Clients compose their own wording of the
 * same facts (`titleComposed`).
 */
export function composedTitle(system: SystemFacts): string {
  return `Personal data breach at ${system.operatorName?.en ?? system.operatorId} (${system.name})`;
}

const isoOrThrow = (value: string, field: string): string => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(value))
    throw new DomainError('monitor.invalid_incident', `${field}: not an ISO 8601 date-time.`, {
      field,
    });
  return new Date(ms).toISOString();
};

export function createIncidentService(deps: IncidentServiceDeps): IncidentService {
  const { db, outbox } = deps;
  const clock = deps.clock ?? (() => new Date());
  const pageSize = deps.pageSize ?? 500;

  async function requireRow(id: string): Promise<MonitorIncidentsTable> {
    const row = await db
      .selectFrom('monitor_incidents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new DomainError('monitor.incident_not_found', `No incident ${shown(id)}.`);
    return row;
  }

  async function systemOf(systemId: string): Promise<SystemFacts> {
    const system = await deps.registry.systemOf(systemId);
    if (!system)
      throw new DomainError(
        'monitor.system_not_found',
        `There is no information system ${shown(systemId)}.`,
      );
    return system;
  }

  function jurisdiction(code: string | undefined): Jurisdiction {
    const found = jurisdictionOf(code ?? DEFAULT_JURISDICTION);
    if (!found)
      throw new DomainError('monitor.invalid_incident', `Unknown jurisdiction ${code ?? ''}.`, {
        field: 'jurisdiction',
      });
    return withTransfers(found, deps.breachTransfers);
  }

  async function countAffected(systemId: string, from: string, to: string): Promise<number> {
    let count = 0;
    let after: string | undefined;
    for (;;) {
      const page = await deps.accessedBy(systemId, from, to, {
        ...(after ? { after } : {}),
        limit: 1000,
      });
      count += page.subjects.length;
      if (!page.next) return count;
      after = page.next;
    }
  }

  async function view(row: MonitorIncidentsTable): Promise<IncidentView> {
    const now = clock();
    const code = row.jurisdiction;
    const found = jurisdictionOf(code);
    const system = await deps.registry.systemOf(row.system_id);
    const measures = deps.measures ? await deps.measures(row.system_id) : [];
    const sent = row.notice_json ? (JSON.parse(row.notice_json) as IncidentNotice) : null;
    const base = {
      authority: found?.authority ?? { kk: code, ru: code, en: code },
      jurisdiction: code,
      incidentId: row.id,
      operatorId: row.operator_id,
      ...(system?.operatorName ? { operatorName: system.operatorName } : {}),
      systemId: row.system_id,
      ...(system ? { systemName: system.name } : {}),
      detectedAt: row.detected_at,
      windowFrom: row.window_from,
      windowTo: row.window_to,
      affectedCount: row.affected_count,
      categories: system ? [...system.categories] : [],
      measures: [...measures],
    };
    const notice: IncidentNotice = sent ?? { ...base, text: noticeText(base) };
    const deadline = Date.parse(row.notify_by);
    const notifiedAt = row.authority_notified_at ? Date.parse(row.authority_notified_at) : null;
    const status: ClockStatus =
      notifiedAt !== null
        ? notifiedAt <= deadline
          ? 'met'
          : 'missed'
        : now.getTime() <= deadline
          ? 'running'
          : 'overdue';
    return {
      id: row.id,
      title: row.title,
      titleComposed: row.title_composed === 1,
      state: row.state,
      caseId: row.case_id,
      systemId: row.system_id,
      operatorId: row.operator_id,
      windowFrom: row.window_from,
      windowTo: row.window_to,
      detectedAt: row.detected_at,
      jurisdiction: code,
      notifyBy: row.notify_by,
      clock: {
        notifyBy: row.notify_by,
        remainingMs: deadline - (notifiedAt ?? now.getTime()),
        status,
      },
      affectedCount: row.affected_count,
      authorityNotifiedAt: row.authority_notified_at,
      authorityNotifiedBy: row.authority_notified_by,
      notice,
      citizensNotified: row.citizens_notified,
      citizensNotifiedAt: row.citizens_notified_at,
      openedAt: row.opened_at,
      openedBy: row.opened_by,
      closedAt: row.closed_at,
      closedBy: row.closed_by,
      closeNote: row.close_note,
    };
  }

  async function commit(
    work: (trx: Kysely<MonitorResponseTables>, at: string) => Promise<ResponseOutboxItem[]>,
  ): Promise<void> {
    const at = clock().toISOString();
    const items = await db.transaction().execute(async (trx) => {
      const made = await work(trx, at);
      await outbox.enqueue(trx, made);
      return made;
    });
    if (items.length > 0)
      await outbox.sequence(items.map((i) => i.id)).catch((error: unknown) => {
        deps.log?.error(
          { err: error },
          'incident step not yet in the ledger; it stays in the outbox',
        );
      });
  }

  const step = (id: string, type: string, record: JsonObject): ResponseOutboxItem => ({
    id,
    type,
    record,
  });

  function requireOpen(row: MonitorIncidentsTable): void {
    if (row.state !== 'open')
      throw new DomainError('monitor.incident_state', `The incident ${row.id} is closed.`, {
        state: row.state,
      });
  }

  return {
    async open(input, by) {
      const given = input.title;
      if (given !== undefined) {
        refuseIdentifier('title', given);
        if (given.trim().length === 0)
          throw new DomainError(
            'monitor.invalid_incident',
            'title: a title, if given, is not blank (leave it out to have one composed).',
            { field: 'title' },
          );
      }
      const rule = jurisdiction(input.jurisdiction);
      const now = clock();
      let systemId: string;
      let caseId: string | null = null;
      let windowFrom: string;
      let windowTo: string;
      let detectedAt: string;
      if ('caseId' in input) {
        const found = deps.cases ? await deps.cases.get(input.caseId) : null;
        if (!found)
          throw new DomainError('monitor.case_not_found', `No case ${shown(input.caseId)}.`);
        if (!found.system)
          throw new DomainError(
            'monitor.invalid_incident',
            `The case ${input.caseId} names no information system; open the incident with systemId and a window.`,
            { field: 'caseId' },
          );
        caseId = found.id;
        systemId = found.system;
        const times = [...found.times, found.openedAt]
          .map((t) => Date.parse(t))
          .filter((t) => !Number.isNaN(t));
        const earliest = Math.min(...times);
        // Detected when the case opened; the window runs from a day before its earliest alert or
        // event to now.
        detectedAt = new Date(Date.parse(found.openedAt)).toISOString();
        windowFrom = input.windowFrom
          ? isoOrThrow(input.windowFrom, 'windowFrom')
          : new Date(earliest - CASE_LOOKBACK_MS).toISOString();
        // [from, to): up to and including now.
        windowTo = input.windowTo
          ? isoOrThrow(input.windowTo, 'windowTo')
          : new Date(now.getTime() + 1).toISOString();
      } else {
        systemId = input.systemId;
        windowFrom = isoOrThrow(input.windowFrom, 'windowFrom');
        windowTo = isoOrThrow(input.windowTo, 'windowTo');
        detectedAt = input.detectedAt
          ? isoOrThrow(input.detectedAt, 'detectedAt')
          : now.toISOString();
      }
      if (windowFrom >= windowTo)
        throw new DomainError(
          'monitor.invalid_incident',
          'windowTo: the window ends after it starts.',
          {
            field: 'windowTo',
          },
        );
      if (Date.parse(windowTo) - Date.parse(windowFrom) > MAX_WINDOW_MS)
        throw new DomainError(
          'monitor.invalid_incident',
          'windowFrom: a window spans at most 366 days.',
          {
            field: 'windowFrom',
          },
        );
      if (detectedAt > now.toISOString())
        throw new DomainError('monitor.invalid_incident', 'detectedAt: not in the future.', {
          field: 'detectedAt',
        });
      const system = await systemOf(systemId);
      const affected = await countAffected(systemId, windowFrom, windowTo);
      const notifyBy = notificationDeadline(new Date(detectedAt), rule.clock).toISOString();
      const id = newId('inc', now.getTime());
      await commit(async (trx, at) => {
        const row: MonitorIncidentsTable = {
          id,
          title: given !== undefined ? given.trim() : composedTitle(system),
          title_composed: given !== undefined ? 0 : 1,
          case_id: caseId,
          system_id: systemId,
          operator_id: system.operatorId,
          window_from: windowFrom,
          window_to: windowTo,
          detected_at: detectedAt,
          jurisdiction: rule.code,
          notify_by: notifyBy,
          state: 'open',
          affected_count: affected,
          authority_notified_at: null,
          authority_notified_by: null,
          notice_json: null,
          citizens_cursor: null,
          citizens_notified: 0,
          citizens_notified_at: null,
          opened_at: at,
          opened_by: by,
          closed_at: null,
          closed_by: null,
          close_note: null,
        };
        await trx.insertInto('monitor_incidents').values(row).execute();
        return [
          step(id, 'monitor.incident.opened', {
            incident: id,
            ...(caseId ? { case: caseId } : {}),
            system: systemId,
            operator: system.operatorId,
            windowFrom,
            windowTo,
            detectedAt,
            jurisdiction: rule.code,
            notifyBy,
            affected,
            by,
            at,
          }),
        ];
      });
      return view(await requireRow(id));
    },

    async get(id) {
      return view(await requireRow(id));
    },

    async list(filter) {
      let q = db.selectFrom('monitor_incidents').selectAll();
      if (filter.state) q = q.where('state', '=', filter.state);
      if (filter.caseId) q = q.where('case_id', '=', filter.caseId);
      if (filter.after) q = q.where('id', '<', filter.after);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(filter.limit + 1)
        .execute();
      const page = rows.slice(0, filter.limit);
      return {
        items: await Promise.all(page.map(view)),
        nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },

    async affected(id, page) {
      const row = await requireRow(id);
      const found = await deps.accessedBy(row.system_id, row.window_from, row.window_to, page);
      return { subjects: found.subjects, nextCursor: found.next };
    },

    async notifyAuthority(id, by, note) {
      if (note) refuseIdentifier('note', note);
      const row = await requireRow(id);
      requireOpen(row);
      if (row.authority_notified_at)
        throw new DomainError(
          'monitor.incident_state',
          `The authorised body was notified of ${id} at ${row.authority_notified_at}.`,
          { authorityNotifiedAt: row.authority_notified_at },
        );
      const prefilled = (await view(row)).notice;
      const notice: IncidentNotice = { ...prefilled, ...(note ? { note } : {}) };
      await commit(async (trx, at) => {
        const updated = await trx
          .updateTable('monitor_incidents')
          .set({
            authority_notified_at: at,
            authority_notified_by: by,
            notice_json: JSON.stringify(notice),
          })
          .where('id', '=', id)
          .where('authority_notified_at', 'is', null)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0)
          throw new DomainError(
            'monitor.incident_state',
            `The authorised body was already notified of ${id}.`,
          );
        return [
          step(newId('mia', Date.parse(at)), 'monitor.incident.authority-notified', {
            incident: id,
            jurisdiction: row.jurisdiction,
            notifyBy: row.notify_by,
            inTime: at <= row.notify_by,
            affected: notice.affectedCount,
            text: notice.text.en,
            by,
            at,
          }),
        ];
      });
      return view(await requireRow(id));
    },

    async notifyCitizens(id, by) {
      const row = await requireRow(id);
      requireOpen(row);
      if (row.citizens_notified_at)
        throw new DomainError(
          'monitor.incident_state',
          `The affected citizens were notified of ${id} at ${row.citizens_notified_at}.`,
          { citizensNotifiedAt: row.citizens_notified_at },
        );
      let cursor = row.citizens_cursor;
      let notified = row.citizens_notified;
      for (;;) {
        const page = await deps.accessedBy(row.system_id, row.window_from, row.window_to, {
          ...(cursor ? { after: cursor } : {}),
          limit: pageSize,
        });
        const last = page.subjects.at(-1) ?? null;
        const done = page.next === null;
        const before = cursor;
        await commit(async (trx, at) => {
          // Claims the page: a concurrent run that read the same cursor loses here.
          const claimed = await trx
            .updateTable('monitor_incidents')
            .set({
              citizens_cursor: last ?? before,
              citizens_notified: notified + page.subjects.length,
              ...(done ? { citizens_notified_at: at } : {}),
            })
            .where('id', '=', id)
            .where('citizens_notified_at', 'is', null)
            .where((eb) =>
              before === null
                ? eb('citizens_cursor', 'is', null)
                : eb('citizens_cursor', '=', before),
            )
            .executeTakeFirst();
          if (Number(claimed.numUpdatedRows) === 0)
            throw new DomainError(
              'monitor.incident_state',
              `Citizens of ${id} are being notified by another request.`,
            );
          return page.subjects.map((subject, i) => {
            const itemId = newId('brn', Date.parse(at));
            const data: JsonObject = {
              subject,
              incidentId: id,
              system: row.system_id,
              operator: row.operator_id,
              windowFrom: row.window_from,
              windowTo: row.window_to,
              detectedAt: row.detected_at,
            };
            return {
              id: itemId,
              type: 'breach.notified',
              record: { ...data, seq: notified + i + 1, by, at },
              event: { id: itemId, type: 'breach.notified', at, data },
            };
          });
        });
        notified += page.subjects.length;
        cursor = last ?? before;
        if (done) break;
      }
      return view(await requireRow(id));
    },

    async close(id, by, note) {
      refuseIdentifier('note', note);
      const row = await requireRow(id);
      requireOpen(row);
      await commit(async (trx, at) => {
        const updated = await trx
          .updateTable('monitor_incidents')
          .set({ state: 'closed', closed_at: at, closed_by: by, close_note: note })
          .where('id', '=', id)
          .where('state', '=', 'open')
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0)
          throw new DomainError('monitor.incident_state', `The incident ${id} is closed.`);
        return [
          step(newId('mic', Date.parse(at)), 'monitor.incident.closed', { incident: id, by, at }),
        ];
      });
      return view(await requireRow(id));
    },
  };
}
