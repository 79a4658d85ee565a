import { describe, expect, it } from 'vitest';
import { countryName, intlNamesCountriesIn } from './countries';

describe('countryName', () => {
  it('names a country in the reader language (Node has full ICU)', () => {
    expect(countryName('DE', 'ru')).toBe('Германия');
    expect(countryName('de', 'en')).toBe('Germany');
    expect(countryName('KZ', 'kk')).toBe('Қазақстан');
    expect(intlNamesCountriesIn('kk')).toBe(true);
  });

  it('shows the code where the browser has no names in that language, never an English name', () => {
    expect(countryName('DE', 'kk', { intlHasNames: false })).toBe('DE');
    expect(countryName('us', 'ru', { intlHasNames: false })).toBe('US');
  });

  it('leaves what is no two-letter code as it came', () => {
    expect(countryName('XK1', 'ru')).toBe('XK1');
    expect(countryName('', 'en')).toBe('');
  });
});
