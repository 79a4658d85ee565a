import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBoundary } from './components/error-boundary';
import { LanguageSwitcher } from './components/language-switcher';
import { HomePage } from './pages/home-page';
import { NotFoundPage } from './pages/not-found-page';
import { TransparencyPage } from './pages/transparency/transparency-page';
import { Link, type Page, pageOf, PATHS, usePathname } from './router';

function PageContent({ page, pathname }: { readonly page: Page; readonly pathname: string }) {
  switch (page) {
    case 'home':
      return <HomePage />;
    case 'transparency':
      return <TransparencyPage />;
    case 'not-found':
      return <NotFoundPage path={pathname} />;
  }
}

export function App() {
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
            </ul>
          </nav>
          <LanguageSwitcher />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="container">
        <ErrorBoundary resetKey={pathname}>
          <PageContent page={page} pathname={pathname} />
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
