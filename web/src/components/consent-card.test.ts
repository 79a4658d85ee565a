import i18next from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../i18n/i18n';
import { consentIn } from '../test-support/consent';
import { actionsFor, ConsentCard, hasReceipt } from './consent-card';

const LANGUAGES = ['kk', 'ru', 'en'] as const;
const STATES = ['requested', 'active', 'paused', 'refused', 'withdrawn', 'expired'] as const;

async function cardIn(
  language: (typeof LANGUAGES)[number],
  props: Parameters<typeof ConsentCard>[0],
): Promise<string> {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: language, resources, interpolation: { escapeValue: false } });
  return renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(ConsentCard, props)),
  );
}

/** The labels of the card's buttons, in order. */
const buttons = (html: string) =>
  [...html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((match) => match[1]);

describe('what a consent’s card offers', () => {
  it('pause for an active consent, resume for a paused one, withdrawal for either, nothing after', () => {
    const offered = Object.fromEntries(STATES.map((state) => [state, actionsFor(state)]));
    expect(offered).toEqual({
      requested: [],
      active: ['pause', 'withdraw'],
      paused: ['resume', 'withdraw'],
      refused: [],
      withdrawn: [],
      expired: [],
    });
  });

  it('does not offer a withdrawal while a declared ground would refuse it, but still pause and resume', () => {
    expect(actionsFor('active', true)).toEqual(['pause']);
    expect(actionsFor('paused', true)).toEqual(['resume']);
  });

  it('says why a withdrawal would be refused, and until when, instead of offering it', async () => {
    const reason = { kk: 'Заң талабы', ru: 'Требование закона', en: 'Required by law' };
    const expected = {
      kk: [
        'Кері қайтаруға болмайды: Заң талабы (AML Art. 5).',
        /дейін кері қайтаруға болмайды: Заң талабы \(AML Art\. 5\)\./,
      ],
      ru: [
        'Отозвать нельзя: Требование закона (AML Art. 5).',
        /Отозвать нельзя до [^:]*2027[^:]*: Требование закона \(AML Art\. 5\)\./,
      ],
      en: [
        'It cannot be withdrawn: Required by law (AML Art. 5).',
        /It cannot be withdrawn until [^:]*2027[^:]*: Required by law \(AML Art\. 5\)\./,
      ],
    } as const;
    for (const language of LANGUAGES) {
      const [standing, until] = expected[language];
      const open = await cardIn(language, {
        consent: {
          ...consentIn('active'),
          withdrawalGround: { reason, reference: 'AML Art. 5', validUntil: null },
        },
      });
      expect(open, language).toContain(standing);
      expect(buttons(open), language).toHaveLength(2); // pause and the receipt: no withdrawal
      expect(open).not.toContain('data-action="withdraw"');
      const lapsing = await cardIn(language, {
        consent: {
          ...consentIn('paused'),
          withdrawalGround: { reason, reference: 'AML Art. 5', validUntil: '2027-03-01T00:00:00Z' },
        },
      });
      expect(lapsing, language).toMatch(until);
      expect(lapsing).not.toContain('data-action="withdraw"');
    }
    // Without a ground, nothing is said and withdrawal is offered.
    const plain = await cardIn('en', { consent: consentIn('active') });
    expect(plain).not.toContain('data-withdrawal-ground');
    expect(plain).toContain('data-action="withdraw"');
  });

  it('a receipt for every consent that was given, none for a request or a refusal', () => {
    expect(STATES.filter(hasReceipt)).toEqual(['active', 'paused', 'withdrawn', 'expired']);
  });

  it('shows the buttons in the reader’s language, the same for a child’s consent', async () => {
    const labels = {
      kk: [
        'Келісімді қайта жалғастыру',
        'Келісімді кері қайтару',
        'Қол қойылған түбіртекті жүктеу',
      ],
      ru: ['Возобновить согласие', 'Отозвать согласие', 'Скачать подписанную квитанцию'],
      en: ['Resume consent', 'Withdraw consent', 'Download signed receipt'],
    };
    for (const language of LANGUAGES)
      for (const childId of [undefined, 'grd_1']) {
        const html = await cardIn(language, {
          consent: consentIn('paused'),
          ...(childId ? { childId } : {}),
        });
        expect(buttons(html), `${language} ${childId}`).toEqual(labels[language]);
      }
  });

  it('titles the card at the level its page gives, named by the consent’s own words', async () => {
    const own = await cardIn('ru', { consent: consentIn('active') });
    expect(own).toMatch(/<h2 id="consent-cns_1" class="card-title">Лечение<\/h2>/);
    expect(own).toContain('aria-labelledby="consent-cns_1"');
    const child = await cardIn('en', {
      consent: consentIn('withdrawn'),
      childId: 'grd_1',
      headingLevel: 3,
      note: (consent) => `Last action by a guardian on ${consent.state}`,
    });
    expect(child).toMatch(/<h3 id="consent-cns_1" class="card-title">Treatment<\/h3>/);
    expect(child).toContain('Last action by a guardian on withdrawn');
    expect(buttons(child)).toEqual(['Download signed receipt']);
  });
});
