/** The languages the app speaks, and how the first one is chosen. */
export const LANGUAGES = ['kk', 'ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, so a reader finds theirs whatever is shown now. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  kk: 'Қазақша',
  ru: 'Русский',
  en: 'English',
};

export const LANGUAGE_STORAGE_KEY = 'qalqan.language';

/** For a browser that prefers none of the three: Kazakh, the state language. */
export const FALLBACK_LANGUAGE: Language = 'kk';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language to start in: the one the reader chose before (remembered), else the first of the
 * browser's preferred languages that the app speaks (`ru-RU` counts as `ru`), else Kazakh.
 */
export function pickLanguage(
  remembered: string | null | undefined,
  preferred: readonly string[],
): Language {
  if (isLanguage(remembered)) return remembered;
  for (const tag of preferred) {
    const primary = tag.split('-')[0]?.toLowerCase();
    if (isLanguage(primary)) return primary;
  }
  return FALLBACK_LANGUAGE;
}
