import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type EntryVerification, verifyEntry } from '../../api/ledger-api';
import { ErrorMessage } from '../../components/error-message';
import type { Checkpoint } from '../../ledger/checkpoint';
import { ProofResult } from './proof-result';

type Run =
  | { readonly state: 'idle' }
  | { readonly state: 'working'; readonly index: number }
  | { readonly state: 'done'; readonly result: EntryVerification }
  | { readonly state: 'failed'; readonly error: unknown };

/** Parses the typed index; digits only, so "1e3", "0x10" or " 7 " are not silently accepted. */
function parseIndex(text: string, size: number): number | undefined {
  if (!/^[0-9]{1,16}$/.test(text)) return undefined;
  const index = Number(text);
  return Number.isSafeInteger(index) && index < size ? index : undefined;
}

export function InclusionProofForm({
  checkpoint,
  signed,
}: {
  readonly checkpoint: Checkpoint;
  /** Whether the checkpoint's signature verified: a proof to an unsigned root proves nothing. */
  readonly signed: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const controller = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => controller.current?.abort(), []);

  const max = new Intl.NumberFormat(i18n.resolvedLanguage, { useGrouping: false }).format(
    Math.max(checkpoint.size - 1, 0),
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const index = parseIndex(text.trim(), checkpoint.size);
    setInvalid(index === undefined);
    if (index === undefined) return;
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setRun({ state: 'working', index });
    verifyEntry(index, checkpoint, current.signal).then(
      (result) => {
        if (!current.signal.aborted) setRun({ state: 'done', result });
      },
      (error: unknown) => {
        if (!current.signal.aborted) setRun({ state: 'failed', error });
      },
    );
  };

  return (
    <section aria-labelledby="proof-heading" className="panel">
      <h2 id="proof-heading">{t('proof.heading')}</h2>
      {checkpoint.size === 0 ? (
        <p>{t('proof.emptyTree')}</p>
      ) : (
        <>
          <p>{t('proof.body')}</p>
          <form className="proof-form" onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor="entry-index">{t('proof.indexLabel')}</label>
              <input
                id="entry-index"
                name="index"
                type="text"
                inputMode="numeric"
                autoComplete="off"
                spellCheck={false}
                value={text}
                onChange={(event) => setText(event.target.value)}
                aria-invalid={invalid}
                aria-describedby={
                  invalid ? 'entry-index-hint entry-index-error' : 'entry-index-hint'
                }
              />
              <p id="entry-index-hint" className="muted small">
                {t('proof.indexHint', { max })}
              </p>
              {invalid && (
                <p id="entry-index-error" className="field-error" role="alert">
                  {t('proof.invalidIndex', { max })}
                </p>
              )}
            </div>
            <button
              type="submit"
              className="button button-primary"
              disabled={run.state === 'working'}
            >
              {run.state === 'working' ? t('proof.working') : t('proof.submit')}
            </button>
          </form>
        </>
      )}
      <div aria-live="polite" className="proof-output">
        {run.state === 'failed' && <ErrorMessage error={run.error} />}
        {run.state === 'done' && (
          <ProofResult result={run.result} checkpoint={checkpoint} signed={signed} />
        )}
      </div>
    </section>
  );
}
