import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../hooks/use-document-title';

/** The console's pages, each with a tab title of its own. */
export type ConsolePage =
  | 'signIn'
  | 'feed'
  | 'cases'
  | 'responses'
  | 'incidents'
  | 'rules'
  | 'lists'
  | 'alert'
  | 'case'
  | 'incident';

/** Each page's name as the console shows it: its section in the navigation, or what it shows. */
const PAGE_NAME = {
  signIn: 'signIn.submit',
  feed: 'nav.feed',
  cases: 'nav.cases',
  responses: 'nav.responses',
  incidents: 'nav.incidents',
  rules: 'nav.rules',
  lists: 'nav.lists',
  alert: 'alert.title',
  case: 'case.title',
  incident: 'incident.title',
} as const satisfies Record<ConsolePage, string>;

export const CONSOLE_PAGES = Object.keys(PAGE_NAME) as readonly ConsolePage[];

/**
 * A console page's tab title in the reader's language, the page's name first ("Cases — Qalqan
 * monitoring centre"): tabs, history and a screen reader's announcement on navigation tell the
 * pages apart by their first words.
 */
export function consoleTitle(t: TFunction<'soc'>, page: ConsolePage): string {
  return t('documentTitle', { page: t(PAGE_NAME[page]) });
}

export function useConsoleTitle(page: ConsolePage): void {
  const { t } = useTranslation('soc');
  useDocumentTitle(consoleTitle(t, page));
}
