import { useTranslation } from 'react-i18next';
import { chooseLanguage } from '../i18n/i18n';
import { LANGUAGE_NAMES, LANGUAGES } from '../i18n/languages';

/** Three buttons rather than a menu: one press to switch, each named in its own language. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <div className="languages" role="group" aria-labelledby="language-label">
      <span id="language-label" className="languages-label">
        {t('app.languageLabel')}
      </span>
      {LANGUAGES.map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          className="language-button"
          aria-pressed={i18n.resolvedLanguage === language}
          onClick={() => void chooseLanguage(language)}
        >
          {LANGUAGE_NAMES[language]}
        </button>
      ))}
    </div>
  );
}
