import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppError } from '../../../common/errors/error-codes';
import type { PinState } from '../../../common/card/card-state';
import { errorMessageKey } from '../i18n/error-message';
import { PinTriesLine } from './pin-tries-line';

export interface PinDialogProps {
  pin: PinState;
  busy: boolean;
  error: AppError | null;
  /** Receives the PIN once; the field is cleared before this is called. */
  onSubmit: (pin: string) => void;
  onCancel: () => void;
  /** Texts for other uses than login (the diagnostics view's test signature). */
  texts?: { title: string; submit: string; busy: string };
}

/**
 * Asks for the PIN. The field is uncontrolled, so the PIN never sits in React state or a store;
 * it is read once on submit, the field cleared, and handed to main.
 */
export function PinDialog({ pin, busy, error, onSubmit, onCancel, texts }: PinDialogProps) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    field.current?.focus();
    return () => element?.close();
  }, []);

  useEffect(() => {
    if (!busy) field.current?.focus();
  }, [busy, error]);

  const triesLeft = error?.code === 'pin-incorrect' && error.details?.triesLeft ? Number(error.details.triesLeft) : null;
  const message = error ? (triesLeft !== null ? t('pin.triesLeft', { count: triesLeft }) : t(errorMessageKey(error.code))) : null;

  return (
    <dialog
      ref={dialog}
      className="pin-dialog"
      aria-labelledby="pin-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          const input = field.current;
          if (!input || busy) return;
          const value = input.value;
          input.value = '';
          if (value.length > 0) onSubmit(value);
        }}
      >
        <h2 id="pin-dialog-title">{texts?.title ?? t('pin.title')}</h2>
        <label htmlFor="pin-field">{t('pin.label')}</label>
        <input
          ref={field}
          id="pin-field"
          name="pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={pin.maxLength || 64}
          aria-describedby="pin-hint pin-tries pin-error"
          aria-invalid={error ? true : undefined}
          disabled={busy}
        />
        <p id="pin-hint" className="pin-dialog__hint">
          {t('pin.hint', { min: pin.minLength, max: pin.maxLength })}
        </p>
        {!error && <PinTriesLine pin={pin} id="pin-tries" />}
        {(pin.finalTry || triesLeft === 1) && (
          <p className="pin-dialog__warning" role="note">
            {t('pin.finalTryWarning')}
          </p>
        )}
        <p id="pin-error" className="pin-dialog__error" role="alert">
          {message}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} disabled={busy}>
            {t('pin.cancel')}
          </button>
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? (texts?.busy ?? t('pin.signing')) : (texts?.submit ?? t('pin.submit'))}
          </button>
        </div>
      </form>
    </dialog>
  );
}
