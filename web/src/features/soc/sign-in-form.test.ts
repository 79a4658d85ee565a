import { describe, expect, it } from 'vitest';
import { ApiError, problemOf } from '../../api/http';
import { LANGUAGES } from '../../i18n/languages';
import { errorShownIn, soc } from '../../test-support/worded-error';
import { signInRefusals } from './sign-in-form';

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

/**
 * What the server answers once an address has used up its failed attempts (src/http/
 * auth-failures.ts): the wait in the document's `retryAfterSeconds` and the Retry-After header.
 */
const tooMany = (body: object, retryAfter: string | null) =>
  new ApiError({
    kind: 'problem',
    status: 429,
    problem: problemOf(
      {
        type: 'urn:qalqan:problem:auth.too_many_failures',
        title: 'Too many failed authentication attempts from this address',
        status: 429,
        detail: 'Too many failed authentication attempts from this address; try again in 42 s.',
        code: 'auth.too_many_failures',
        requestId: 'req-9',
        ...body,
      },
      retryAfter,
    )!,
  });

/** The refusal's text as the sign-in form shows it to a reader of `language`. */
const refusalIn = (language: (typeof LANGUAGES)[number], error: ApiError = refused) =>
  errorShownIn(language, error, (t) => signInRefusals(t, error));

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

  it('words too many failed attempts in the reader’s language with the wait the server gives', async () => {
    const expected = {
      en: 'Try again in 42 seconds.',
      ru: 'До следующей попытки: 42 секунды.',
      kk: 'Келесі әрекетке дейін: 42 секунд.',
    } as const;
    for (const language of LANGUAGES) {
      const html = await refusalIn(language, tooMany({ retryAfterSeconds: 42 }, '42'));
      expect(html, language).toContain(expected[language]);
      expect(html, language).not.toContain('Too many failed authentication');
      expect(html, language).toContain('auth.too_many_failures');
      expect(html, language).toContain('req-9');
    }
  });

  it('reads the wait from Retry-After when the document has none, in minutes past a minute', async () => {
    const expected = {
      en: 'Try again in 2 minutes.',
      ru: 'До следующей попытки: 2 минуты.',
      kk: 'Келесі әрекетке дейін: 2 минут.',
    } as const;
    for (const language of LANGUAGES)
      expect(await refusalIn(language, tooMany({}, '90')), language).toContain(expected[language]);
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    expect(tooMany({}, later).failure).toMatchObject({
      problem: { retryAfterSeconds: expect.closeTo(3600, -1) as number },
    });
  });

  it('still words too many attempts when no wait is given', async () => {
    for (const language of LANGUAGES) {
      const html = await refusalIn(language, tooMany({}, null));
      expect(html, language).toContain(soc[language].signIn.tooManyNoWait);
    }
  });
});
