import { describe, expect, it } from 'vitest';
import { LANGUAGES, pickLanguage } from './languages';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';

const locales = { en, ru, kk } as const;
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Flattens nested messages into dotted keys. */
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

describe('translations', () => {
  const english = flatten(en);
  const baseKeys = (keys: Iterable<string>) =>
    [...new Set([...keys].map((key) => key.replace(PLURAL, '')))].sort();

  for (const language of LANGUAGES) {
    const messages = flatten(locales[language]);

    it(`${language} has every message, none empty`, () => {
      expect(baseKeys(messages.keys())).toEqual(baseKeys(english.keys()));
      for (const [key, text] of messages) expect(text.trim(), key).not.toBe('');
    });

    it(`${language} has every plural form its grammar needs`, () => {
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      const plurals = baseKeys([...messages.keys()].filter((key) => PLURAL.test(key)));
      expect(plurals.length).toBeGreaterThan(0);
      for (const base of plurals) {
        for (const category of categories) {
          expect(messages.has(`${base}_${category}`), `${base}_${category}`).toBe(true);
        }
      }
    });

    it(`${language} uses the same placeholders as English`, () => {
      for (const [key, text] of messages) {
        const englishText = english.get(key) ?? english.get(key.replace(PLURAL, '_other'));
        expect(englishText, key).toBeDefined();
        expect(placeholders(text), key).toEqual(placeholders(englishText!));
      }
    });
  }

  it('Kazakh and Russian are not English left untranslated', () => {
    for (const language of ['kk', 'ru'] as const) {
      const messages = flatten(locales[language]);
      const same = [...messages].filter(
        ([key, text]) => text === english.get(key) && !/^(Qalqan|API)$/.test(text),
      );
      expect(
        same.map(([key]) => key),
        language,
      ).toEqual([]);
    }
  });
});

describe('pickLanguage', () => {
  it('prefers the remembered choice', () => {
    expect(pickLanguage('ru', ['kk-KZ', 'en'])).toBe('ru');
  });

  it('otherwise takes the first preferred language the app speaks', () => {
    expect(pickLanguage(null, ['de-DE', 'kk-KZ', 'ru'])).toBe('kk');
    expect(pickLanguage(undefined, ['RU-ru'])).toBe('ru');
    expect(pickLanguage('fr', ['en-GB'])).toBe('en');
  });

  it('falls back to Kazakh when the browser prefers none of the three', () => {
    expect(pickLanguage(null, [])).toBe('kk');
    expect(pickLanguage(null, ['de', 'fr-FR'])).toBe('kk');
  });
});
