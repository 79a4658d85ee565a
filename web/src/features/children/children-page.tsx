import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { act, type Consent, fetchConsents, fetchRequests } from '../../api/citizen-api';
import { answer, type AnswerOf, api } from '../../api/client';
import { ConsentSummary, StateBadge } from '../../components/consent-summary';
import { ErrorMessage } from '../../components/error-message';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useLoad } from '../../hooks/use-load';
import { formatDate } from '../../i18n/dates';

type Child = AnswerOf<'/v1/me/children', 'get'>['children'][number];

const fetchChildren = async (signal: AbortSignal) =>
  (await answer(api.GET('/v1/me/children', { signal }))).children;

/** Who acted on a consent: the child (once of age), a guardian, or the system that asked. */
function actedBy(
  consent: Consent,
  t: (key: 'children.byGuardian' | 'children.bySubject' | 'children.bySystem') => string,
) {
  const last = consent.events.at(-1);
  if (!last) return '';
  if (last.actor.kind === 'guardian') return t('children.byGuardian');
  if (last.actor.kind === 'subject') return t('children.bySubject');
  return t('children.bySystem');
}

function ChildView({ child }: { readonly child: Child }) {
  const { t } = useTranslation();
  const [round, setRound] = useState(0);
  const load = useCallback(
    async (signal: AbortSignal) => {
      const [consents, requests] = await Promise.all([
        fetchConsents(child.childId, signal),
        fetchRequests(child.childId, signal),
      ]);
      return { consents, requests: requests.filter((r) => r.state === 'requested') };
    },
    [child.childId],
  );
  const result = useLoad(load, round);
  const [error, setError] = useState<unknown>();
  const answer = async (id: string, action: 'approve' | 'refuse' | 'withdraw') => {
    setError(undefined);
    try {
      await act(id, action, child.childId);
      setRound((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };
  if (result.state === 'loading') return <p aria-live="polite">{t('portal.loading')}</p>;
  if (result.state === 'failed') return <ErrorMessage error={result.error} />;
  const { consents, requests } = result.value;
  return (
    <div data-child={child.childId}>
      {error !== undefined && <ErrorMessage error={error} />}
      <h2>{t('children.requests')}</h2>
      {requests.length === 0 ? (
        <p>{t('requests.empty')}</p>
      ) : (
        <ul className="cards">
          {requests.map((r) => (
            <li key={r.id} className="panel card">
              <ConsentSummary consent={r} />
              <div className="actions">
                <button
                  type="button"
                  className="button"
                  onClick={() => void answer(r.id, 'approve')}
                >
                  {t('requests.approve')}
                </button>
                <button
                  type="button"
                  className="button button-secondary"
                  onClick={() => void answer(r.id, 'refuse')}
                >
                  {t('requests.refuse')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('children.consents')}</h2>
      {consents.length === 0 ? (
        <p>{t('consent.empty')}</p>
      ) : (
        <ul className="cards">
          {consents.map((c) => (
            <li key={c.id} className="panel card">
              <div className="card-head">
                <StateBadge state={c.state} />
                <span className="muted">{actedBy(c, t)}</span>
              </div>
              <ConsentSummary consent={c} />
              {c.state === 'active' && (
                <button
                  type="button"
                  className="button button-secondary"
                  onClick={() => void answer(c.id, 'withdraw')}
                >
                  {t('consent.withdraw')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ChildrenPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('children.documentTitle'));
  const result = useLoad(fetchChildren);
  const [chosen, setChosen] = useState<string>();
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('children.title')}
      </h1>
      <p className="lead">{t('children.intro')}</p>
      {result.state === 'loading' && <p aria-live="polite">{t('portal.loading')}</p>}
      {result.state === 'failed' && <ErrorMessage error={result.error} />}
      {result.state === 'done' &&
        (result.value.length === 0 ? (
          <p>{t('children.empty')}</p>
        ) : (
          <>
            <div className="actions" role="group" aria-label={t('children.choose')}>
              {result.value.map((child) => (
                <button
                  key={child.childId}
                  type="button"
                  className="button button-secondary"
                  aria-pressed={chosen === child.childId}
                  onClick={() => setChosen(child.childId)}
                >
                  {t('children.child', {
                    born: formatDate(child.birthDate, i18n.resolvedLanguage, 'date'),
                  })}
                </button>
              ))}
            </div>
            {chosen && (
              <ChildView key={chosen} child={result.value.find((c) => c.childId === chosen)!} />
            )}
          </>
        ))}
    </>
  );
}
