import i18next from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { CaseCard } from './cases-page';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';
import type { Case } from './soc-api';

const harvest: Case = {
  id: 'case_01J9',
  state: 'open',
  outcome: null,
  assignee: null,
  title: 'Actor loan-officer-14 of op_01M9',
  level: 'critical',
  operator: 'op_01M9',
  system: 'sys_01S7',
  actorId: 'loan-officer-14',
  subject: null,
  systemName: 'Online loan scoring',
  operatorName: {
    kk: '«Жылдам Қарыз» МҚҰ ЖШС',
    ru: 'ТОО МФО «Жылдам Карыз»',
    en: 'Zhyldam Karyz MFO LLP',
  },
  actorCode: 'A-7KQ2M',
  alertCount: 2,
  openedAt: '2026-12-05T21:00:00Z',
  updatedAt: '2026-12-05T21:13:00Z',
};

/** The card's text as a reader of `language` sees it, and its markup. */
async function cardIn(language: 'kk' | 'ru' | 'en', value: Case) {
  const i18n = i18next.createInstance();
  await i18n.init({
    lng: language,
    resources: { en: { soc: en }, ru: { soc: ru }, kk: { soc: kk } },
    interpolation: { escapeValue: false },
  });
  const html = renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(CaseCard, { value })),
  );
  const text = html
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return { html, text };
}

const times = (text: string, part: string) => text.split(part).length - 1;

describe('a case in the list of cases', () => {
  it('names the actor once, in the title, in every language', async () => {
    const titles = {
      en: 'Actor loan-officer-14 of Zhyldam Karyz MFO LLP',
      ru: 'Сотрудник loan-officer-14, оператор ТОО МФО «Жылдам Карыз»',
      kk: 'Қызметкер loan-officer-14, оператор «Жылдам Қарыз» МҚҰ ЖШС',
    };
    for (const language of ['en', 'ru', 'kk'] as const) {
      const { html, text } = await cardIn(language, harvest);
      expect(html, language).toContain(`href="/soc/cases/case_01J9">${titles[language]}</a>`);
      expect(times(text, 'loan-officer-14'), language).toBe(1);
      // No second "Actor: …" line under the title.
      expect(text, language).not.toContain(`${{ en, ru, kk }[language].alert.actor}:`);
    }
  });

  it('adds what the title lacks: the system by name and the actor’s code', async () => {
    const { html, text } = await cardIn('en', harvest);
    expect(text).toContain('Online loan scoring sys_01S7 · Actor’s code: A-7KQ2M');
    expect(html).toContain('<code class="soc-name">A-7KQ2M</code>');
    expect((await cardIn('ru', harvest)).text).toContain('Код сотрудника: A-7KQ2M');
    expect((await cardIn('kk', harvest)).text).toContain('Қызметкер коды: A-7KQ2M');
  });

  it('shows the system alone without a code, and no such line with neither', async () => {
    const { actorCode: _, ...uncoded } = harvest;
    const { text } = await cardIn('en', uncoded);
    expect(text).toContain('Online loan scoring sys_01S7');
    expect(text).not.toContain('code');
    expect(times(text, 'loan-officer-14')).toBe(1);
    const bare = { ...uncoded, system: null, systemName: undefined } as Case;
    expect((await cardIn('en', bare)).html).not.toContain('<p class="small">');
  });

  it('names a subject’s case by the subject, without an actor', async () => {
    const subject = { ...harvest, actorId: null, subject: 'p_5Qx' };
    const { text } = await cardIn('en', subject);
    expect(text).toContain('Subject p_5Qx');
    expect(text).not.toContain('A-7KQ2M');
  });
});
