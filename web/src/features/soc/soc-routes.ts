/** The console's own paths, under `/soc` (the shell hands every `/soc…` path to the console). */
export const SOC_PATHS = {
  feed: '/soc',
  cases: '/soc/cases',
  responses: '/soc/responses',
  incidents: '/soc/incidents',
  rules: '/soc/rules',
  lists: '/soc/lists',
  alert: (id: string) => `/soc/alerts/${encodeURIComponent(id)}`,
  case: (id: string) => `/soc/cases/${encodeURIComponent(id)}`,
  incident: (id: string) => `/soc/incidents/${encodeURIComponent(id)}`,
} as const;

export type SocRoute =
  | { readonly page: 'feed' | 'cases' | 'responses' | 'incidents' | 'rules' | 'lists' }
  | { readonly page: 'alert' | 'case' | 'incident'; readonly id: string }
  | { readonly page: 'not-found' };

export function socRouteOf(pathname: string): SocRoute {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const parts = path.split('/').slice(2);
  const [section, id, ...rest] = parts.map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return '';
    }
  });
  if (rest.length > 0) return { page: 'not-found' };
  if (section === undefined) return { page: 'feed' };
  if (id === undefined) {
    if (section === 'cases' || section === 'responses' || section === 'incidents')
      return { page: section };
    if (section === 'rules' || section === 'lists') return { page: section };
    return { page: 'not-found' };
  }
  if (id === '') return { page: 'not-found' };
  if (section === 'alerts') return { page: 'alert', id };
  if (section === 'cases') return { page: 'case', id };
  if (section === 'incidents') return { page: 'incident', id };
  return { page: 'not-found' };
}
