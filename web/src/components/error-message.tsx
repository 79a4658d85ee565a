import { useTranslation } from 'react-i18next';
import { signInUrl } from '../api/citizen-api';
import { ApiError } from '../api/http';

/** Refusals a citizen meets, worded in their language by code (the server's text is English). */
const WORDED = {
  'portal.csrf_failed': 'csrf',
  'portal.session_expired': 'expired',
  'consent.not_found': 'consentNotFound',
  'consent.child_not_found': 'childNotFound',
  'notify.not_found': 'notificationNotFound',
  'auth.forbidden': 'forbidden',
  'portal.sign_in_failed': 'signIn',
} as const;
const isCitizenPath = (path: string) => path === '/me' || path.startsWith('/me/');

const isWorded = (code: string | undefined): code is keyof typeof WORDED =>
  code !== undefined && Object.hasOwn(WORDED, code);

/**
 * Shows why something failed. A problem document from the server is shown as its own title and
 * detail (they name the exact cause, e.g. which parameter was wrong) with its code and request
 * id for a support ticket, except the refusals a citizen meets (CSRF, an ended session, a record
 * that is not theirs), which are worded in the reader's language; failures without a problem
 * document are worded in the reader's language too.
 */
export function ErrorMessage({
  error,
  worded,
}: {
  readonly error: unknown;
  /**
   * Refusals the page words itself, by code, already in the reader's language (the staff
   * console's sign-in words a refused token; the server's text names the API, not the form).
   */
  readonly worded?: Readonly<Record<string, string>>;
}) {
  const { t } = useTranslation();
  let title: string;
  let detail: string | undefined;
  let code: string | undefined;
  let requestId: string | undefined;
  if (error instanceof ApiError) {
    const failure = error.failure;
    switch (failure.kind) {
      case 'problem':
        ({ title, detail, code, requestId } = failure.problem);
        // A refusal the citizen meets is worded in their language; its code stays for support.
        if (code !== undefined && worded && Object.hasOwn(worded, code)) {
          title = worded[code]!;
          detail = undefined;
        } else if (isWorded(code)) {
          title = t(`errors.problem.${WORDED[code]}`);
          detail = undefined;
        }
        break;
      case 'http':
        title = t('errors.http', { status: failure.status });
        break;
      case 'network':
        title = t('errors.network');
        break;
      case 'format':
        title = t('errors.format');
        detail = failure.message;
        break;
    }
  } else {
    title = t('errors.unexpected');
    detail = error instanceof Error ? error.message : String(error);
  }
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{title}</p>
      {detail && <p>{detail}</p>}
      {code === 'portal.session_expired' && isCitizenPath(window.location.pathname) && (
        // Nothing was done, so the way on is to sign in again, and come back to this page after.
        // Only on the citizen's pages: the console's staff sessions end with the same code, and
        // staff sign in again with the console's own form, never through the citizen's provider.
        <p>
          <a className="button" href={signInUrl(window.location.pathname)} data-sign-in-again="">
            {t('portal.signIn')}
          </a>
        </p>
      )}
      {(code ?? requestId) && (
        <dl className="problem-ids">
          {code && (
            <div>
              <dt>{t('errors.code')}</dt>
              <dd>
                <code>{code}</code>
              </dd>
            </div>
          )}
          {requestId && (
            <div>
              <dt>{t('errors.requestId')}</dt>
              <dd>
                <code>{requestId}</code>
              </dd>
            </div>
          )}
        </dl>
      )}
    </div>
  );
}
