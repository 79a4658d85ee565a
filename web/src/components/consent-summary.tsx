import { useTranslation } from 'react-i18next';
import type { Consent } from '../api/citizen-api';
import { useTaxonomyLabels } from '../hooks/use-taxonomy-labels';
import { formatDate } from '../i18n/dates';
import type { Language } from '../i18n/languages';
import { Who } from './who';

/** What a consent (or a request for one) covers: shared by consents, requests and children. */
export function ConsentSummary({ consent }: { readonly consent: Consent }) {
  const { t, i18n } = useTranslation();
  const lang = (i18n.resolvedLanguage ?? 'kk') as Language;
  const date = (iso: string) => formatDate(iso, lang, 'date');
  const labels = useTaxonomyLabels();
  const recipients = consent.recipients
    .map((r) => `${r.name} (${labels.country(r.country)})`)
    .join(', ');
  return (
    <dl className="facts">
      <div>
        <dt>{t('consent.why')}</dt>
        <dd>{consent.message[lang] || consent.message.en}</dd>
      </div>
      <div>
        <dt>{t('consent.controller')}</dt>
        <dd>
          <Who operatorId={consent.controller} systemIds={consent.systems} />
        </dd>
      </div>
      <div>
        <dt>{t('consent.purposes')}</dt>
        <dd>{consent.purposes.map(labels.purpose).join(', ')}</dd>
      </div>
      <div>
        <dt>{t('consent.categories')}</dt>
        <dd>{consent.categories.map(labels.category).join(', ')}</dd>
      </div>
      <div>
        <dt>{t('consent.recipients')}</dt>
        <dd>{recipients || t('consent.none')}</dd>
      </div>
      <div>
        <dt>{t('consent.countries')}</dt>
        <dd>
          {[...new Set([...consent.processingCountries, ...consent.storageCountries])]
            .map(labels.country)
            .join(', ') || labels.country('KZ')}
        </dd>
      </div>
      <div>
        <dt>{t('consent.validUntil')}</dt>
        <dd>{date(consent.validUntil)}</dd>
      </div>
    </dl>
  );
}

/** The consent's state as a badge, in words. */
export function StateBadge({ state }: { readonly state: string }) {
  const { t } = useTranslation();
  const known = ['requested', 'active', 'refused', 'withdrawn', 'expired', 'paused'].includes(
    state,
  );
  return (
    <span className={`badge state-${state}`} data-state={state}>
      {known ? t(`consent.state.${state as 'active'}`) : state}
    </span>
  );
}
