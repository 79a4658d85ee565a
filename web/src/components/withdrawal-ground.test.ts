import i18next from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../i18n/i18n';
import { type WithdrawalGround, WithdrawalGroundNote } from './withdrawal-ground';

const reason = { kk: 'Заң талабы', ru: 'Требование закона', en: 'Required by law' };

async function noteIn(
  language: 'kk' | 'ru' | 'en',
  ground: WithdrawalGround,
  when: 'now' | 'once-given',
) {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: language, resources, interpolation: { escapeValue: false } });
  return renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(WithdrawalGroundNote, { ground, when })),
  );
}

describe('why a withdrawal would be refused', () => {
  it('on a request, tells the citizen before they answer, with the reason, reference and end, in each language', async () => {
    const standing = { reason, reference: 'AML Art. 5', validUntil: null };
    const lapsing = { ...standing, validUntil: '2027-03-01T00:00:00Z' };
    const expected = {
      kk: [
        'Келісім берілгеннен кейін оны кері қайтаруға болмайды: Заң талабы (AML Art. 5).',
        /Келісім берілгеннен кейін оны .*2027.* дейін кері қайтаруға болмайды: Заң талабы \(AML Art\. 5\)\./,
      ],
      ru: [
        'После согласия отозвать его нельзя: Требование закона (AML Art. 5).',
        /После согласия отозвать его нельзя до .*2027.*: Требование закона \(AML Art\. 5\)\./,
      ],
      en: [
        'Once given, it cannot be withdrawn: Required by law (AML Art. 5).',
        /Once given, it cannot be withdrawn until .*2027.*: Required by law \(AML Art\. 5\)\./,
      ],
    } as const;
    for (const language of ['kk', 'ru', 'en'] as const) {
      const [plain, until] = expected[language];
      expect(await noteIn(language, standing, 'once-given'), language).toContain(plain);
      expect(await noteIn(language, lapsing, 'once-given'), language).toMatch(until);
    }
  });

  it('on a consent, says it cannot be withdrawn now', async () => {
    const html = await noteIn('en', { reason, reference: 'R', validUntil: null }, 'now');
    expect(html).toContain('It cannot be withdrawn: Required by law (R).');
    expect(html).toContain('data-withdrawal-ground="now"');
  });
});
