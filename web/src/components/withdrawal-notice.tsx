import { useTranslation } from 'react-i18next';
import { type ActionOutcome, reasonText } from '../api/citizen-api';

/**
 * What became of a withdrawal, on the consent's card: accepted, or refused with the reason the
 * operator declared (on the reader's own consents and on a child's alike).
 */
export function WithdrawalNotice({ outcome }: { readonly outcome: ActionOutcome }) {
  const { t, i18n } = useTranslation();
  return (
    <p
      className={`notice ${outcome.outcome === 'accepted' ? 'notice-ok' : 'notice-error'}`}
      role="status"
      data-outcome={outcome.outcome}
    >
      {outcome.outcome === 'accepted'
        ? t('consent.withdrawAccepted')
        : t('consent.withdrawRefused', {
            reason: reasonText(outcome.reason, i18n.resolvedLanguage ?? 'kk'),
          })}
    </p>
  );
}
