import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  act,
  type ActionOutcome,
  type Consent,
  type ConsentAction,
  fetchConsentReceipt,
  reasonText,
} from '../api/citizen-api';
import { type ReceiptVerdict, verifyConsentReceipt } from '../api/consent-receipt';
import { useTaxonomyLabels } from '../hooks/use-taxonomy-labels';
import type { Language } from '../i18n/languages';
import { ConsentSummary, StateBadge } from './consent-summary';
import { ErrorMessage } from './error-message';
import { saveFile } from './save-file';
import { WithdrawalGroundNote } from './withdrawal-ground';

/** What the holder of a consent may do with it (DOMAIN.md §3); the server still decides. */
export type CardAction = Extract<ConsentAction, 'withdraw' | 'pause' | 'resume'>;

/**
 * The actions a consent in `state` offers, in the order its card shows them. A withdrawal is not
 * offered while the server reports a declared ground that would refuse it (`withdrawalGround`):
 * its answer is known, and the card says why instead.
 */
export function actionsFor(state: string, withdrawalBarred = false): CardAction[] {
  const actions: CardAction[] = [];
  if (state === 'active') actions.push('pause');
  if (state === 'paused') actions.push('resume');
  if ((state === 'active' || state === 'paused') && !withdrawalBarred) actions.push('withdraw');
  return actions;
}

/** A signed receipt exists for a consent once it was given (not for a request, or a refusal). */
export const hasReceipt = (state: string): boolean => state !== 'requested' && state !== 'refused';

const BUTTON_LABEL = {
  withdraw: 'consent.withdraw',
  pause: 'consent.pause',
  resume: 'consent.resume',
} as const;

/** What became of the last action, on the consent's card. */
function OutcomeNotice({
  action,
  outcome,
}: {
  readonly action: CardAction;
  readonly outcome: ActionOutcome;
}) {
  const { t, i18n } = useTranslation();
  const refused = outcome.outcome === 'refused';
  const text = refused
    ? t('consent.withdrawRefused', {
        reason: reasonText(outcome.reason, i18n.resolvedLanguage ?? 'kk'),
      })
    : t(
        action === 'withdraw'
          ? 'consent.withdrawAccepted'
          : action === 'pause'
            ? 'consent.pauseAccepted'
            : 'consent.resumeAccepted',
      );
  return (
    <p
      className={`notice ${refused ? 'notice-error' : 'notice-ok'}`}
      role="status"
      data-outcome={outcome.outcome}
      data-action={action}
    >
      {text}
    </p>
  );
}

/**
 * One consent, the reader's own or a child's in their care (`childId`): what it covers, its state,
 * and what may be done with it — pause, resume, withdraw, download its signed receipt (checked in
 * the browser). The card keeps the consent as the server last returned it, so its state and
 * buttons follow each action without reloading the list under the reader.
 */
export function ConsentCard({
  consent: initial,
  childId,
  note,
  headingLevel = 2,
}: {
  readonly consent: Consent;
  readonly childId?: string;
  /**
   * A line beside the state, such as who acted last, worked out from the consent as the card
   * holds it — so it follows the card's own actions rather than the list it was first given in.
   */
  readonly note?: (consent: Consent) => string | undefined;
  /** The card's title sits under the page's h1 (2), a section's h2 (3) or a section's h3 (4). */
  readonly headingLevel?: 2 | 3 | 4;
}) {
  const { t, i18n } = useTranslation();
  const labels = useTaxonomyLabels();
  const [consent, setConsent] = useState(initial);
  const [last, setLast] = useState<{ action: CardAction; outcome: ActionOutcome }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<ReceiptVerdict | 'checking'>();
  const noticeRef = useRef<HTMLDivElement>(null);
  // The button pressed is often replaced (pause by resume), so focus moves to what happened.
  useEffect(() => {
    if (last) noticeRef.current?.focus();
  }, [last]);
  // A withdrawal cannot be undone, so it is asked again on the card before it is sent. As in the
  // console's confirmations, focus starts on Cancel (Enter alone never confirms), Escape cancels,
  // and cancelling returns focus to the button that asked.
  const [confirming, setConfirming] = useState(false);
  const withdrawRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);
  const cancelWithdrawal = () => {
    setConfirming(false);
    withdrawRef.current?.focus();
  };

  const perform = async (action: CardAction) => {
    setConfirming(false);
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await act(consent.id, action, childId);
      setConsent(outcome.consent);
      setLast({ action, outcome });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const getReceipt = async () => {
    setReceipt('checking');
    setError(undefined);
    try {
      const jws = await fetchConsentReceipt(consent.id, childId);
      saveFile(`consent-receipt-${consent.id}.jws`, jws, 'application/jose');
      setReceipt(await verifyConsentReceipt(jws));
    } catch (e) {
      setReceipt(undefined);
      setError(e);
    }
  };

  const lang = (i18n.resolvedLanguage ?? 'kk') as Language;
  const headingId = `consent-${consent.id}`;
  const Heading = (['h2', 'h3', 'h4'] as const)[headingLevel - 2]!;
  const ground = consent.withdrawalGround;
  const noteText = note?.(consent);
  const actions = actionsFor(consent.state, ground !== undefined);
  const confirmId = `${headingId}-withdraw`;
  return (
    <li className="panel card" aria-labelledby={headingId} data-consent={consent.id}>
      <div className="card-head">
        <Heading id={headingId} className="card-title">
          {consent.message[lang] || consent.purposes.map(labels.purpose).join(', ')}
        </Heading>
        <StateBadge state={consent.state} />
        {noteText && <span className="muted">{noteText}</span>}
      </div>
      <ConsentSummary consent={consent} />
      {ground && <WithdrawalGroundNote ground={ground} when="now" />}
      <div className="actions">
        {actions.map((action) => (
          <button
            key={action}
            type="button"
            className={`button${action === 'withdraw' ? '' : ' button-secondary'}`}
            disabled={busy}
            data-action={action}
            {...(action === 'withdraw'
              ? {
                  ref: withdrawRef,
                  'aria-expanded': confirming,
                  'aria-controls': confirming ? confirmId : undefined,
                  onClick: () => (confirming ? cancelWithdrawal() : setConfirming(true)),
                }
              : { onClick: () => void perform(action) })}
          >
            {t(BUTTON_LABEL[action])}
          </button>
        ))}
        {hasReceipt(consent.state) && (
          <button
            type="button"
            className="button button-secondary"
            disabled={receipt === 'checking'}
            onClick={() => void getReceipt()}
          >
            {t('consent.receipt')}
          </button>
        )}
      </div>
      {confirming && actions.includes('withdraw') && (
        <div
          id={confirmId}
          role="group"
          aria-labelledby={`${confirmId}-title`}
          aria-describedby={`${confirmId}-body`}
          className="notice notice-confirm"
          data-confirm="withdraw"
          onKeyDown={(event) => {
            if (event.key !== 'Escape') return;
            event.preventDefault();
            cancelWithdrawal();
          }}
        >
          <p id={`${confirmId}-title`} className="notice-title">
            {t('consent.withdrawConfirmTitle')}
          </p>
          <p id={`${confirmId}-body`}>{t('consent.withdrawConfirmBody')}</p>
          <div className="actions">
            <button
              type="button"
              className="button button-danger"
              disabled={busy}
              onClick={() => {
                // The card's notice takes focus now and says what became of the withdrawal.
                noticeRef.current?.focus();
                void perform('withdraw');
              }}
            >
              {t('consent.withdrawConfirm')}
            </button>
            <button
              ref={cancelRef}
              type="button"
              className="button button-secondary"
              onClick={cancelWithdrawal}
            >
              {t('consent.cancel')}
            </button>
          </div>
        </div>
      )}
      <div ref={noticeRef} tabIndex={-1}>
        {last && <OutcomeNotice action={last.action} outcome={last.outcome} />}
      </div>
      {receipt && (
        <p className="muted" role="status" data-receipt={receipt}>
          {t(`consent.receiptVerdict.${receipt}`)}
        </p>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
    </li>
  );
}
