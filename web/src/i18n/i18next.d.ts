import 'i18next';
import type { en as socEn } from '../features/soc/locales/en';
import type { en } from './locales/en';

// Message keys are checked at compile time: `t('home.titel')` does not type-check. The monitoring
// centre's console has its own namespace, `soc`, loaded with its chunk (features/soc/soc-i18n.ts).
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en; soc: typeof socEn };
  }
}
