import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { act, type Consent, fetchRequests } from '../../api/citizen-api';
import { ConsentSummary } from '../../components/consent-summary';
import { ErrorMessage } from '../../components/error-message';
import { useWhoNames } from '../../components/who';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useLoad } from '../../hooks/use-load';

function RequestCard({
  request,
  childId,
}: {
  readonly request: Consent;
  readonly childId?: string;
}) {
  const { t } = useTranslation();
  const [answer, setAnswer] = useState<'approve' | 'refuse'>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const answerWith = async (action: 'approve' | 'refuse') => {
    setBusy(true);
    setError(undefined);
    try {
      await act(request.id, action, childId);
      setAnswer(action);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const headingId = `request-${request.id}`;
  const who = useWhoNames(request.controller, request.systems);
  return (
    <li className="panel card" aria-labelledby={headingId} data-request={request.id}>
      <h2 id={headingId} className="card-title">
        {t('requests.from', { controller: who.operator ?? request.controller })}
      </h2>
      <ConsentSummary consent={request} />
      {answer ? (
        <p className="notice notice-ok" role="status" data-answer={answer}>
          {answer === 'approve' ? t('requests.approved') : t('requests.refused')}
        </p>
      ) : (
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void answerWith('approve')}
          >
            {t('requests.approve')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            onClick={() => void answerWith('refuse')}
          >
            {t('requests.refuse')}
          </button>
        </div>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
    </li>
  );
}

/** Pending consent requests, for the citizen or (with `childId`) for a child in their care. */
export function RequestList({ childId }: { readonly childId?: string }) {
  const { t } = useTranslation();
  const load = useCallback((signal: AbortSignal) => fetchRequests(childId, signal), [childId]);
  const result = useLoad(load);
  if (result.state === 'loading') return <p aria-live="polite">{t('portal.loading')}</p>;
  if (result.state === 'failed') return <ErrorMessage error={result.error} />;
  const pending = result.value.filter((r) => r.state === 'requested');
  if (pending.length === 0) return <p>{t('requests.empty')}</p>;
  return (
    <ul className="cards">
      {pending.map((request) => (
        <RequestCard key={request.id} request={request} {...(childId ? { childId } : {})} />
      ))}
    </ul>
  );
}

export function RequestsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('requests.documentTitle'));
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('requests.title')}
      </h1>
      <p className="lead">{t('requests.intro')}</p>
      <RequestList />
    </>
  );
}
