import i18next from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import { ErrorMessage } from '../../components/error-message';
import { resources } from '../../i18n/i18n';
import { LANGUAGES } from '../../i18n/languages';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';
import { signInRefusals } from './sign-in-form';

const soc = { en, ru, kk } as const;

/** What `POST /v1/staff/session` answers for a token it does not accept. */
const refused = new ApiError({
  kind: 'problem',
  status: 401,
  problem: {
    title: 'Authentication required',
    detail: 'This route needs credentials: send Authorization: Bearer <token>.',
    status: 401,
    code: 'auth.unauthenticated',
    requestId: 'req-7',
  },
});

/** The refusal's text as the sign-in form shows it to a reader of `language`. */
async function refusalIn(language: (typeof LANGUAGES)[number]): Promise<string> {
  const i18n = i18next.createInstance();
  await i18n.init({
    lng: language,
    resources: Object.fromEntries(
      LANGUAGES.map((lng) => [lng, { ...resources[lng], soc: soc[lng] }]),
    ),
    interpolation: { escapeValue: false },
  });
  const worded = signInRefusals(i18n.getFixedT(language, 'soc'));
  return renderToStaticMarkup(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(ErrorMessage, { error: refused, worded }),
    ),
  );
}

describe('the staff sign-in form', () => {
  it('names the prefix staff tokens are issued with, in every language', () => {
    // Tokens are qalqan_st_<id>_<secret> (src/registry/secret-keys.ts, docs/API.md).
    for (const language of LANGUAGES)
      expect(soc[language].signIn.tokenHint, language).toContain('qalqan_st_');
  });

  it('words a refused token in the reader’s language, not the API’s English, keeping its code', async () => {
    for (const language of LANGUAGES) {
      const html = await refusalIn(language);
      expect(html, language).toContain(soc[language].signIn.refused);
      expect(html, language).not.toContain('Authorization');
      expect(html, language).not.toContain('Authentication required');
      expect(html, language).toContain('auth.unauthenticated');
      expect(html, language).toContain('req-7');
    }
  });
});
