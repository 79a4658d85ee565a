import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../i18n/languages';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';

const locales = { en, ru, kk } as const;
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(messages: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === 'string') out.set(`${prefix}${key}`, value);
    else for (const [k, v] of flatten(value as object, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}
const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*(\w+)/g)].map((match) => match[1]).sort();
const baseKeys = (keys: Iterable<string>) =>
  [...new Set([...keys].map((key) => key.replace(PLURAL, '')))].sort();

describe('monitoring centre console translations (namespace soc)', () => {
  const english = flatten(en);
  for (const language of LANGUAGES) {
    const messages = flatten(locales[language]);
    it(`${language}: every key, none empty, same placeholders as English`, () => {
      expect(baseKeys(messages.keys())).toEqual(baseKeys(english.keys()));
      for (const [key, text] of messages) {
        expect(text.trim(), key).not.toBe('');
        const englishText = english.get(key) ?? english.get(key.replace(PLURAL, '_other'));
        expect(placeholders(text), key).toEqual(placeholders(englishText!));
      }
    });
    it(`${language}: every plural form its grammar needs`, () => {
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      const plurals = baseKeys([...messages.keys()].filter((key) => PLURAL.test(key)));
      expect(plurals).toContain('rules.hits');
      for (const base of plurals)
        for (const category of categories)
          expect(messages.has(`${base}_${category}`), `${base}_${category}`).toBe(true);
    });
  }
  it('Kazakh and Russian are not English left untranslated', () => {
    for (const language of ['kk', 'ru'] as const) {
      const same = [...flatten(locales[language])].filter(
        ([key, text]) => text === english.get(key) && text !== '—',
      );
      expect(
        same.map(([key]) => key),
        language,
      ).toEqual([]);
    }
  });
});
