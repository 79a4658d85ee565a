/**
 * i18next set up for the browser: messages are bundled (three small languages load faster than
 * one extra request), the start language comes from `pickLanguage`, and every change is
 * remembered and written to `<html lang>` so screen readers and hyphenation follow it.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { type Language, LANGUAGE_STORAGE_KEY, LANGUAGES, pickLanguage } from './languages';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';

export const resources = {
  en: { translation: en },
  ru: { translation: ru },
  kk: { translation: kk },
} as const;

function readRemembered(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    // Storage can be disabled (privacy settings); the browser's preference is used instead.
    return null;
  }
}

function remember(language: string): void {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not remembering is acceptable; the language still changes for this visit.
  }
}

export async function setUpI18n(): Promise<i18n> {
  const language: Language = pickLanguage(readRemembered(), navigator.languages);
  i18next.on('languageChanged', (changed) => {
    document.documentElement.lang = changed;
  });
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    // React escapes text itself; escaping here would show entities such as &amp;.
    interpolation: { escapeValue: false },
  });
  return i18next;
}

/** Switches language at the reader's request and remembers the choice. */
export async function chooseLanguage(language: Language): Promise<void> {
  remember(language);
  await i18next.changeLanguage(language);
}
