/**
 * Alerts, cases and rules for staff: reads, state changes (open → acknowledged → closed as a true
 * or false positive, with an assignee and a history), the rule list with each rule's hits and its
 * shadow / active switch (recorded in the ledger through the outbox), and the live feed.
 *
 * The live feed reaches every instance: a change made here is pushed at once, and while anyone
 * listens the service also looks for alerts changed by other instances (the evaluator may run
 * elsewhere) every `livePollMs`; each version of an alert is sent once.
 */
import { DomainError } from '../core/errors.js';
import { decodeInstantCursor, encodeInstantCursor } from '../core/cursors.js';
import { isId, ulid } from '../core/ids.js';
import { createEngine, toByteString } from '../scan/index.js';
import type {
  AlertFilter,
  AlertRecord,
  AlertsStore,
  CaseFilter,
  CaseRecord,
  ChangeResult,
  HistoryEntry,
  PageCursor,
  StateChange,
  TimelineEntry,
} from './alerts.store.js';
import type { EnqueueOutbox, MonitorStore, ParkedRecord, RuleMode } from './monitor.store.js';
import type { Level, RuleResponse } from './rule.model.js';
import type { RuleCatalog, RuleOrigin } from './rule-versions.js';

export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  readonly level: Level;
  readonly kind: 'detection' | 'correlation';
  readonly mode: RuleMode;
  readonly hits: number;
  readonly suppressed: number;
  readonly lastHitAt: string | null;
  readonly responses: RuleResponse[];
  readonly modeChange: { reason: string; changedBy: string; changedAt: string } | null;
  /** 0: the shipped file; 1, 2, 3…: the regulator's stored versions. */
  readonly version: number;
  readonly source: RuleOrigin;
  readonly contentHash: string | null;
  readonly enabled: boolean;
  /** In the engine now: enabled and accepted (else `problems` say why). */
  readonly loaded: boolean;
  readonly problems: string[];
  readonly versionChange: { by: string; at: string; reason: string } | null;
  readonly stateChange: {
    enabled: boolean;
    changedBy: string;
    changedAt: string;
    reason: string;
  } | null;
}

export type LiveEvent = { readonly kind: 'alert' | 'alert-updated'; readonly alert: AlertRecord };

export interface AlertsServiceDeps {
  readonly alerts: AlertsStore;
  readonly store: MonitorStore;
  /** The rules in force: shipped files and the regulator's stored versions. */
  readonly catalog: Pick<RuleCatalog, 'current'>;
  readonly enqueue: EnqueueOutbox;
  /** After commit: appends the rule switch to the ledger (the drain finishes it otherwise). */
  readonly sequence: (ids: readonly string[]) => Promise<unknown>;
  /** The evaluator rebuilds its engine with the new modes. */
  readonly modesChanged: () => void;
  readonly clock: () => Date;
  readonly livePollMs?: number;
}

export interface AlertsService {
  listAlerts(
    filter: AlertFilter,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: AlertRecord[]; next: string | null }>;
  getAlert(id: string): Promise<{ alert: AlertRecord; history: HistoryEntry[] }>;
  changeAlert(id: string, change: StateChange): Promise<AlertRecord>;
  listCases(
    filter: CaseFilter,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: CaseRecord[]; next: string | null }>;
  getCase(
    id: string,
  ): Promise<{ case: CaseRecord; alerts: AlertRecord[]; timeline: TimelineEntry[] }>;
  changeCase(id: string, change: StateChange): Promise<CaseRecord>;
  listRules(): Promise<RuleInfo[]>;
  setRuleMode(ruleId: string, mode: RuleMode, reason: string, by: string): Promise<RuleInfo>;
  /** The modes in force (stored switches over the files' `shadow`). */
  modes(): Promise<ReadonlyMap<string, RuleMode>>;
  parked(
    after: number,
    limit: number,
  ): Promise<{ items: ParkedRecord[]; total: number; next: number | null }>;
  /** A new alert stored by the evaluator on this instance. */
  published(alert: AlertRecord): void;
  /** Live alerts and alert changes; returns the unsubscribe function. */
  listen(listener: (event: LiveEvent) => void): () => void;
  stop(): void;
}

const iinEngine = createEngine({ types: ['iin'] });

/** Free text goes to the history and (for a rule switch) the ledger: never with an IIN. */
export function refuseIin(field: string, text: string | undefined): void {
  if (
    text &&
    /\d/.test(text) &&
    iinEngine.detect(toByteString(text)).some((finding) => finding.type === 'iin')
  )
    throw new DomainError(
      'request.validation',
      `${field}: the text contains an IIN; describe it without personal identifiers.`,
      { field },
    );
}

/**
 * An alert's id is its rule's id and its event's (`self-access:chk_…`, engine.ts): a rule id, a
 * colon and 1 to 200 characters, none of them U+0000 (which no engine stores).
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be refused
const ALERT_ID = /^[a-z0-9][a-z0-9._-]{0,99}:[^\u0000]{1,200}$/;
const isAlertId = (id: string) => ALERT_ID.test(id);
const isCaseId = (id: string) => isId(id, 'case');

/** Only what `pageOf` writes: an exact instant and an id of the list's kind, else a 400. */
function decodeCursor(
  text: string | undefined,
  isRecordId: (id: string) => boolean,
): PageCursor | undefined {
  return text === undefined ? undefined : decodeInstantCursor(text, isRecordId);
}

/**
 * A page of at most `limit` from the `limit + 1` records read (newest first): the cursor of the
 * next page, at the last one's `at`, when there is more.
 */
function pageOf<T extends { readonly id: string }>(
  read: T[],
  limit: number,
  at: (record: T) => string,
): { items: T[]; next: string | null } {
  const items = read.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    next: read.length > limit && last ? encodeInstantCursor({ at: at(last), id: last.id }) : null,
  };
}

function refusal(
  reason: 'not_found' | 'invalid_transition',
  kind: 'alert' | 'case',
  state?: string,
) {
  if (reason === 'not_found')
    return kind === 'alert'
      ? new DomainError('monitor.alert_not_found', 'No alert has that id.')
      : new DomainError('monitor.case_not_found', 'No case has that id.');
  return new DomainError(
    'monitor.invalid_transition',
    `The ${kind} is ${state ?? 'in another state'}; that change is not possible from there.`,
    { state },
  );
}

/** How often the live feed, while anyone listens, looks for alerts other instances stored or changed. */
export const LIVE_POLL_MS = 500;

export function createAlertsService(deps: AlertsServiceDeps): AlertsService {
  const listeners = new Set<(event: LiveEvent) => void>();
  /** The version (updatedAt) of each alert last sent, so nothing is sent twice. */
  const sent = new Map<string, string>();
  let pollCursor: string | null = null;
  let poller: NodeJS.Timeout | null = null;
  let polling = false;
  const livePollMs = deps.livePollMs ?? LIVE_POLL_MS;

  function emit(alert: AlertRecord): void {
    if (sent.get(alert.id) === alert.updatedAt) return;
    sent.set(alert.id, alert.updatedAt);
    if (sent.size > 10_000) sent.delete(sent.keys().next().value!);
    const event: LiveEvent = {
      kind: alert.createdAt === alert.updatedAt ? 'alert' : 'alert-updated',
      alert,
    };
    for (const listener of [...listeners]) listener(event);
  }

  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      const since = pollCursor ?? deps.clock().toISOString();
      pollCursor ??= since;
      const changed = await deps.alerts.changedSince(since, 200);
      for (const alert of changed) {
        emit(alert);
        if (alert.updatedAt > (pollCursor ?? '')) pollCursor = alert.updatedAt;
      }
    } catch {
      // The next poll tries again; the feed is best effort on top of the stored alerts.
    } finally {
      polling = false;
    }
  }

  /**
   * A change of an alert's or a case's state (the same lifecycle): free text without an IIN, and
   * a change the store refused answered as a problem.
   */
  async function transition<T>(
    kind: 'alert' | 'case',
    change: StateChange,
    apply: (now: string) => Promise<ChangeResult<T>>,
  ): Promise<T> {
    if (change.action === 'close') refuseIin('note', change.note);
    if (change.action === 'assign') refuseIin('assignee', change.assignee);
    const result = await apply(deps.clock().toISOString());
    if (!result.ok) throw refusal(result.reason, kind, result.state);
    return result.record;
  }

  async function modes(): Promise<ReadonlyMap<string, RuleMode>> {
    const stored = await deps.store.ruleModes();
    const set = await deps.catalog.current();
    const result = new Map<string, RuleMode>();
    for (const { rule } of set.entries) {
      const switched = stored.get(rule.id);
      result.set(rule.id, switched?.mode ?? (rule.shadow ? 'shadow' : 'active'));
    }
    return result;
  }

  async function listRules(): Promise<RuleInfo[]> {
    const [stored, hits, set] = await Promise.all([
      deps.store.ruleModes(),
      deps.alerts.hits(),
      deps.catalog.current(),
    ]);
    return set.entries.map((entry) => {
      const { rule } = entry;
      const switched = stored.get(rule.id);
      const hit = hits.get(rule.id);
      return {
        id: rule.id,
        title: rule.title,
        level: rule.level,
        kind: rule.kind,
        mode: switched?.mode ?? (rule.shadow ? 'shadow' : 'active'),
        hits: hit?.alerts ?? 0,
        suppressed: hit?.suppressed ?? 0,
        lastHitAt: hit?.lastAt ?? null,
        responses: [...rule.responses],
        modeChange: switched
          ? {
              reason: switched.reason,
              changedBy: switched.changedBy,
              changedAt: switched.changedAt,
            }
          : null,
        version: entry.version,
        source: entry.source,
        contentHash: entry.contentHash,
        enabled: entry.enabled,
        loaded: entry.loaded,
        problems: [...entry.problems],
        versionChange: entry.versionChange,
        stateChange: entry.stateChange,
      };
    });
  }

  return {
    async listAlerts(filter, cursor, limit) {
      const read = await deps.alerts.list(filter, decodeCursor(cursor, isAlertId), limit + 1);
      return pageOf(read, limit, (alert) => alert.createdAt);
    },

    async getAlert(id) {
      const alert = await deps.alerts.get(id);
      if (!alert) throw refusal('not_found', 'alert');
      return { alert, history: await deps.alerts.history('alert', id) };
    },

    async changeAlert(id, change) {
      const alert = await transition('alert', change, (now) => deps.alerts.change(id, change, now));
      emit(alert);
      return alert;
    },

    async listCases(filter, cursor, limit) {
      const read = await deps.alerts.listCases(filter, decodeCursor(cursor, isCaseId), limit + 1);
      return pageOf(read, limit, (record) => record.updatedAt);
    },

    async getCase(id) {
      const found = await deps.alerts.getCase(id);
      if (!found) throw refusal('not_found', 'case');
      const [alerts, timeline] = await Promise.all([
        deps.alerts.list({ caseId: id }, undefined, 500),
        deps.alerts.timeline(id),
      ]);
      return { case: found, alerts, timeline };
    },

    async changeCase(id, change) {
      return transition('case', change, (now) => deps.alerts.changeCase(id, change, now));
    },

    listRules,

    async setRuleMode(ruleId, mode, reason, by) {
      const rule = (await deps.catalog.current()).entries.find((e) => e.id === ruleId);
      if (!rule) throw new DomainError('monitor.rule_not_found', 'No loaded rule has that id.');
      refuseIin('reason', reason);
      const now = deps.clock();
      const ledgerId = `mrm_${ulid(now.getTime())}`;
      const changedAt = now.toISOString();
      await deps.store.setRuleMode(
        { ruleId, mode, reason, changedBy: by, changedAt, ledgerId },
        {
          id: ledgerId,
          type: 'monitor.rule-mode',
          record: { ruleId, mode, reason, changedBy: by, at: changedAt },
        },
        deps.enqueue,
      );
      await deps.sequence([ledgerId]);
      deps.modesChanged();
      const info = (await listRules()).find((r) => r.id === ruleId);
      if (!info) throw new DomainError('monitor.rule_not_found', 'No loaded rule has that id.');
      return info;
    },

    modes,

    async parked(after, limit) {
      const [items, total] = await Promise.all([
        deps.store.parked(after, limit + 1),
        deps.store.parkedCount(),
      ]);
      const page = items.slice(0, limit);
      return {
        items: page,
        total,
        next: items.length > limit ? (page[page.length - 1]?.seq ?? null) : null,
      };
    },

    published(alert) {
      emit(alert);
    },

    listen(listener) {
      listeners.add(listener);
      if (!poller) {
        pollCursor = deps.clock().toISOString();
        poller = setInterval(() => void poll(), livePollMs);
        poller.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && poller) {
          clearInterval(poller);
          poller = null;
        }
      };
    },

    stop() {
      listeners.clear();
      if (poller) clearInterval(poller);
      poller = null;
    },
  };
}
