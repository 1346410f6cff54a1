import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ModalDialogProps {
  title: string;
  /** Called on Escape, the close button, or "Avbryt"; the parent unmounts the dialog. */
  onClose(): void;
  children: ReactNode;
  /** Optional description read with the title (the confirmation text). */
  describedBy?: string;
  /** The dialog's role: alertdialog for confirmations. */
  role?: 'dialog' | 'alertdialog';
}

/**
 * A modal on the native <dialog>: the browser traps focus and makes the page behind inert; focus
 * goes to the first field (or the element marked autoFocus) and returns to where it came from when
 * the dialog closes. Escape closes it through onClose so the parent's state stays the truth.
 */
export function ModalDialog({ title, onClose, children, describedBy, role = 'dialog' }: ModalDialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const autofocus = dialog.querySelector<HTMLElement>('[data-autofocus]');
    autofocus?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (returnTo?.isConnected) returnTo.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="admin-dialog"
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
    >
      <div className="admin-dialog__header">
        <h2 id={titleId} className="admin-dialog__title">
          {title}
        </h2>
        <button type="button" className="admin-icon-button" aria-label={t('admin.common.close')} onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {children}
    </dialog>
  );
}
