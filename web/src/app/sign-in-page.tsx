import { useTranslation } from 'react-i18next';
import { signInUrl } from '../api/citizen-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { PATHS } from './router';

const REASONS = [
  'state-mismatch',
  'no-login',
  'login-expired',
  'token-rejected',
  'provider-error',
  'no-iin',
  'invalid-iin',
] as const;
type Reason = (typeof REASONS)[number];

/** Where a refused sign-in lands: the reason in the reader's language, and a way to try again. */
export function SignInPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('portal.signInDocumentTitle'));
  const code = new URLSearchParams(window.location.search).get('error');
  const reason: Reason | 'other' | undefined =
    code === null
      ? undefined
      : (REASONS as readonly string[]).includes(code)
        ? (code as Reason)
        : 'other';
  return (
    <section className="panel">
      <h1 id="page-title" tabIndex={-1}>
        {t('portal.signInTitle')}
      </h1>
      {reason && (
        <div className="notice notice-error" role="alert" data-sign-in-error={code}>
          <p className="notice-title">{t('portal.signInFailed')}</p>
          <p>{t(`portal.signInError.${reason}`)}</p>
        </div>
      )}
      <p>{t('portal.signInBody')}</p>
      <a className="button" href={signInUrl(PATHS.consents)}>
        {t('portal.signIn')}
      </a>
    </section>
  );
}
