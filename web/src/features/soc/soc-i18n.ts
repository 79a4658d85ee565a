/**
 * The console's messages as their own i18next namespace, `soc`, added when the console's chunk
 * loads: citizens and visitors never download them, and the shell's language switcher changes
 * them with everything else.
 */
import i18next from 'i18next';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';

export const SOC_NAMESPACE = 'soc';
export const socResources = { en, ru, kk } as const;

for (const [language, messages] of Object.entries(socResources)) {
  if (!i18next.hasResourceBundle(language, SOC_NAMESPACE))
    i18next.addResourceBundle(language, SOC_NAMESPACE, messages);
}
