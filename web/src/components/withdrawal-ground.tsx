import { useTranslation } from 'react-i18next';
import type { Consent } from '../api/citizen-api';
import { formatDate } from '../i18n/dates';
import type { Language } from '../i18n/languages';

export type WithdrawalGround = NonNullable<Consent['withdrawalGround']>;

/**
 * Why a withdrawal would be refused — the operator's declared ground, its legal reference and when
 * it lapses — on a consent's card (`now`: it cannot be withdrawn) or on a request's (`once-given`:
 * the citizen learns it before answering).
 */
export function WithdrawalGroundNote({
  ground,
  when,
}: {
  readonly ground: WithdrawalGround;
  readonly when: 'now' | 'once-given';
}) {
  const { t, i18n } = useTranslation();
  const lang = (i18n.resolvedLanguage ?? 'kk') as Language;
  const values = {
    reason: ground.reason[lang],
    reference: ground.reference,
    until: ground.validUntil ? formatDate(ground.validUntil, lang, 'date') : '',
  };
  const key =
    when === 'now'
      ? ground.validUntil
        ? 'consent.withdrawalGroundUntil'
        : 'consent.withdrawalGround'
      : ground.validUntil
        ? 'requests.withdrawalGroundUntil'
        : 'requests.withdrawalGround';
  return (
    <p className="muted" data-withdrawal-ground={when}>
      {t(key, values)}
    </p>
  );
}
