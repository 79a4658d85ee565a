import 'i18next';
import type { en } from './locales/en';

// Message keys are checked at compile time: `t('home.titel')` does not type-check.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
