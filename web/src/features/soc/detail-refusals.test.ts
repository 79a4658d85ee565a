import i18next from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import { ErrorMessage } from '../../components/error-message';
import { resources } from '../../i18n/i18n';
import { LANGUAGES } from '../../i18n/languages';
import { recordRefusals, type RecordPage } from './detail-refusals';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';

const soc = { en, ru, kk } as const;

/** What `GET /v1/monitor/<records>/:id` answers for an id of the right form that names nothing. */
const missing = (page: RecordPage) =>
  new ApiError({
    kind: 'problem',
    status: 404,
    problem: {
      title: `No such ${page}`,
      detail: `No ${page} nope`,
      status: 404,
      code: `monitor.${page}_not_found`,
      requestId: 'req-404',
    },
  });

/** What it answers for an id not of the record's form (Fastify's schema validation). */
const malformed = new ApiError({
  kind: 'problem',
  status: 400,
  problem: {
    title: 'The request is not valid',
    detail: 'params caseId must match pattern "^case_[0-9A-Z]{26}$"',
    status: 400,
    code: 'request.validation',
    requestId: 'req-400',
  },
});

/** The refusal as the record's page shows it to a reader of `language`. */
async function shownIn(
  language: (typeof LANGUAGES)[number],
  page: RecordPage,
  error: ApiError,
): Promise<string> {
  const i18n = i18next.createInstance();
  await i18n.init({
    lng: language,
    resources: Object.fromEntries(
      LANGUAGES.map((lng) => [lng, { ...resources[lng], soc: soc[lng] }]),
    ),
    interpolation: { escapeValue: false },
  });
  const worded = recordRefusals(i18n.getFixedT(language, 'soc'), page);
  return renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(ErrorMessage, { error, worded })),
  );
}

describe('opening an alert, a case or an incident that is not there', () => {
  it('says there is no such record in the reader’s language, keeping the code and request id', async () => {
    for (const language of LANGUAGES)
      for (const page of ['alert', 'case', 'incident'] as const) {
        const html = await shownIn(language, page, missing(page));
        expect(html, `${language} ${page}`).toContain(soc[language][page].notFound);
        expect(html, `${language} ${page}`).not.toContain('No such');
        expect(html, `${language} ${page}`).toContain(`monitor.${page}_not_found`);
        expect(html, `${language} ${page}`).toContain('req-404');
      }
  });

  it('says an id of the wrong form is not a valid id, not the route’s pattern in English', async () => {
    for (const language of LANGUAGES)
      for (const page of ['alert', 'case', 'incident'] as const) {
        const html = await shownIn(language, page, malformed);
        expect(html, `${language} ${page}`).toContain(soc[language][page].badId);
        expect(html, `${language} ${page}`).not.toContain('must match pattern');
        expect(html, `${language} ${page}`).not.toContain('The request is not valid');
        expect(html, `${language} ${page}`).toContain('request.validation');
        expect(html, `${language} ${page}`).toContain('req-400');
      }
  });

  it('has its own words for each kind of record', () => {
    for (const language of LANGUAGES) {
      const texts = (['alert', 'case', 'incident'] as const).flatMap((page) => [
        soc[language][page].notFound,
        soc[language][page].badId,
      ]);
      expect(new Set(texts).size, language).toBe(6);
    }
  });
});
