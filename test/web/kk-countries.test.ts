/**
 * The portal's Kazakh country names (web/src/i18n/kk-countries.ts, for browsers without Kazakh
 * data) are CLDR's, as Node's full ICU gives them, for exactly the codes the API accepts.
 */
import { describe, expect, it } from 'vitest';
import { kazakhCountryNames } from '../../scripts/generate-kk-countries.js';
import { KK_COUNTRY_NAMES } from '../../web/src/i18n/kk-countries.js';

describe('the Kazakh country names table', () => {
  it('equals ICU’s Kazakh names for every ISO 3166-1 code the API accepts', () => {
    expect(
      Object.entries(KK_COUNTRY_NAMES),
      'out of date with this ICU: run `npx tsx scripts/generate-kk-countries.ts`',
    ).toEqual(kazakhCountryNames());
    // A name, not the code, for each (ICU has Kazakh names for all of them).
    expect(Object.entries(KK_COUNTRY_NAMES).filter(([code, name]) => name === code)).toEqual([]);
  });
});
