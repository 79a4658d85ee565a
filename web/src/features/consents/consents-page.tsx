import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  act,
  type ActionOutcome,
  type Consent,
  fetchConsentReceipt,
  fetchConsents,
} from '../../api/citizen-api';
import { ConsentSummary, StateBadge } from '../../components/consent-summary';
import { ErrorMessage } from '../../components/error-message';
import { WithdrawalNotice } from '../../components/withdrawal-notice';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useLoad } from '../../hooks/use-load';
import { type ReceiptVerdict, verifyConsentReceipt } from './receipt';
import { useTaxonomyLabels } from '../../hooks/use-taxonomy-labels';

const ACTIVE = new Set(['active', 'paused']);

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function ConsentCard({ consent }: { readonly consent: Consent }) {
  const { t, i18n } = useTranslation();
  const labels = useTaxonomyLabels();
  const [outcome, setOutcome] = useState<ActionOutcome>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<ReceiptVerdict | 'checking'>();
  const withdraw = async () => {
    setBusy(true);
    setError(undefined);
    try {
      // The card shows the outcome and the new state; the list is not reloaded under the reader.
      setOutcome(await act(consent.id, 'withdraw'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const getReceipt = async () => {
    setReceipt('checking');
    try {
      const jws = await fetchConsentReceipt(consent.id);
      download(`consent-receipt-${consent.id}.jws`, jws, 'application/jose');
      setReceipt(await verifyConsentReceipt(jws));
    } catch (e) {
      setReceipt(undefined);
      setError(e);
    }
  };
  const headingId = `consent-${consent.id}`;
  return (
    <li className="panel card" aria-labelledby={headingId} data-consent={consent.id}>
      <div className="card-head">
        <h2 id={headingId} className="card-title">
          {consent.message[(i18n.resolvedLanguage ?? 'kk') as 'kk'] ||
            consent.purposes.map(labels.purpose).join(', ')}
        </h2>
        <StateBadge state={outcome?.consent.state ?? consent.state} />
      </div>
      <ConsentSummary consent={consent} />
      <div className="actions">
        {ACTIVE.has(consent.state) && !outcome && (
          <button type="button" className="button" disabled={busy} onClick={() => void withdraw()}>
            {t('consent.withdraw')}
          </button>
        )}
        {consent.state !== 'requested' && consent.state !== 'refused' && (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => void getReceipt()}
          >
            {t('consent.receipt')}
          </button>
        )}
      </div>
      {outcome && <WithdrawalNotice outcome={outcome} />}
      {receipt && (
        <p className="muted" role="status" data-receipt={receipt}>
          {t(`consent.receiptVerdict.${receipt}`)}
        </p>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
    </li>
  );
}

export function ConsentsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('consent.documentTitle'));
  const load = useCallback((signal: AbortSignal) => fetchConsents(undefined, signal), []);
  const result = useLoad(load);
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
          <ul className="cards">
            {result.value.map((consent) => (
              <ConsentCard key={consent.id} consent={consent} />
            ))}
          </ul>
        ))}
    </>
  );
}
