import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchPublishedLog } from '../../api/ledger-api';
import { ErrorMessage } from '../../components/error-message';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useLoad } from '../../hooks/use-load';
import { CheckpointPanel } from './checkpoint-panel';
import { InclusionProofForm } from './inclusion-proof-form';

function AuditPanel() {
  const { t } = useTranslation();
  // The site's own origin: the command checks exactly the log this page was served from.
  const command = `qalqan ledger verify --url ${window.location.origin}`;
  return (
    <section aria-labelledby="audit-heading" className="panel">
      <h2 id="audit-heading">{t('transparency.auditHeading')}</h2>
      <p>{t('transparency.auditBody')}</p>
      {/* The paragraph before it says what the command is. ARIA gives a <pre> no name of its
          own (aria-label and aria-labelledby are prohibited on its generic role, so screen
          readers ignore them): the words are read in order instead. */}
      <p>{t('transparency.auditCommandLabel')}</p>
      <pre className="command">
        <code>{command}</code>
      </pre>
    </section>
  );
}

export function TransparencyPage() {
  const { t } = useTranslation();
  const [round, setRound] = useState(0);
  const log = useLoad(fetchPublishedLog, round);
  useDocumentTitle(t('transparency.documentTitle'));
  const reload = (
    <button type="button" className="button" onClick={() => setRound((n) => n + 1)}>
      {t('transparency.reload')}
    </button>
  );
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('transparency.title')}
      </h1>
      <p className="lead">{t('transparency.intro')}</p>

      {log.state === 'loading' && (
        <p className="panel" role="status">
          {t('transparency.loading')}
        </p>
      )}
      {log.state === 'failed' && (
        <section className="panel" aria-labelledby="checkpoint-heading">
          <h2 id="checkpoint-heading">{t('transparency.checkpointHeading')}</h2>
          <ErrorMessage error={log.error} />
          {reload}
        </section>
      )}
      {log.state === 'done' && log.value === undefined && (
        <section className="panel" aria-labelledby="no-log-heading" data-state="no-log">
          <h2 id="no-log-heading">{t('transparency.noLogTitle')}</h2>
          <p>{t('transparency.noLogBody')}</p>
          {reload}
        </section>
      )}
      {log.state === 'done' && log.value !== undefined && (
        <CheckpointPanel log={log.value} reload={reload} />
      )}

      <AuditPanel />

      {log.state === 'done' && log.value !== undefined && (
        <InclusionProofForm
          key={log.value.checkpoint.size}
          checkpoint={log.value.checkpoint}
          signed={log.value.signature === 'verified'}
        />
      )}
    </>
  );
}
