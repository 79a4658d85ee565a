/**
 * A country's name from its ISO 3166-1 alpha-2 code, in the reader's language, by Intl. Some
 * browsers claim a language without its data (Debian's Chromium names countries in English for
 * `kk`, as it formats Kazakh dates in the root locale, see dates.ts): for Kazakh the name then
 * comes from a table generated from the same CLDR data (kk-countries.ts); in any other language
 * the code is shown, never an English name in a page in another language.
 */
import { KK_COUNTRY_NAMES } from './kk-countries';

const hasNames = new Map<string, boolean>();
const namers = new Map<string, Intl.DisplayNames>();

function namer(language: string): Intl.DisplayNames | undefined {
  let names = namers.get(language);
  if (!names) {
    try {
      names = new Intl.DisplayNames([language], { type: 'region', fallback: 'code' });
    } catch {
      return undefined;
    }
    namers.set(language, names);
  }
  return names;
}

/**
 * Whether Intl here names countries in `language`: English always; another language when its
 * name of Germany is not the English one (every language the app speaks names it differently).
 */
export function intlNamesCountriesIn(language: string): boolean {
  if (language === 'en') return true;
  let known = hasNames.get(language);
  if (known === undefined) {
    const name = namer(language)?.of('DE');
    known = name !== undefined && name !== 'DE' && name !== namer('en')?.of('DE');
    hasNames.set(language, known);
  }
  return known;
}

/** `code`'s name in `language` (e.g. "Германия" for DE in ru), or the code itself when unknown. */
export function countryName(
  code: string,
  language: string,
  options: { readonly intlHasNames?: boolean } = {},
): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  if (!(options.intlHasNames ?? intlNamesCountriesIn(language)))
    return (
      (language === 'kk' ? KK_COUNTRY_NAMES[code.toUpperCase()] : undefined) ?? code.toUpperCase()
    );
  const name = namer(language)?.of(code.toUpperCase());
  return name && name !== code.toUpperCase() ? name : code.toUpperCase();
}
