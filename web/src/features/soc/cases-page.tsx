import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../../app/router';
import { ErrorMessage } from '../../components/error-message';
import { useLoad } from '../../hooks/use-load';
import { ConfirmDialog } from './confirm-dialog';
import { LevelBadge, useWhen } from './format';
import { Actor, Named } from './names';
import { ResponseList } from './responses';
import {
  actOnCase,
  type Case,
  type CaseDetail,
  fetchCase,
  fetchCases,
  type Outcome,
  type TimelineEntry,
} from './soc-api';
import { SOC_PATHS } from './soc-routes';
import { caseTitle, ruleTitle } from './titles';
import { useSticky } from './use-sticky';
import { useConsoleTitle } from './console-title';
import { recordRefusals } from './detail-refusals';

/**
 * A case in the list. Its title names the actor (by the operator's own id) and the operator, as
 * the case's page does; the line under it adds only what the title lacks — the system, and the
 * actor's opaque code (the one citizens see) — rather than naming the actor a second time.
 */
export function CaseCard({ value: c }: { readonly value: Case }) {
  const { t, i18n } = useTranslation('soc');
  const when = useWhen();
  const code = c.actorId ? c.actorCode : undefined;
  return (
    <li className={`panel card soc-alert soc-alert-${c.level}`} data-case={c.id}>
      <div className="card-head">
        <h2 className="card-title">
          <Link to={SOC_PATHS.case(c.id)}>{caseTitle(t, c, i18n.resolvedLanguage)}</Link>
        </h2>
        <span className="soc-badges">
          <LevelBadge level={c.level} />
          <span className="badge">{t(`state.${c.state}`)}</span>
        </span>
      </div>
      {(c.system || code) && (
        <p className="small">
          {c.system && <Named name={c.systemName} id={c.system} />}
          {c.system && code && ' · '}
          {code && (
            <>
              {t('case.actorCode')}: <code className="soc-name">{code}</code>
            </>
          )}
        </p>
      )}
      <p className="muted small">
        {t('case.updated')} {when(c.updatedAt)} · {t('case.alerts', { count: c.alertCount })} ·{' '}
        {t('case.assignee')}: {c.assignee ?? t('case.unassigned')}
      </p>
    </li>
  );
}

export function CasesPage() {
  const { t } = useTranslation('soc');
  useConsoleTitle('cases');
  const result = useLoad(fetchCases);
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('case.listTitle')}
      </h1>
      <p>{t('case.listIntro')}</p>
      {result.state === 'loading' && <p>{t('loading')}</p>}
      {result.state === 'failed' && <ErrorMessage error={result.error} />}
      {result.state === 'done' && result.value.length === 0 && <p>{t('case.empty')}</p>}
      {result.state === 'done' && result.value.length > 0 && (
        <ul className="cards">
          {[...result.value]
            .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
            .map((c) => (
              <CaseCard key={c.id} value={c} />
            ))}
        </ul>
      )}
    </>
  );
}

type Acting = 'assign' | 'close' | undefined;

function CaseActions({
  value,
  onChanged,
}: {
  readonly value: Case;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation('soc');
  const [acting, setActing] = useState<Acting>();
  const [outcome, setOutcome] = useState<Outcome>('true-positive');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const outcomeName = useId();
  const act = async (run: () => Promise<void>) => {
    setError(undefined);
    await run();
    setDone(t('case.done'));
    onChanged();
  };
  if (value.state === 'closed') return <p role="status">{done}</p>;
  return (
    <>
      <div className="actions">
        {value.state === 'open' && (
          <button
            type="button"
            className="button button-secondary"
            onClick={() =>
              void act(() => actOnCase(value.id, { kind: 'acknowledge' })).catch(setError)
            }
          >
            {t('case.acknowledge')}
          </button>
        )}
        <button
          type="button"
          className="button button-secondary"
          onClick={() => setActing('assign')}
        >
          {t('case.assign')}
        </button>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => setActing('close')}
        >
          {t('case.close')}
        </button>
      </div>
      <p role="status" className={done ? 'notice notice-ok' : 'visually-hidden'}>
        {done}
      </p>
      {error !== undefined && <ErrorMessage error={error} />}
      {acting === 'assign' && (
        <ConfirmDialog
          title={t('case.assignTitle')}
          confirmLabel={t('case.assign')}
          reasonLabel={t('case.assigneeLabel')}
          onConfirm={(assignee) => act(() => actOnCase(value.id, { kind: 'assign', assignee }))}
          onClose={() => setActing(undefined)}
        />
      )}
      {acting === 'close' && (
        <ConfirmDialog
          title={t('case.closeTitle')}
          confirmLabel={t('case.close')}
          reasonLabel={t('case.noteLabel')}
          reasonOptional
          onConfirm={(note) =>
            act(() => actOnCase(value.id, { kind: 'close', outcome, ...(note ? { note } : {}) }))
          }
          onClose={() => setActing(undefined)}
        >
          <p>{t('case.closeBody')}</p>
          <fieldset className="soc-choice">
            <legend>{t('case.outcomeLabel')}</legend>
            {(['true-positive', 'false-positive'] as const).map((option) => (
              <label key={option} className="checkbox">
                <input
                  type="radio"
                  name={outcomeName}
                  value={option}
                  checked={outcome === option}
                  onChange={() => setOutcome(option)}
                />
                {t(`outcome.${option}`)}
              </label>
            ))}
          </fieldset>
        </ConfirmDialog>
      )}
    </>
  );
}

/** What a timeline entry says, besides its time and kind. */
function EntryText({
  entry,
  detail,
}: {
  readonly entry: TimelineEntry;
  readonly detail: CaseDetail;
}) {
  const { t } = useTranslation('soc');
  if (entry.kind === 'alert' && entry.alertId) {
    const alert = detail.alerts.find((a) => a.id === entry.alertId);
    return (
      <>
        {entry.level && <LevelBadge level={entry.level} />}{' '}
        <Link to={SOC_PATHS.alert(entry.alertId)}>
          {alert ? ruleTitle(t, alert.ruleId, alert.title) : (entry.ruleId ?? entry.alertId)}
        </Link>
      </>
    );
  }
  if (entry.kind === 'state')
    return (
      <>
        <code>{entry.action}</code>
        {entry.by && <span className="muted"> · {entry.by}</span>}
      </>
    );
  const facts = entry.detail
    ? Object.entries(entry.detail).filter(
        ([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
      )
    : [];
  return (
    <>
      {entry.eventType && <code>{entry.eventType}</code>}
      {facts.length > 0 && (
        <span className="muted small">
          {' '}
          {facts.map(([k, v]) => `${k}: ${String(v)}`).join(' · ')}
        </span>
      )}
      {entry.eventId && (
        <span className="muted small">
          {' '}
          <code>{entry.eventId}</code>
        </span>
      )}
      {!entry.eventType && facts.length === 0 && !entry.eventId && t('none')}
    </>
  );
}

export function CasePage({ id }: { readonly id: string }) {
  const { t, i18n } = useTranslation('soc');
  useConsoleTitle('case');
  const when = useWhen();
  const [round, setRound] = useState(0);
  const result = useLoad(
    useCallback((signal: AbortSignal) => fetchCase(id, signal), [id]),
    round,
  );
  const onChanged = useCallback(() => setRound((n) => n + 1), []);
  const detail = useSticky(result);
  const value = detail?.case;
  return (
    <>
      <p className="small">
        <Link to={SOC_PATHS.cases}>← {t('case.listTitle')}</Link>
      </p>
      <h1 id="page-title" tabIndex={-1}>
        {value ? caseTitle(t, value, i18n.resolvedLanguage) : t('case.title')}
      </h1>
      {result.state === 'loading' && !detail && <p>{t('loading')}</p>}
      {result.state === 'failed' && (
        <ErrorMessage error={result.error} worded={recordRefusals(t, 'case')} />
      )}
      {detail && value && (
        <>
          <section className="panel" aria-label={t('case.title')}>
            <p className="soc-badges">
              <LevelBadge level={value.level} />
              <span className="badge" data-case-state={value.state}>
                {t(`state.${value.state}`)}
              </span>
              {value.outcome && <span className="badge">{t(`outcome.${value.outcome}`)}</span>}
            </p>
            <dl className="facts">
              {(
                [
                  [
                    'actor',
                    value.actorId,
                    (id: string) => <Actor code={value.actorCode} id={id} />,
                  ],
                  [
                    'system',
                    value.system,
                    (id: string) => <Named name={value.systemName} id={id} />,
                  ],
                  [
                    'operator',
                    value.operator,
                    (id: string) => <Named name={value.operatorName} id={id} />,
                  ],
                ] as const
              ).map(([key, shown, show]) =>
                shown ? (
                  <div key={key}>
                    <dt>{t(`alert.${key}`)}</dt>
                    <dd>{show(shown)}</dd>
                  </div>
                ) : null,
              )}
              <div>
                <dt>{t('case.opened')}</dt>
                <dd>{when(value.openedAt)}</dd>
              </div>
              <div>
                <dt>{t('case.assignee')}</dt>
                <dd>{value.assignee ?? t('case.unassigned')}</dd>
              </div>
            </dl>
            <CaseActions value={value} onChanged={onChanged} />
          </section>
          <section className="panel" aria-labelledby="case-responses">
            <h2 id="case-responses">{t('response.caseTitle')}</h2>
            <ResponseList caseId={value.id} />
          </section>
          <section className="panel" aria-labelledby="case-timeline">
            <h2 id="case-timeline">{t('case.timeline')}</h2>
            {detail.timeline.length === 0 ? (
              <p>{t('case.timelineEmpty')}</p>
            ) : (
              <ol className="timeline soc-timeline">
                {detail.timeline.map((entry, index) => (
                  <li
                    key={`${entry.at}-${entry.kind}-${index}`}
                    className={`soc-entry soc-entry-${entry.kind}`}
                  >
                    <time dateTime={entry.at} className="muted small">
                      {when(entry.at)}
                    </time>{' '}
                    <strong>{t(`case.kind.${entry.kind}`)}</strong>{' '}
                    <EntryText entry={entry} detail={detail} />
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </>
  );
}
