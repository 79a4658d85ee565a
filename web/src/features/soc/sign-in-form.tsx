import { type FormEvent, useId, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useStaff } from './soc-session';

/**
 * The refusals of a token worded in the reader's language: the server's text speaks of the API's
 * Authorization header, which the person at this form never sees.
 */
export const signInRefusals = (t: TFunction<'soc'>): Readonly<Record<string, string>> => ({
  'auth.unauthenticated': t('signIn.refused'),
});

/** Staff sign-in: the token is sent once and forgotten; the session lives in a cookie. */
export function SignInForm({ ended }: { readonly ended?: string | undefined }) {
  const { t } = useTranslation('soc');
  useDocumentTitle(t('documentTitle'));
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
        {error !== undefined && <ErrorMessage error={error} worded={signInRefusals(t)} />}
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('signIn.submitting') : t('signIn.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
