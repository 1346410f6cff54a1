import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TokenState } from '../../../common/card/card-state';
import type { AppError } from '../../../common/errors/error-codes';
import type { AppApi } from '../../../common/ipc/api';
import { errorMessageKey } from '../i18n/error-message';
import { checkNewPin, pinCareOffer, type PinCareMode } from './pin-care-rules';

export type PinCareApi = Pick<AppApi, 'changePin' | 'unblockPin'>;

/**
 * "Byt PIN-kod" and "Lås upp PIN-kod med PUK" for the card in a slot: what the card's state offers
 * (a locked PIN: unblock with the PUK; a blocked PUK: who can help instead). Used in the diagnostics
 * view and in the login view's troubleshooting.
 */
export function PinCare({ api, token }: { api: PinCareApi; token: TokenState }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<PinCareMode | null>(null);
  const [done, setDone] = useState<PinCareMode | null>(null);
  const offer = pinCareOffer(token.pin);
  return (
    <section className="pin-care" aria-labelledby="pin-care-heading" data-testid="pin-care">
      <h3 id="pin-care-heading">{t('cardCare.care.heading')}</h3>
      {offer.pukBlocked && (
        <p className="pin-care__who" data-testid="pin-care-who">
          {t('cardCare.care.whoCanUnblock')}
        </p>
      )}
      <div className="pin-care__actions" role="group" aria-labelledby="pin-care-heading">
        {offer.change && (
          <button type="button" onClick={() => (setDone(null), setMode('change'))}>
            {t('cardCare.care.change')}
          </button>
        )}
        {offer.unblock && (
          <button type="button" onClick={() => (setDone(null), setMode('unblock'))}>
            {t('cardCare.care.unblock')}
          </button>
        )}
      </div>
      <p role="status" data-testid="pin-care-done">
        {done === 'change' ? t('cardCare.care.changed') : done === 'unblock' ? t('cardCare.care.unblocked') : null}
      </p>
      {mode && (
        <PinCareDialog
          api={api}
          token={token}
          mode={mode}
          onClose={(succeeded) => {
            setMode(null);
            if (succeeded) setDone(mode);
          }}
        />
      )}
    </section>
  );
}

/**
 * The dialog: the current PIN (or the PUK) and the new PIN twice. The fields are uncontrolled: no
 * PIN sits in React state or a store; they are read once on submit and cleared.
 */
function PinCareDialog({
  api,
  token,
  mode,
  onClose,
}: {
  api: PinCareApi;
  token: TokenState;
  mode: PinCareMode;
  onClose: (succeeded: boolean) => void;
}) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const current = useRef<HTMLInputElement>(null);
  const next = useRef<HTMLInputElement>(null);
  const again = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ key: string; params?: Record<string, string | number> } | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    current.current?.focus();
    return () => element?.close();
  }, []);

  const errorText = (error: AppError): { key: string; params?: Record<string, string | number> } => {
    const tries = error.details?.triesLeft;
    const pukTries = error.details?.pukTriesLeft;
    if (error.code === 'pin-incorrect' && tries) return { key: 'pin.triesLeft', params: { count: Number(tries) } };
    if (error.code === 'puk-incorrect' && pukTries)
      return { key: 'cardCare.care.pukTriesLeft', params: { count: Number(pukTries) } };
    return { key: errorMessageKey(error.code) };
  };

  const submit = async () => {
    const fields = [current.current, next.current, again.current];
    if (busy || fields.some((field) => !field)) return;
    const [secret, newPin, repeated] = fields.map((field) => field!.value);
    for (const field of fields) field!.value = '';
    const invalid = checkNewPin(newPin!, repeated!, token.pin);
    if (invalid) {
      setProblem(invalid);
      current.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    const base = { slotId: token.slotId, certificateSha256: token.authCertificate?.sha256 ?? '' };
    const result =
      mode === 'change'
        ? await api.changePin({ ...base, oldPin: secret!, newPin: newPin! })
        : await api.unblockPin({ ...base, puk: secret!, newPin: newPin! });
    setBusy(false);
    if (result.ok) {
      onClose(true);
      return;
    }
    setProblem(errorText(result.error));
    current.current?.focus();
  };

  const id = (name: string) => `pin-care-${mode}-${name}`;
  return (
    <dialog
      ref={dialog}
      className="pin-dialog"
      aria-labelledby={id('title')}
      data-testid="pin-care-dialog"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose(false);
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h2 id={id('title')}>{t(mode === 'change' ? 'cardCare.care.changeTitle' : 'cardCare.care.unblockTitle')}</h2>
        <label htmlFor={id('current')}>{t(mode === 'change' ? 'cardCare.care.currentPin' : 'cardCare.care.puk')}</label>
        <input
          ref={current}
          id={id('current')}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={64}
          disabled={busy}
        />
        <label htmlFor={id('new')}>{t('cardCare.care.newPin')}</label>
        <input ref={next} id={id('new')} type="password" inputMode="numeric" autoComplete="off" maxLength={64} disabled={busy} />
        <label htmlFor={id('again')}>{t('cardCare.care.newPinAgain')}</label>
        <input
          ref={again}
          id={id('again')}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={64}
          disabled={busy}
        />
        <p className="pin-dialog__hint">{t('pin.hint', { min: token.pin.minLength, max: token.pin.maxLength })}</p>
        <p className="pin-dialog__error" role="alert" data-testid="pin-care-error">
          {problem ? t(problem.key, problem.params) : null}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={() => onClose(false)} disabled={busy}>
            {t('pin.cancel')}
          </button>
          <button type="submit" className="button-primary" disabled={busy}>
            {t(mode === 'change' ? 'cardCare.care.changeSubmit' : 'cardCare.care.unblockSubmit')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
