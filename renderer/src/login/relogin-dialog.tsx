import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';

export interface ReloginDialogProps {
  onLogout: () => void;
  /** The login view: card status, PIN, troubleshooting. */
  children: ReactNode;
}

/**
 * Shown over the administration view when the backend ended the session mid-work: modal, on top
 * of any open form (so its input stays as typed), asking for the card and PIN again.
 */
export function ReloginDialog({ onLogout, children }: ReloginDialogProps) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  return (
    <dialog
      ref={dialog}
      className="relogin-dialog"
      aria-labelledby="relogin-title"
      data-testid="relogin-dialog"
      // Escape must not drop the user back into a window without a session.
      onCancel={(event) => event.preventDefault()}
    >
      <h2 id="relogin-title">{t('login.expiredTitle')}</h2>
      <p>{t('login.expiredKeep')}</p>
      {children}
      <div className="dialog-actions">
        <button type="button" onClick={onLogout}>
          {t('header.logout')}
        </button>
      </div>
    </dialog>
  );
}
