import { useTranslation } from 'react-i18next';
import type { Consent } from '../api/citizen-api';
import { ConsentCard } from './consent-card';

/** Whether a consent still permits anything (or may again, once resumed). */
export const inForce = (consent: Pick<Consent, 'state'>): boolean =>
  consent.state === 'active' || consent.state === 'paused';

/**
 * Consents in two sections, those in force first and then those that ended (withdrawn, expired)
 * or were refused, each keeping the server's order. A section with nothing in it is left out.
 * `level` is the sections' heading level under the page's (2 on one's own page, 3 under the
 * child's heading); each card's title sits one below it.
 */
export function ConsentList({
  consents,
  level,
  childId,
  note,
}: {
  readonly consents: readonly Consent[];
  readonly level: 2 | 3;
  readonly childId?: string;
  readonly note?: (consent: Consent) => string | undefined;
}) {
  const { t } = useTranslation();
  const Heading = level === 2 ? 'h2' : 'h3';
  const sections = [
    { key: 'in-force', title: t('consent.inForce'), items: consents.filter(inForce) },
    { key: 'ended', title: t('consent.ended'), items: consents.filter((c) => !inForce(c)) },
  ] as const;
  return (
    <>
      {sections
        .filter((section) => section.items.length > 0)
        .map((section) => (
          <section
            key={section.key}
            data-consents={section.key}
            aria-labelledby={`consents-${section.key}${childId ? `-${childId}` : ''}`}
          >
            <Heading id={`consents-${section.key}${childId ? `-${childId}` : ''}`}>
              {section.title}
            </Heading>
            <ul className="cards">
              {section.items.map((consent) => (
                <ConsentCard
                  key={consent.id}
                  consent={consent}
                  headingLevel={level === 2 ? 3 : 4}
                  {...(childId ? { childId } : {})}
                  {...(note ? { note } : {})}
                />
              ))}
            </ul>
          </section>
        ))}
    </>
  );
}
