/**
 * Routing without a library: the path is read from `location`, links push history entries, and
 * the server's SPA fallback answers deep links such as `/me/consents`. Pages other than the home
 * page are loaded lazily (see app.tsx), so the first load carries only the shell.
 */
import {
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
  useSyncExternalStore,
} from 'react';

export const PATHS = {
  home: '/',
  transparency: '/transparency',
  signIn: '/sign-in',
  accesses: '/me/accesses',
  consents: '/me/consents',
  requests: '/me/requests',
  inbox: '/me/inbox',
  children: '/me/children',
  soc: '/soc',
} as const;

/** `soc` stands for every `/soc…` path: the monitoring centre's console routes inside itself. */
export type Page = keyof typeof PATHS | 'not-found';

/** The citizen's pages, in the order of their navigation. */
export const CITIZEN_PAGES = ['accesses', 'consents', 'requests', 'inbox', 'children'] as const;
export type CitizenPage = (typeof CITIZEN_PAGES)[number];

export function pageOf(pathname: string): Page {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/me') return 'consents';
  if (path === '/soc' || path.startsWith('/soc/')) return 'soc';
  for (const [page, target] of Object.entries(PATHS)) if (path === target) return page as Page;
  return 'not-found';
}

const NAVIGATED = 'qalqan:navigated';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATED));
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  readonly to: string;
  readonly children: ReactNode;
};

/** An ordinary link that navigates in place; modified clicks (new tab, download) are left alone. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={follow} {...rest}>
      {children}
    </a>
  );
}
