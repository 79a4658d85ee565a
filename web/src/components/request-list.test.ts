import i18next from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../i18n/i18n';
import { AnswerNotice } from './request-list';

async function shown(
  answer: 'approve' | 'refuse',
  forChild: boolean,
  withdrawable?: boolean,
  lng = 'en',
) {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources, interpolation: { escapeValue: false } });
  return renderToStaticMarkup(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(AnswerNotice, {
        answer,
        forChild,
        ...(withdrawable === undefined ? {} : { withdrawable }),
      }),
    ),
  );
}

const classes = (html: string) => /class="([^"]*)"/.exec(html)?.[1]?.split(' ');

describe('the answer on a request’s card', () => {
  it('shows a refusal as a neutral status, neither success nor error, for oneself or a child', async () => {
    for (const forChild of [false, true]) {
      const html = await shown('refuse', forChild);
      expect(html).toContain('role="status"');
      expect(html).toContain('Refused.');
      expect(classes(html)).toEqual(['notice', 'notice-neutral']);
    }
  });

  it('shows an approval as a success status', async () => {
    const html = await shown('approve', true);
    expect(html).toContain('role="status"');
    expect(html).toContain('under the child’s consents');
    expect(classes(html)).toEqual(['notice', 'notice-ok']);
  });

  it('does not promise a withdrawal a declared ground would refuse, in any language', async () => {
    for (const lng of ['kk', 'ru', 'en'])
      for (const forChild of [false, true]) {
        const free = await shown('approve', forChild, true, lng);
        const kept = await shown('approve', forChild, false, lng);
        expect(kept, `${lng} ${forChild}`).not.toBe(free);
        expect(kept).not.toMatch(/withdraw|отозвать|кері қайтар/i);
        expect(free).toMatch(/withdraw|отозвать|кері қайтар/i);
      }
  });
});
