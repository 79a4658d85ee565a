import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message';

export interface ConfirmDialogProps {
  readonly title: string;
  readonly children?: ReactNode;
  readonly confirmLabel: string;
  /** Asks for a reason (a required text) before the action can be confirmed. */
  readonly reasonLabel?: string;
  /** The reason may be left empty (a note rather than a reason). */
  readonly reasonOptional?: boolean;
  /** Danger styling for actions that block or suspend. */
  readonly danger?: boolean;
  /** Runs the action; the dialog stays open showing the error if it fails. */
  readonly onConfirm: (reason: string) => Promise<void>;
  /** Shows a failure in the page's own words (the shared error message otherwise). */
  readonly renderError?: (error: unknown) => ReactNode;
  readonly onClose: () => void;
}

/**
 * A modal confirmation on the native `<dialog>`: the browser keeps focus inside it and closes it
 * on Escape; focus starts on the reason field (or Cancel, so Enter never confirms by accident)
 * and returns to the button that opened it.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  reasonLabel,
  reasonOptional = false,
  danger = false,
  onConfirm,
  renderError,
  onClose,
}: ConfirmDialogProps) {
  const { t } = useTranslation('soc');
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog?.showModal();
    // showModal() focuses the dialog's first focusable element (the confirm button when there is
    // no reason field), overriding React's autoFocus, which runs before it: focus the intended one.
    dialog?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      dialog?.close();
      opener?.focus();
    };
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reasonLabel && !reasonOptional && reason.trim() === '') {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="soc-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={titleId}>{title}</h2>
        {children}
        {reasonLabel && (
          <div className="field soc-field">
            <label htmlFor={reasonId}>{reasonLabel}</label>
            <textarea
              id={reasonId}
              value={reason}
              rows={3}
              maxLength={500}
              required={!reasonOptional}
              data-autofocus
              aria-invalid={missing && reason.trim() === '' ? true : undefined}
              aria-describedby={missing ? `${reasonId}-error` : undefined}
              onChange={(event) => setReason(event.target.value)}
            />
            {missing && reason.trim() === '' && (
              <p id={`${reasonId}-error`} className="field-error">
                {t('response.reasonMissing')}
              </p>
            )}
          </div>
        )}
        {error !== undefined && (renderError ? renderError(error) : <ErrorMessage error={error} />)}
        <div className="actions">
          <button
            type="submit"
            className={`button ${danger ? 'button-danger' : 'button-primary'}`}
            disabled={busy}
          >
            {confirmLabel}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            data-autofocus={reasonLabel ? undefined : ''}
            onClick={onClose}
          >
            {t('dialog.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
