import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { act, type Consent, fetchRequests } from '../api/citizen-api';
import { ConsentSummary } from './consent-summary';
import { WithdrawalGroundNote } from './withdrawal-ground';
import { ErrorMessage } from './error-message';
import { useWhoNames } from './who';
import { useLoad } from '../hooks/use-load';

/**
 * The answer given, on the request's card: an approval as a success, a refusal as a neutral notice
 * (the citizen's own choice, neither a success nor an error); both announced (`role="status"`). An
 * approval says where the consent now is, and that it can be withdrawn there unless a declared
 * ground would refuse that (`withdrawable`), which the card said before the answer.
 */
export function AnswerNotice({
  answer,
  forChild,
  withdrawable = true,
}: {
  readonly answer: 'approve' | 'refuse';
  readonly forChild: boolean;
  readonly withdrawable?: boolean;
}) {
  const { t } = useTranslation();
  const approved = forChild
    ? withdrawable
      ? 'children.approved'
      : 'children.approvedKept'
    : withdrawable
      ? 'requests.approved'
      : 'requests.approvedKept';
  return (
    <p
      className={`notice ${answer === 'refuse' ? 'notice-neutral' : 'notice-ok'}`}
      role="status"
      data-answer={answer}
    >
      {answer === 'refuse' ? t('requests.refused') : t(approved)}
    </p>
  );
}

function RequestCard({
  request,
  childId,
  onAnswered,
  headingLevel,
}: {
  readonly request: Consent;
  readonly childId?: string;
  readonly onAnswered?: () => void;
  readonly headingLevel: 2 | 3;
}) {
  const { t } = useTranslation();
  const [answer, setAnswer] = useState<'approve' | 'refuse'>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const noticeRef = useRef<HTMLDivElement>(null);
  // The buttons pressed give way to the answer, so focus moves there rather than to the page's
  // start (as on a consent's card).
  useEffect(() => {
    if (answer) noticeRef.current?.focus();
  }, [answer]);
  const answerWith = async (action: 'approve' | 'refuse') => {
    setBusy(true);
    setError(undefined);
    try {
      await act(request.id, action, childId);
      setAnswer(action);
      onAnswered?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const headingId = `request-${request.id}`;
  const who = useWhoNames(request.controller, request.systems);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <li className="panel card" aria-labelledby={headingId} data-request={request.id}>
      <Heading id={headingId} className="card-title">
        {t('requests.from', { controller: who.operator ?? request.controller })}
      </Heading>
      <ConsentSummary consent={request} />
      {request.withdrawalGround && (
        <WithdrawalGroundNote ground={request.withdrawalGround} when="once-given" />
      )}
      {answer ? (
        <div ref={noticeRef} tabIndex={-1}>
          <AnswerNotice
            answer={answer}
            forChild={childId !== undefined}
            withdrawable={!request.withdrawalGround}
          />
        </div>
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

/**
 * Pending consent requests, for the citizen or (with `childId`) for a child in their care. An
 * answered request stays in the list with its answer; `onAnswered` is told after each answer.
 */
export function RequestList({
  childId,
  onAnswered,
  headingLevel = 2,
}: {
  readonly childId?: string;
  readonly onAnswered?: () => void;
  /** The cards' titles sit under the page's h1 (2) or under a section's h2 (3). */
  readonly headingLevel?: 2 | 3;
}) {
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
        <RequestCard
          key={request.id}
          request={request}
          headingLevel={headingLevel}
          {...(childId ? { childId } : {})}
          {...(onAnswered ? { onAnswered } : {})}
        />
      ))}
    </ul>
  );
}
