import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadTaxonomy, taxonomyNow } from '../api/taxonomy';
import { countryName } from '../i18n/countries';
import { isLanguage, type Language } from '../i18n/languages';

export interface TaxonomyLabels {
  /** A purpose's label in the reader's language; its code while unknown. */
  readonly purpose: (code: string) => string;
  /** A category of data's label in the reader's language; its code while unknown. */
  readonly category: (code: string) => string;
  /** A legal basis's label in the reader's language; its code while unknown. */
  readonly basis: (code: string) => string;
  /** A country's name in the reader's language; its code where the browser has none. */
  readonly country: (code: string) => string;
}

/** Labels for the codes records hold, filled in once the taxonomy arrives (codes shown until then). */
export function useTaxonomyLabels(): TaxonomyLabels {
  const { i18n } = useTranslation();
  const lang: Language = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'kk';
  const [taxonomy, setTaxonomy] = useState(taxonomyNow);
  useEffect(() => {
    if (taxonomy) return;
    let live = true;
    void loadTaxonomy().then((arrived) => {
      if (live && arrived) setTaxonomy(arrived);
    });
    return () => {
      live = false;
    };
  }, [taxonomy]);
  const label =
    (list: readonly { code: string; labels: Record<Language, string> }[] | undefined) =>
    (code: string) =>
      list?.find((entry) => entry.code === code)?.labels[lang] ?? code;
  return {
    purpose: label(taxonomy?.purposes),
    category: label(taxonomy?.categories),
    basis: label(taxonomy?.legalBases),
    country: (code) => countryName(code, lang),
  };
}
