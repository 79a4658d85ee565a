import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkHealth, type HealthEndpoint } from '../api/health';
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useLoad } from '../hooks/use-load';
import { formatDate } from '../i18n/dates';
import { Link, PATHS } from '../app/router';

function StatusItem({
  endpoint,
  label,
  hint,
  round,
}: {
  readonly endpoint: HealthEndpoint;
  readonly label: string;
  readonly hint: string;
  readonly round: number;
}) {
  const { t, i18n } = useTranslation();
  const load = useCallback((signal: AbortSignal) => checkHealth(endpoint, signal), [endpoint]);
  const result = useLoad(load, round);
  const time =
    result.state === 'loading' ? undefined : formatDate(result.at, i18n.resolvedLanguage, 'time');
  return (
    <li className="status-item" data-endpoint={endpoint}>
      <div className="status-head">
        <div>
          <h3 className="status-name">{label}</h3>
          <p className="muted">
            {hint} · <code>{endpoint}</code>
          </p>
        </div>
        {/* Words and a symbol, not colour alone, carry the state. */}
        <p className={`badge badge-${result.state}`} aria-live="polite">
          {result.state === 'loading' && t('home.checking')}
          {result.state === 'done' && <>✓ {t('home.ok')}</>}
          {result.state === 'failed' && <>✗ {t('home.down')}</>}
        </p>
      </div>
      {time && <p className="muted small">{t('home.checkedAt', { time })}</p>}
      {result.state === 'failed' && <ErrorMessage error={result.error} />}
    </li>
  );
}

export function HomePage() {
  const { t } = useTranslation();
  const [round, setRound] = useState(0);
  useDocumentTitle(t('home.documentTitle'));
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('home.title')}
      </h1>
      <p className="lead">{t('home.intro')}</p>

      <section aria-labelledby="status-heading" className="panel">
        <h2 id="status-heading">{t('home.statusHeading')}</h2>
        <ul className="status-list">
          <StatusItem
            endpoint="/healthz"
            label={t('home.liveness')}
            hint={t('home.livenessHint')}
            round={round}
          />
          <StatusItem
            endpoint="/readyz"
            label={t('home.readiness')}
            hint={t('home.readinessHint')}
            round={round}
          />
        </ul>
        <button type="button" className="button" onClick={() => setRound((n) => n + 1)}>
          {t('home.checkAgain')}
        </button>
      </section>

      <section aria-labelledby="links-heading" className="panel">
        <h2 id="links-heading">{t('home.linksHeading')}</h2>
        <ul className="link-list">
          <li>
            <a href="/docs">{t('links.docs')}</a>
            <span className="muted">{t('links.docsHint')}</span>
          </li>
          <li>
            <a href="/openapi.json">{t('links.openapi')}</a>
            <span className="muted">{t('links.openapiHint')}</span>
          </li>
          <li>
            <Link to={PATHS.transparency}>{t('links.transparency')}</Link>
            <span className="muted">{t('links.transparencyHint')}</span>
          </li>
        </ul>
      </section>
    </>
  );
}
