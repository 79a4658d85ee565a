import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../../app/router';
import { ErrorMessage } from '../../components/error-message';
import { useLoad } from '../../hooks/use-load';
import { ConfirmDialog } from './confirm-dialog';
import { useDuration, useNow, useWhen } from './format';
import { Named } from './names';
import { fetchIncident, fetchIncidents, type Incident, notifyAuthority } from './soc-api';
import { useStaff } from './soc-session';
import { useSticky } from './use-sticky';
import { SOC_PATHS } from './soc-routes';
import { useConsoleTitle } from './console-title';
import { recordRefusals } from './detail-refusals';
import { incidentTitle } from './titles';

/** The notification clock: time left until the authorised body must be told, or how late it is. */
export function BreachClock({ incident }: { readonly incident: Incident }) {
  const { t } = useTranslation('soc');
  const when = useWhen();
  const duration = useDuration();
  const now = useNow();
  if (incident.authorityNotifiedAt)
    return (
      <p className="soc-clock soc-clock-done" data-clock="notified">
        {t('incident.notified', { time: when(incident.authorityNotifiedAt) })}
      </p>
    );
  const left = Date.parse(incident.notifyBy) - now;
  return (
    <p
      className={`soc-clock ${left < 0 ? 'soc-clock-overdue' : left < 4 * 3_600_000 ? 'soc-clock-soon' : ''}`}
      data-clock={left < 0 ? 'overdue' : 'running'}
    >
      <span className="soc-clock-label">{t('incident.notifyBy')}</span>{' '}
      <time dateTime={incident.notifyBy}>{when(incident.notifyBy)}</time>
      <br />
      <strong>
        {left < 0
          ? t('incident.overdue', { time: duration(left) })
          : t('incident.remaining', { time: duration(left) })}
      </strong>
    </p>
  );
}

export function IncidentsPage() {
  const { t, i18n } = useTranslation('soc');
  useConsoleTitle('incidents');
  const result = useLoad(fetchIncidents);
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('incident.listTitle')}
      </h1>
      <p>{t('incident.listIntro')}</p>
      {result.state === 'loading' && <p>{t('loading')}</p>}
      {result.state === 'failed' && <ErrorMessage error={result.error} />}
      {result.state === 'done' && result.value.length === 0 && <p>{t('incident.empty')}</p>}
      {result.state === 'done' && result.value.length > 0 && (
        <ul className="cards">
          {[...result.value]
            .sort((a, b) => a.notifyBy.localeCompare(b.notifyBy))
            .map((incident) => (
              <li key={incident.id} className="panel card" data-incident={incident.state}>
                <div className="card-head">
                  <h2 className="card-title">
                    <Link to={SOC_PATHS.incident(incident.id)}>
                      {incidentTitle(t, incident, i18n.resolvedLanguage)}
                    </Link>
                  </h2>
                  <span className="badge">{t(`incident.state.${incident.state}`)}</span>
                </div>
                <p className="small">
                  <Named name={incident.systemName} id={incident.systemId} /> ·{' '}
                  {t('incident.affected', { count: incident.affectedCount })}
                </p>
                {incident.state === 'open' && <BreachClock incident={incident} />}
              </li>
            ))}
        </ul>
      )}
    </>
  );
}

/** The prefilled notice, in the reader's language, and the action that sends it (analysts). */
function Notice({
  incident,
  onSent,
}: {
  readonly incident: Incident;
  readonly onSent: () => void;
}) {
  const { t, i18n } = useTranslation('soc');
  const { view } = useStaff();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState('');
  const language = (i18n.resolvedLanguage ?? 'en') as 'kk' | 'ru' | 'en';
  const text = incident.notice?.text?.[language];
  const mayNotify = view.status === 'ready' && view.signedIn && view.session.roles.includes('soc');
  return (
    <>
      {text && (
        <>
          <h2>{t('incident.notice')}</h2>
          {incident.notice?.authority?.[language] && (
            <p className="small">{incident.notice.authority[language]}</p>
          )}
          <p className="soc-notice">{text}</p>
        </>
      )}
      <p role="status" className={done ? 'notice notice-ok' : 'visually-hidden'}>
        {done}
      </p>
      {mayNotify && incident.state === 'open' && !incident.authorityNotifiedAt && (
        <div className="actions">
          <button type="button" className="button button-primary" onClick={() => setOpen(true)}>
            {t('incident.notify')}
          </button>
        </div>
      )}
      {open && (
        <ConfirmDialog
          title={t('incident.notifyTitle')}
          confirmLabel={t('incident.notify')}
          reasonLabel={t('incident.notifyNote')}
          reasonOptional
          onConfirm={async (note) => {
            await notifyAuthority(incident.id, note);
            setDone(t('incident.notifiedDone'));
            onSent();
          }}
          onClose={() => setOpen(false)}
        >
          {text && <p className="soc-notice">{text}</p>}
        </ConfirmDialog>
      )}
    </>
  );
}

export function IncidentPage({ id }: { readonly id: string }) {
  const { t, i18n } = useTranslation('soc');
  useConsoleTitle('incident');
  const when = useWhen();
  const [round, setRound] = useState(0);
  const result = useLoad(
    useCallback((signal: AbortSignal) => fetchIncident(id, signal), [id]),
    round,
  );
  const onSent = useCallback(() => setRound((n) => n + 1), []);
  const value = useSticky(result);
  return (
    <>
      <p className="small">
        <Link to={SOC_PATHS.incidents}>← {t('incident.listTitle')}</Link>
      </p>
      <h1 id="page-title" tabIndex={-1}>
        {value ? incidentTitle(t, value, i18n.resolvedLanguage) : t('incident.title')}
      </h1>
      {result.state === 'loading' && !value && <p>{t('loading')}</p>}
      {result.state === 'failed' && (
        <ErrorMessage error={result.error} worded={recordRefusals(t, 'incident')} />
      )}
      {value && (
        <section className="panel" aria-label={t('incident.title')}>
          <p className="soc-badges">
            <span className="badge">{t(`incident.state.${value.state}`)}</span>
          </p>
          <h2>{t('incident.clock')}</h2>
          <BreachClock incident={value} />
          <dl className="facts">
            <div>
              <dt>{t('incident.detected')}</dt>
              <dd>{when(value.detectedAt)}</dd>
            </div>
            <div>
              <dt>{t('incident.jurisdiction')}</dt>
              <dd>{value.jurisdiction}</dd>
            </div>
            <div>
              <dt>{t('alert.system')}</dt>
              <dd>
                <Named name={value.systemName} id={value.systemId} />
              </dd>
            </div>
            {value.operatorId && (
              <div>
                <dt>{t('alert.operator')}</dt>
                <dd>
                  <Named name={value.operatorName} id={value.operatorId} />
                </dd>
              </div>
            )}
            <div>
              <dt>{t('incident.citizensNotified')}</dt>
              <dd>
                {value.citizensNotified ?? 0} / {value.affectedCount}
              </dd>
            </div>
            {value.caseId && (
              <div>
                <dt>{t('alert.case')}</dt>
                <dd>
                  <Link to={SOC_PATHS.case(value.caseId)}>{t('feed.openCase')}</Link>
                </dd>
              </div>
            )}
          </dl>
          <p>{t('incident.affected', { count: value.affectedCount })}</p>
          <p className="muted small">
            {t('incident.window', { from: when(value.windowFrom), to: when(value.windowTo) })}
          </p>
          <Notice incident={value} onSent={onSent} />
        </section>
      )}
    </>
  );
}
