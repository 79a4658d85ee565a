import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getText } from '../../api/http';
import { ErrorMessage } from '../../components/error-message';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useLoad } from '../../hooks/use-load';
import {
  type StreamedNotification,
  useNotificationStream,
} from '../../hooks/use-notification-stream';
import { formatDate } from '../../i18n/dates';
import { isLanguage } from '../../i18n/languages';
import { parseVerifierKey, type VerifierKey } from '../../ledger/checkpoint';
import {
  type Access,
  type AccessFilter,
  accessesCsv,
  fetchAccesses,
  fetchAllAccesses,
} from './accesses-api';
import { type AccessCheck, verifyAccessOnce } from './verify-access';
import { type TaxonomyLabels, useTaxonomyLabels } from '../../hooks/use-taxonomy-labels';
import { saveFile } from '../../components/save-file';

// A page of records a reader takes in; older ones a press away. Each page is one API call, so the
// page stays as quick with 10,000 records as with 100 (bench/web/timeline.bench.ts).
const PAGE_SIZE = 25;
/** Typing that pauses this long is searched; keys closer together wait for the pause. */
const SEARCH_PAUSE_MS = 300;

/** A registry name in the reader's language (English when the language has none). */
function nameIn(name: { kk: string; ru: string; en: string }, lang: string): string {
  return lang === 'kk' || lang === 'ru' ? name[lang] : name.en;
}

const loadKey = async (signal: AbortSignal) =>
  parseVerifierKey(await getText('/ledger/vkey', signal));

/**
 * The verified mark, computed in this browser from the record, its salt and its proof — once the
 * record comes near the screen, so a long page costs only the checks of what is looked at.
 */
function Verified({
  access,
  keyLoad,
}: {
  readonly access: Access;
  readonly keyLoad: VerifierKey | undefined;
}) {
  const { t } = useTranslation();
  const mark = useRef<HTMLSpanElement>(null);
  const [near, setNear] = useState(false);
  const [check, setCheck] = useState<AccessCheck>();
  useEffect(() => {
    const element = mark.current;
    if (near || !element) return;
    if (typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setNear(true);
      },
      { rootMargin: '400px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [near]);
  useEffect(() => {
    if (!access.receipt || !keyLoad || !near) return;
    let live = true;
    void verifyAccessOnce(access, keyLoad).then((result) => {
      if (live) setCheck(result);
    });
    return () => {
      live = false;
    };
  }, [access, keyLoad, near]);
  if (!access.receipt)
    return (
      <span ref={mark} className="badge badge-loading">
        {t('accesses.pending')}
      </span>
    );
  if (!check)
    return (
      <span ref={mark} className="badge badge-loading">
        {t('accesses.verifying')}
      </span>
    );
  if (check.ok)
    return (
      <span ref={mark} className="badge badge-done" data-verified="true">
        {t('accesses.verified')}
      </span>
    );
  const why =
    check.failure === 'mismatch'
      ? t('accesses.failure.mismatch', { field: t(`accesses.field.${check.field ?? 'checkId'}`) })
      : t(`accesses.failure.${check.failure}`);
  return (
    <span
      ref={mark}
      className="badge badge-failed"
      data-verified="false"
      data-failure={check.failure}
      {...(check.field ? { 'data-field': check.field } : {})}
    >
      {t('accesses.notVerified', { why })}
    </span>
  );
}

/** The basis the decision rested on, as committed: its kind and the reference it names. */
function basisText(a: Access, labels: TaxonomyLabels): string {
  const kind = labels.basis(a.basis?.kind ?? a.legalBasis);
  const reference = a.basis?.reference ?? a.basis?.groundReference ?? a.basisReference;
  return reference ? `${kind} — ${reference}` : kind;
}

const ACTIONS = ['read', 'search', 'export', 'transfer'] as const;
const isAction = (action: string): action is (typeof ACTIONS)[number] =>
  (ACTIONS as readonly string[]).includes(action);

interface Loaded {
  readonly items: Access[];
  readonly next: string | null;
}

/** One record of the timeline; rendered again only when its record, the key or language change. */
const AccessCard = memo(function AccessCard({
  access: a,
  keyLoad,
  lang,
}: {
  readonly access: Access;
  readonly keyLoad: VerifierKey | undefined;
  readonly lang: string;
}) {
  const { t } = useTranslation();
  const labels = useTaxonomyLabels();
  return (
    <li className="panel card" data-check={a.checkId} data-decision={a.decision}>
      <div className="card-head">
        <time dateTime={a.at}>{formatDate(a.at, lang, 'shortDateTime')}</time>
        <span className={`badge ${a.decision === 'permit' ? 'badge-done' : 'badge-failed'}`}>
          {a.decision === 'permit' ? t('accesses.permit') : t('accesses.deny')}
        </span>
        <Verified access={a} keyLoad={keyLoad} />
      </div>
      <dl className="facts">
        <div>
          <dt>{t('accesses.operator')}</dt>
          <dd>
            {a.operatorName || a.systemName ? (
              <>
                {a.operatorName ? nameIn(a.operatorName, lang) : <code>{a.operatorId}</code>} ·{' '}
                {a.systemName ?? <code>{a.systemId}</code>}
                <br />
                <small className="muted">
                  <code>{a.operatorId}</code> · <code>{a.systemId}</code>
                </small>
              </>
            ) : (
              <>
                <code>{a.operatorId}</code> · <code>{a.systemId}</code>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('accesses.action')}</dt>
          <dd>{isAction(a.action) ? t(`accesses.actions.${a.action}`) : a.action}</dd>
        </div>
        <div>
          <dt>{t('consent.purposes')}</dt>
          <dd>{labels.purpose(a.purpose)}</dd>
        </div>
        <div>
          <dt>{t('consent.categories')}</dt>
          <dd>{a.categories.map(labels.category).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('accesses.basis')}</dt>
          <dd>{basisText(a, labels)}</dd>
        </div>
        {a.recipient && (
          <div>
            <dt>{t('consent.recipients')}</dt>
            <dd>{a.recipient.name}</dd>
          </div>
        )}
        {a.country && (
          <div>
            <dt>{t('accesses.country')}</dt>
            <dd>{labels.country(a.country)}</dd>
          </div>
        )}
        {a.reasons.length > 0 && (
          <div>
            <dt>{t('accesses.reasons')}</dt>
            <dd>
              {a.reasons.map((r) => r.message[lang as keyof typeof r.message] ?? r.code).join('; ')}
            </dd>
          </div>
        )}
      </dl>
    </li>
  );
});

export function AccessesPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('accesses.documentTitle'));
  const [filter, setFilter] = useState<AccessFilter>({});
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  // The search box asks the API, which searches every record, not just this page. The first key
  // after a pause is searched at once (a pasted word answers without waiting); keys typed on are
  // searched together once the typing pauses, so each word is one request, not one per letter.
  const [search, setSearch] = useState('');
  const [searched, setSearched] = useState('');
  const typed = useRef({ at: Number.NEGATIVE_INFINITY, before: Number.NEGATIVE_INFINITY });
  useEffect(() => {
    const text = search.trim();
    if (text === searched) return;
    const { at, before } = typed.current;
    const timer = setTimeout(
      () => {
        setSearched(text);
        setCursors([undefined]);
      },
      at - before > SEARCH_PAUSE_MS ? 0 : SEARCH_PAUSE_MS,
    );
    return () => clearTimeout(timer);
  }, [search, searched]);
  const query = useMemo(
    () => (searched ? { ...filter, search: searched } : filter),
    [filter, searched],
  );
  // Reloaded when the filter or page changes, when an access about me arrives on the live stream
  // and, while a record waits for the log, every 2 s. The list shown stays until the new one is
  // there, so a refresh never blanks the page.
  const [round, setRound] = useState(0);
  const [page, setPage] = useState<
    | { readonly state: 'loading' }
    | { readonly state: 'done'; readonly value: Loaded }
    | { readonly state: 'failed'; readonly error: unknown }
  >({ state: 'loading' });
  const [busy, setBusy] = useState(true);
  useEffect(() => {
    const controller = new AbortController();
    setBusy(true);
    fetchAccesses(query, cursor, PAGE_SIZE, controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setPage({ state: 'done', value });
        setBusy(false);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setPage({ state: 'failed', error });
        setBusy(false);
      },
    );
    return () => controller.abort();
  }, [query, cursor, round]);
  const onFirstPage = cursor === undefined;
  const connected = useNotificationStream(
    useCallback(
      (n: StreamedNotification) => {
        if (n.category === 'access' && onFirstPage) setRound((r) => r + 1);
      },
      [onFirstPage],
    ),
  );
  const waiting = page.state === 'done' && page.value.items.some((a) => !a.receipt);
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setRound((r) => r + 1), 2000);
    return () => clearTimeout(timer);
  }, [waiting, round]);
  const key = useLoad(loadKey);
  const [exportError, setExportError] = useState<unknown>();
  const shown = page.state === 'done' ? page.value.items : [];
  const setFilterTo = (next: AccessFilter) => {
    setFilter(next);
    setCursors([undefined]);
  };
  const lang = i18n.resolvedLanguage ?? 'kk';
  const exportAs = async (format: 'csv' | 'json') => {
    setExportError(undefined);
    try {
      const all = await fetchAllAccesses(query);
      if (format === 'csv')
        saveFile(
          'qalqan-accesses.csv',
          accessesCsv(all, isLanguage(lang) ? lang : 'kk'),
          'text/csv',
        );
      else saveFile('qalqan-accesses.json', JSON.stringify(all, null, 2), 'application/json');
    } catch (e) {
      setExportError(e);
    }
  };
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('accesses.title')}
      </h1>
      <p className="lead">{t('accesses.intro')}</p>
      <form
        className="panel filters"
        onSubmit={(e) => e.preventDefault()}
        aria-label={t('accesses.filters')}
      >
        <label>
          {t('accesses.decision')}
          <select
            value={filter.decision ?? ''}
            onChange={(e) => {
              const { decision: _old, ...rest } = filter;
              setFilterTo(
                e.target.value ? { ...rest, decision: e.target.value as 'permit' } : rest,
              );
            }}
          >
            <option value="">{t('accesses.any')}</option>
            <option value="permit">{t('accesses.permit')}</option>
            <option value="deny">{t('accesses.deny')}</option>
          </select>
        </label>
        <label>
          {t('accesses.search')}
          <input
            type="search"
            value={search}
            maxLength={200}
            onChange={(e) => {
              typed.current = { at: performance.now(), before: typed.current.at };
              setSearch(e.target.value);
            }}
          />
        </label>
        <div className="actions">
          <button
            type="button"
            className="button button-secondary"
            onClick={() => void exportAs('csv')}
          >
            {t('accesses.exportCsv')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => void exportAs('json')}
          >
            {t('accesses.exportJson')}
          </button>
        </div>
      </form>
      {exportError !== undefined && <ErrorMessage error={exportError} />}
      <p className="muted" data-live={connected}>
        {connected ? t('accesses.live') : t('accesses.offline')}
      </p>
      {page.state === 'loading' && <p aria-live="polite">{t('portal.loading')}</p>}
      {page.state === 'failed' && <ErrorMessage error={page.error} />}
      {page.state === 'done' && shown.length === 0 && <p>{t('accesses.empty')}</p>}
      <ol className="timeline" aria-busy={busy}>
        {shown.map((a) => (
          <AccessCard
            key={a.checkId}
            access={a}
            keyLoad={key.state === 'done' ? key.value : undefined}
            lang={lang}
          />
        ))}
      </ol>
      <div className="actions">
        {cursors.length > 1 && (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            {t('accesses.newer')}
          </button>
        )}
        {page.state === 'done' && page.value.next && (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => setCursors((c) => [...c, page.value.next ?? undefined])}
          >
            {t('accesses.older')}
          </button>
        )}
      </div>
    </>
  );
}
