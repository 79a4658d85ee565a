import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../i18n/languages';
import { CONSOLE_PAGES, consoleTitle } from './console-title';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';

const soc = { en, ru, kk } as const;

async function socIn(language: (typeof LANGUAGES)[number]) {
  const i18n = i18next.createInstance();
  await i18n.init({
    lng: language,
    resources: { [language]: { soc: soc[language] } },
    interpolation: { escapeValue: false },
  });
  return i18n.getFixedT(language, 'soc');
}

describe('the console’s tab titles', () => {
  it('differ from page to page, in every language', async () => {
    for (const language of LANGUAGES) {
      const t = await socIn(language);
      const titles = CONSOLE_PAGES.map((page) => consoleTitle(t, page));
      expect(new Set(titles).size, language).toBe(CONSOLE_PAGES.length);
      for (const title of titles) {
        expect(title, language).toContain('Qalqan');
        expect(title, language).not.toContain('{{');
      }
    }
  });

  it('name the page first, as the navigation does, then the console', async () => {
    const expected = {
      en: ['Cases — Qalqan monitoring centre', 'Reference lists — Qalqan monitoring centre'],
      ru: ['Дела — центр мониторинга Qalqan', 'Справочные списки — центр мониторинга Qalqan'],
      kk: [
        'Істер — Qalqan мониторинг орталығы',
        'Анықтамалық тізімдер — Qalqan мониторинг орталығы',
      ],
    } as const;
    for (const language of LANGUAGES) {
      const t = await socIn(language);
      expect([consoleTitle(t, 'cases'), consoleTitle(t, 'lists')], language).toEqual(
        expected[language],
      );
      for (const page of ['feed', 'cases', 'responses', 'incidents', 'rules', 'lists'] as const)
        expect(consoleTitle(t, page).startsWith(`${soc[language].nav[page]} — `), page).toBe(true);
    }
  });
});
