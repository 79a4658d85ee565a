import i18next from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { Consent } from '../api/citizen-api';
import { resources } from '../i18n/i18n';
import { consentIn } from '../test-support/consent';
import { ConsentList, inForce } from './consent-list';

const consent = (id: string, state: Consent['state']): Consent =>
  consentIn(state, { id, message: { kk: id, ru: id, en: id } });

async function listIn(lng: string, props: Parameters<typeof ConsentList>[0]) {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources, interpolation: { escapeValue: false } });
  return renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(ConsentList, props)),
  );
}

/** The headings in document order, as `h2:text`. */
const headings = (html: string) =>
  [...html.matchAll(/<(h[1-6])[^>]*>([^<]*)<\/h[1-6]>/g)].map(([, tag, text]) => `${tag}:${text}`);

describe('the consents, in force first and then ended', () => {
  it('puts active and paused consents under "In force", the rest under "Ended or refused", each in the server’s order', async () => {
    const consents = [
      consent('c1', 'withdrawn'),
      consent('c2', 'active'),
      consent('c3', 'refused'),
      consent('c4', 'paused'),
      consent('c5', 'expired'),
    ];
    expect(consents.filter(inForce).map((c) => c.id)).toEqual(['c2', 'c4']);
    const html = await listIn('en', { consents, level: 2 });
    expect(headings(html)).toEqual([
      'h2:In force',
      'h3:c2',
      'h3:c4',
      'h2:Ended or refused',
      'h3:c1',
      'h3:c3',
      'h3:c5',
    ]);
  });

  it('leaves out an empty section, and sits one level lower under a child’s heading, in each language', async () => {
    const titles = { kk: 'Күшінде', ru: 'Действуют', en: 'In force' } as const;
    for (const lng of ['kk', 'ru', 'en'] as const) {
      const html = await listIn(lng, {
        consents: [consent('c1', 'active')],
        level: 3,
        childId: 'grd_1',
      });
      expect(headings(html), lng).toEqual([`h3:${titles[lng]}`, 'h4:c1']);
    }
  });
});
