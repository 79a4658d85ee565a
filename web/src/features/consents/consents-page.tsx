import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchConsents } from '../../api/citizen-api';
import { ConsentList } from '../../components/consent-list';
import { ErrorMessage } from '../../components/error-message';
import { lastActorNote } from '../../components/last-actor';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useLoad } from '../../hooks/use-load';

export function ConsentsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('consent.documentTitle'));
  const load = useCallback((signal: AbortSignal) => fetchConsents(undefined, signal), []);
  const result = useLoad(load);
  const actedBy = lastActorNote(t, 'own');
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('consent.title')}
      </h1>
      <p className="lead">{t('consent.intro')}</p>
      {result.state === 'loading' && <p aria-live="polite">{t('portal.loading')}</p>}
      {result.state === 'failed' && <ErrorMessage error={result.error} />}
      {result.state === 'done' &&
        (result.value.length === 0 ? (
          <p>{t('consent.empty')}</p>
        ) : (
          <ConsentList consents={result.value} level={2} note={actedBy} />
        ))}
    </>
  );
}
