import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import { LANGUAGES } from '../../i18n/languages';
import { errorShownIn, soc } from '../../test-support/worded-error';
import { recordRefusals, type RecordPage } from './detail-refusals';

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
const shownIn = (language: (typeof LANGUAGES)[number], page: RecordPage, error: ApiError) =>
  errorShownIn(language, error, (t) => recordRefusals(t, page));

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
