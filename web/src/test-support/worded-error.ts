/**
 * An error as a console page shows it to a reader of one language: `ErrorMessage` with the
 * page's own wording (`worded`, built from the console's translations), rendered to HTML.
 */
import i18next, { type TFunction } from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import type { ApiError } from '../api/http';
import { ErrorMessage } from '../components/error-message';
import { resources } from '../i18n/i18n';
import { LANGUAGES } from '../i18n/languages';
import { en } from '../features/soc/locales/en';
import { kk } from '../features/soc/locales/kk';
import { ru } from '../features/soc/locales/ru';

export const soc = { en, ru, kk } as const;

export async function errorShownIn(
  language: (typeof LANGUAGES)[number],
  error: ApiError,
  wordedBy: (t: TFunction<'soc'>) => Readonly<Record<string, string>>,
): Promise<string> {
  const i18n = i18next.createInstance();
  await i18n.init({
    lng: language,
    resources: Object.fromEntries(
      LANGUAGES.map((lng) => [lng, { ...resources[lng], soc: soc[lng] }]),
    ),
    interpolation: { escapeValue: false },
  });
  const worded = wordedBy(i18n.getFixedT(language, 'soc'));
  return renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(ErrorMessage, { error, worded })),
  );
}
