import { type FormEvent, useId, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/http';
import { ErrorMessage } from '../../components/error-message';
import { useStaff } from './soc-session';
import { useConsoleTitle } from './console-title';

/** A wait in words, rounded up: seconds under a minute, else minutes (and hours). */
export function waitIn(t: TFunction<'soc'>, seconds: number): string {
  if (seconds < 60) return t('duration.seconds', { count: Math.max(1, Math.ceil(seconds)) });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return t('duration.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return [
    t('duration.hours', { count: hours }),
    ...(rest > 0 ? [t('duration.minutes', { count: rest })] : []),
  ].join(' ');
}

/**
 * The refusals of a sign-in worded in the reader's language: the server's text speaks of the
 * API's Authorization header, which the person at this form never sees, and of a limit on failed
 * attempts in English, the wait before the next one given only in its problem document (and the
 * Retry-After header), which `error` carries.
 */
export function signInRefusals(
  t: TFunction<'soc'>,
  error?: unknown,
): Readonly<Record<string, string>> {
  const wait =
    error instanceof ApiError && error.failure.kind === 'problem'
      ? error.failure.problem.retryAfterSeconds
      : undefined;
  const tooMany =
    wait === undefined ? t('signIn.tooManyNoWait') : t('signIn.tooMany', { wait: waitIn(t, wait) });
  return {
    'auth.unauthenticated': t('signIn.refused'),
    'auth.too_many_failures': tooMany,
    'request.rate_limited': tooMany,
  };
}

/** Staff sign-in: the token is sent once and forgotten; the session lives in a cookie. */
export function SignInForm({ ended }: { readonly ended?: string | undefined }) {
  const { t } = useTranslation('soc');
  useConsoleTitle('signIn');
  const { signIn } = useStaff();
  const tokenId = useId();
  const [token, setToken] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (token.trim() === '') {
      setMissing(true);
      // The last attempt's refusal is not about this one.
      setError(undefined);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token.trim());
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  const endedKey = ended === 'idle' ? 'idle' : ended === 'expired' ? 'expired' : 'revoked';
  return (
    <section className="panel soc-sign-in" data-state="signed-out">
      <h1 id="page-title" tabIndex={-1}>
        {t('signIn.title')}
      </h1>
      {ended && <p className="notice">{t(`signIn.ended.${endedKey}`)}</p>}
      <p>{t('signIn.intro')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="field soc-field">
          <label htmlFor={tokenId}>{t('signIn.tokenLabel')}</label>
          <input
            id={tokenId}
            name="token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            aria-invalid={missing && token.trim() === '' ? true : undefined}
            aria-describedby={`${tokenId}-hint${missing ? ` ${tokenId}-error` : ''}`}
            onChange={(event) => setToken(event.target.value)}
          />
          <p id={`${tokenId}-hint`} className="muted small">
            {t('signIn.tokenHint')}
          </p>
          {missing && token.trim() === '' && (
            <p id={`${tokenId}-error`} className="field-error">
              {t('signIn.tokenMissing')}
            </p>
          )}
        </div>
        {error !== undefined && <ErrorMessage error={error} worded={signInRefusals(t, error)} />}
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('signIn.submitting') : t('signIn.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
