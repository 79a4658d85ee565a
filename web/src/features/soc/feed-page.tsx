import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../../app/router';
import { ErrorMessage } from '../../components/error-message';
import { useLoad } from '../../hooks/use-load';
import { LevelBadge, useWhen } from './format';
import { Actor, Named } from './names';
import { type Alert, fetchAlerts } from './soc-api';
import { SOC_PATHS } from './soc-routes';
import { ruleTitle } from './titles';
import { useConsoleTitle } from './console-title';

/**
 * The live alert feed: the stored alerts, then every new or changed one from the server-sent
 * events of `/v1/monitor/alerts/stream` (the browser authenticates it with the session cookie and
 * reconnects by itself). A new alert is announced to screen readers.
 */
function useAlertStream(onAlert: (alert: Alert) => void): boolean {
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource('/v1/monitor/alerts/stream');
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    const handle = (event: Event) => {
      try {
        onAlert(JSON.parse((event as MessageEvent<string>).data) as Alert);
      } catch {
        // A malformed event is skipped; the next reload shows the stored alerts.
      }
    };
    source.addEventListener('alert', handle);
    source.addEventListener('alert-updated', handle);
    return () => source.close();
  }, [onAlert]);
  return connected;
}

export function AlertCard({ alert }: { readonly alert: Alert }) {
  const { t } = useTranslation('soc');
  const when = useWhen();
  return (
    <li className={`panel card soc-alert soc-alert-${alert.level}`} data-alert={alert.ruleId}>
      <div className="card-head">
        <h2 className="card-title">
          <Link to={SOC_PATHS.alert(alert.id)}>{ruleTitle(t, alert.ruleId, alert.title)}</Link>
        </h2>
        <span className="soc-badges">
          <LevelBadge level={alert.level} />
          <span className="badge">{t(`state.${alert.state}`)}</span>
          {alert.shadow && <span className="badge soc-shadow">{t('feed.shadow')}</span>}
        </span>
      </div>
      <p className="muted small">
        <time dateTime={alert.at}>{when(alert.at)}</time> ·{' '}
        {t('feed.events', { count: alert.count })}
        {alert.context.actorId && (
          <>
            {' · '}
            {t('alert.actor')}: <Actor code={alert.context.actorCode} id={alert.context.actorId} />
          </>
        )}
        {alert.context.system && (
          <>
            {' · '}
            {t('alert.system')}: <Named name={alert.context.systemName} id={alert.context.system} />
          </>
        )}
      </p>
      {alert.caseId && (
        <p className="small">
          <Link to={SOC_PATHS.case(alert.caseId)}>{t('feed.openCase')}</Link>
        </p>
      )}
    </li>
  );
}

export function FeedPage() {
  const { t } = useTranslation('soc');
  useConsoleTitle('feed');
  const stored = useLoad(fetchAlerts);
  const [live, setLive] = useState<readonly Alert[]>([]);
  const [announced, setAnnounced] = useState('');
  // The announcement is worded in the language shown when the alert arrives.
  const latestT = useRef(t);
  latestT.current = t;
  const onAlert = useCallback((alert: Alert) => {
    setLive((list) => [alert, ...list.filter((a) => a.id !== alert.id)]);
    if (alert.state === 'open') {
      const t = latestT.current;
      setAnnounced(t('feed.arrived', { title: ruleTitle(t, alert.ruleId, alert.title) }));
    }
  }, []);
  const connected = useAlertStream(onAlert);
  const base = stored.state === 'done' ? stored.value : [];
  const all = [...live, ...base.filter((a) => !live.some((l) => l.id === a.id))].sort((a, b) =>
    b.at.localeCompare(a.at),
  );
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('feed.title')}
      </h1>
      <p>{t('feed.intro')}</p>
      <p className="muted soc-live" data-live={connected}>
        <span className={`soc-dot ${connected ? 'soc-dot-on' : ''}`} aria-hidden="true" />
        {connected ? t('feed.live') : t('feed.offline')}
      </p>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announced}
      </p>
      {stored.state === 'failed' && <ErrorMessage error={stored.error} />}
      {stored.state === 'loading' && <p>{t('loading')}</p>}
      {stored.state === 'done' && all.length === 0 && <p>{t('feed.empty')}</p>}
      {all.length > 0 && (
        <ul className="cards soc-feed">
          {all.map((alert) => (
            <AlertCard key={alert.id} alert={alert} />
          ))}
        </ul>
      )}
    </>
  );
}
