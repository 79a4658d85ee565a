import { describe, expect, it } from 'vitest';
import { countryName, intlNamesCountriesIn } from './countries';

describe('countryName', () => {
  it('names a country in the reader language (Node has full ICU)', () => {
    expect(countryName('DE', 'ru')).toBe('Германия');
    expect(countryName('de', 'en')).toBe('Germany');
    expect(countryName('KZ', 'kk')).toBe('Қазақстан');
    expect(intlNamesCountriesIn('kk')).toBe(true);
  });

  it('names the country from its own Kazakh table where the browser has no Kazakh names', () => {
    expect(countryName('DE', 'kk', { intlHasNames: false })).toBe('Германия');
    expect(countryName('kz', 'kk', { intlHasNames: false })).toBe('Қазақстан');
    // A code the table does not hold is shown as the code.
    expect(countryName('XK', 'kk', { intlHasNames: false })).toBe('XK');
  });

  it('shows the code where the browser has no names in another language, never an English name', () => {
    expect(countryName('us', 'ru', { intlHasNames: false })).toBe('US');
  });

  it('leaves what is no two-letter code as it came', () => {
    expect(countryName('XK1', 'ru')).toBe('XK1');
    expect(countryName('', 'en')).toBe('');
  });
});
