/**
 * The monitoring centre's console, one lazily loaded chunk for every `/soc…` path: staff sign in
 * with a staff token (held as a session cookie), then see the live alert feed, cases with their
 * timelines and responses, incidents with their notification clocks, the rules, and the
 * reference lists the rules read.
 */
import './soc-i18n';
import './soc.css';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../../app/router';
import { ErrorMessage } from '../../components/error-message';
import { NotFoundPage } from '../../pages/not-found-page';
import { AlertPage } from './alert-page';
import { CasePage, CasesPage } from './cases-page';
import { FeedPage } from './feed-page';
import { IncidentPage, IncidentsPage } from './incidents-page';
import { ListsPage } from './lists-page';
import { ResponsesPage } from './responses';
import { RulesPage } from './rules-page';
import { SignInForm } from './sign-in-form';
import { SOC_PATHS, type SocRoute, socRouteOf } from './soc-routes';
import { StaffSessionProvider, useStaff } from './soc-session';

const SECTIONS = ['feed', 'cases', 'responses', 'incidents', 'rules', 'lists'] as const;
type Section = (typeof SECTIONS)[number];

const sectionOf = (route: SocRoute): Section | undefined => {
  switch (route.page) {
    case 'alert':
      return 'feed';
    case 'case':
      return 'cases';
    case 'incident':
      return 'incidents';
    case 'not-found':
      return undefined;
    case 'feed':
    case 'cases':
    case 'responses':
    case 'incidents':
    case 'rules':
    case 'lists':
      return route.page;
  }
};

function ConsoleNav({ route }: { readonly route: SocRoute }) {
  const { t } = useTranslation('soc');
  const { view, signOut } = useStaff();
  if (view.status !== 'ready' || !view.signedIn) return null;
  const current = sectionOf(route);
  return (
    <nav aria-label={t('nav.label')} className="soc-nav">
      <ul>
        {SECTIONS.map((section) => (
          <li key={section}>
            <Link to={SOC_PATHS[section]} aria-current={current === section ? 'page' : undefined}>
              {t(`nav.${section}`)}
            </Link>
          </li>
        ))}
      </ul>
      <p className="soc-who small">
        {t('signedInAs', {
          name: view.session.name,
          roles: view.session.roles
            .map((role) =>
              role === 'soc' || role === 'regulator' || role === 'auditor'
                ? t(`role.${role}`)
                : role,
            )
            .join(', '),
        })}{' '}
        <button type="button" className="link-button" onClick={() => void signOut()}>
          {t('signOut')}
        </button>
      </p>
    </nav>
  );
}

function ConsolePage({ route, pathname }: { readonly route: SocRoute; readonly pathname: string }) {
  const { t } = useTranslation('soc');
  const { view } = useStaff();
  // Signing in or out replaces the page in place: move focus to the new page's heading, as a
  // navigation would, so keyboard and screen-reader users start there.
  const signedIn = view.status === 'ready' ? view.signedIn : undefined;
  const shown = useRef(signedIn);
  useEffect(() => {
    if (signedIn === undefined || shown.current === signedIn) return;
    const before = shown.current;
    shown.current = signedIn;
    if (before !== undefined) document.getElementById('page-title')?.focus();
  }, [signedIn]);
  if (view.status === 'loading') return <p aria-live="polite">{t('loading')}</p>;
  if (view.status === 'failed') return <ErrorMessage error={view.error} />;
  if (!view.signedIn) return <SignInForm ended={view.ended} />;
  switch (route.page) {
    case 'feed':
      return <FeedPage />;
    case 'alert':
      return <AlertPage id={route.id} />;
    case 'cases':
      return <CasesPage />;
    case 'case':
      return <CasePage id={route.id} />;
    case 'responses':
      return <ResponsesPage />;
    case 'incidents':
      return <IncidentsPage />;
    case 'incident':
      return <IncidentPage id={route.id} />;
    case 'rules':
      return <RulesPage />;
    case 'lists':
      return <ListsPage />;
    case 'not-found':
      return <NotFoundPage path={pathname} />;
  }
}

export function SocConsole({ pathname }: { readonly pathname: string }) {
  const route = socRouteOf(pathname);
  return (
    <StaffSessionProvider>
      <div className="soc">
        <ConsoleNav route={route} />
        <ConsolePage key={pathname} route={route} pathname={pathname} />
      </div>
    </StaffSessionProvider>
  );
}
