import { lazy, type ReactNode, Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { signInUrl } from '../api/citizen-api';
import { ErrorBoundary } from '../components/error-boundary';
import { ErrorMessage } from '../components/error-message';
import { LanguageSwitcher } from '../components/language-switcher';
import { HomePage } from '../pages/home-page';
import { NotFoundPage } from '../pages/not-found-page';
import {
  CITIZEN_PAGES,
  type CitizenPage,
  Link,
  type Page,
  pageOf,
  PATHS,
  usePathname,
} from './router';
import { SessionProvider, useSession } from './session';

// Every page but the home page is its own chunk, fetched when first opened.
const TransparencyPage = lazy(() =>
  import('../pages/transparency/transparency-page').then((m) => ({ default: m.TransparencyPage })),
);
const SocConsole = lazy(() =>
  import('../features/soc/soc-console').then((m) => ({ default: m.SocConsole })),
);
const SignInPage = lazy(() => import('./sign-in-page').then((m) => ({ default: m.SignInPage })));
const CITIZEN: Record<CitizenPage, ReturnType<typeof lazy>> = {
  accesses: lazy(() =>
    import('../features/accesses/accesses-page').then((m) => ({ default: m.AccessesPage })),
  ),
  consents: lazy(() =>
    import('../features/consents/consents-page').then((m) => ({ default: m.ConsentsPage })),
  ),
  requests: lazy(() =>
    import('../features/requests/requests-page').then((m) => ({ default: m.RequestsPage })),
  ),
  inbox: lazy(() => import('../features/inbox/inbox-page').then((m) => ({ default: m.InboxPage }))),
  children: lazy(() =>
    import('../features/children/children-page').then((m) => ({ default: m.ChildrenPage })),
  ),
};

const isCitizenPage = (page: Page): page is CitizenPage =>
  (CITIZEN_PAGES as readonly string[]).includes(page);

/** A citizen page needs a session: without one it offers sign-in and returns here after. */
function RequireSession({
  children,
  pathname,
}: {
  readonly children: ReactNode;
  readonly pathname: string;
}) {
  const { t } = useTranslation();
  const { view } = useSession();
  if (view.status === 'loading') return <p aria-live="polite">{t('portal.loading')}</p>;
  if (view.status === 'failed') return <ErrorMessage error={view.error} />;
  if (!view.signedIn)
    return (
      <section className="panel" data-state="signed-out">
        <h1 id="page-title" tabIndex={-1}>
          {t('portal.signInTitle')}
        </h1>
        {view.ended && (
          <p className="notice">
            {t(
              `portal.ended.${view.ended === 'idle' ? 'idle' : view.ended === 'expired' ? 'expired' : 'revoked'}`,
            )}
          </p>
        )}
        <p>{t('portal.signInBody')}</p>
        <a className="button" href={signInUrl(pathname)}>
          {t('portal.signIn')}
        </a>
      </section>
    );
  return <>{children}</>;
}

function PageContent({ page, pathname }: { readonly page: Page; readonly pathname: string }) {
  if (isCitizenPage(page)) {
    const Citizen = CITIZEN[page];
    return (
      <RequireSession pathname={pathname}>
        <Citizen />
      </RequireSession>
    );
  }
  switch (page) {
    case 'home':
      return <HomePage />;
    case 'transparency':
      return <TransparencyPage />;
    case 'signIn':
      return <SignInPage />;
    case 'soc':
      return <SocConsole pathname={pathname} />;
    case 'not-found':
      return <NotFoundPage path={pathname} />;
  }
}

function CitizenNav({ page }: { readonly page: Page }) {
  const { t } = useTranslation();
  const { view, signOut } = useSession();
  if (view.status !== 'ready' || !view.signedIn || !isCitizenPage(page)) return null;
  return (
    <nav aria-label={t('portal.navLabel')} className="citizen-nav container">
      <ul>
        {CITIZEN_PAGES.map((target) => (
          <li key={target}>
            <Link to={PATHS[target]} aria-current={page === target ? 'page' : undefined}>
              {t(`portal.nav.${target}`)}
            </Link>
          </li>
        ))}
        <li>
          <button type="button" className="link-button" onClick={() => void signOut()}>
            {t('portal.signOut')}
          </button>
        </li>
      </ul>
    </nav>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const { t } = useTranslation();
  const pathname = usePathname();
  const page = pageOf(pathname);

  // After an in-app navigation, move focus to the new page's heading so keyboard and screen
  // reader users start reading there, as they would after a full page load.
  // Compared with the last path rather than "skip the first effect", which is not the same
  // thing when React runs an effect twice (a remount after suspending, StrictMode).
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    window.scrollTo(0, 0);
    document.getElementById('page-title')?.focus();
  }, [pathname]);

  const current = (target: Page) => (page === target ? ('page' as const) : undefined);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipLink')}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to={PATHS.home} className="brand">
            <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
              <path d="M16 2 4 6.5v8.7C4 22.6 9.1 28.4 16 30c6.9-1.6 12-7.4 12-14.8V6.5L16 2Z" />
            </svg>
            <span className="brand-text">
              <span className="brand-name">Qalqan</span>
              <span className="brand-tagline">{t('app.brandTagline')}</span>
            </span>
          </Link>
          <nav aria-label={t('app.navLabel')} className="site-nav">
            <ul>
              <li>
                <Link to={PATHS.home} aria-current={current('home')}>
                  {t('home.nav')}
                </Link>
              </li>
              <li>
                <Link to={PATHS.transparency} aria-current={current('transparency')}>
                  {t('transparency.nav')}
                </Link>
              </li>
              <li>
                <Link to={PATHS.consents} aria-current={isCitizenPage(page) ? 'page' : undefined}>
                  {t('portal.navMine')}
                </Link>
              </li>
            </ul>
          </nav>
          <LanguageSwitcher />
        </div>
      </header>
      <CitizenNav page={page} />
      <main id="main" tabIndex={-1} className="container">
        <ErrorBoundary resetKey={pathname}>
          <Suspense fallback={<p aria-live="polite">{t('portal.loading')}</p>}>
            <PageContent page={page} pathname={pathname} />
          </Suspense>
        </ErrorBoundary>
      </main>
      <footer className="site-footer">
        <div className="container footer-inner">
          <p>{t('app.footerLicence')}</p>
          <nav aria-label={t('app.footerLinksLabel')}>
            <ul>
              <li>
                <a href="/docs">{t('links.docs')}</a>
              </li>
              <li>
                <a href="/openapi.json">{t('links.openapi')}</a>
              </li>
            </ul>
          </nav>
        </div>
      </footer>
    </>
  );
}
