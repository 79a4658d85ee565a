import i18next from 'i18next';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../../i18n/i18n';
import { ChildrenIntro } from './children-page';
import { ACTED_BY, type LastActor } from '../../components/last-actor';

const LANGUAGES = ['kk', 'ru', 'en'] as const;

async function tIn(language: (typeof LANGUAGES)[number]) {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: language, resources, interpolation: { escapeValue: false } });
  return i18n;
}

async function textIn(language: (typeof LANGUAGES)[number], element: ReactElement) {
  const i18n = await tIn(language);
  return renderToStaticMarkup(createElement(I18nextProvider, { i18n }, element)).replace(
    /<[^>]+>/g,
    '',
  );
}

const CHOOSE = { kk: 'Баланы таңдаңыз', ru: 'Выберите ребёнка', en: 'Choose a child' };

describe('the children page’s intro', () => {
  it('asks to choose only when there are several children', async () => {
    for (const language of LANGUAGES) {
      const several = await textIn(language, createElement(ChildrenIntro, { count: 2 }));
      expect(several, language).toContain(CHOOSE[language]);
      for (const count of [undefined, 0, 1]) {
        const text = await textIn(language, createElement(ChildrenIntro, { count }));
        expect(text, `${language} ${count}`).not.toContain(CHOOSE[language]);
      }
    }
  });
});

describe('who acted last, on a child’s consent and on the reader’s own', () => {
  it('has its own words for each actor, in every language; the system only for the system', async () => {
    for (const whose of ['child', 'own'] as const) {
      const keys = ACTED_BY[whose];
      const actors = Object.keys(keys) as LastActor[];
      expect(actors.sort()).toEqual(['expiry', 'guardian', 'staff', 'subject', 'system']);
      for (const language of LANGUAGES) {
        const i18n = await tIn(language);
        const notes = actors.map((actor) => i18n.t(keys[actor]));
        expect(new Set(notes).size, `${whose} ${language}`).toBe(actors.length);
        actors.forEach((actor, i) => expect(notes[i], language).not.toBe(keys[actor]));
      }
    }
    const en = await tIn('en');
    expect(en.t(ACTED_BY.child.staff)).toBe('Last action by Qalqan staff');
    expect(en.t(ACTED_BY.child.expiry)).toBe('Expired when its term ended');
    expect(en.t(ACTED_BY.child.system)).not.toMatch(/^Asked/);
    // The reader is "you", and a guardian theirs (from before they came of age), not "the child".
    expect(en.t(ACTED_BY.own.subject)).toBe('Last action by you');
    expect(en.t(ACTED_BY.own.guardian)).toBe('Last action by your guardian');
  });
});
