import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NewUser } from '../../../common/api/schemas';
import { ModalDialog } from './modal-dialog';
import { USER_FIELDS, validateUserForm, type UserField, type UserFieldErrors, type UserFormValues } from './form-errors';

/** What the parent answers to "Spara": done, or errors to show (and fresh values on a conflict). */
export type UserFormOutcome =
  { ok: true } | { ok: false; fields: UserFieldErrors; message: string | null; values?: UserFormValues };

export interface UserFormDialogProps {
  title: string;
  intro: string;
  initial: UserFormValues;
  onSubmit(user: NewUser): Promise<UserFormOutcome>;
  onClose(): void;
}

const AUTOCOMPLETE: Record<UserField, string> = { givenName: 'off', surname: 'off', hsaId: 'off', email: 'off' };

/**
 * "Lägg till användare" and "Ändra användare": four mandatory fields validated as you type with the
 * server's schema. A field's message shows as soon as the field is changed or left (or on
 * "Spara") and follows every keystroke; a server refusal stays on its field until it changes.
 */
export function UserFormDialog({ title, intro, initial, onSubmit, onClose }: UserFormDialogProps) {
  const { t } = useTranslation();
  const baseId = useId();
  const [values, setValues] = useState<UserFormValues>(initial);
  const [touched, setTouched] = useState<Partial<Record<UserField, boolean>>>({});
  const [serverErrors, setServerErrors] = useState<UserFieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const inputs = useRef<Partial<Record<UserField, HTMLInputElement | null>>>({});

  const validation = validateUserForm(values);
  const clientErrors = validation.ok ? {} : validation.fields;
  const errorFor = (field: UserField): string | undefined =>
    serverErrors[field] ?? (touched[field] || submitted || values[field] !== initial[field] ? clientErrors[field] : undefined);

  const change = (field: UserField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setServerErrors((e) => {
      if (!(field in e)) return e;
      const next = { ...e };
      delete next[field];
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    setSubmitted(true);
    setMessage(null);
    if (!validation.ok) {
      const first = USER_FIELDS.find((f) => validation.fields[f]);
      if (first) inputs.current[first]?.focus();
      return;
    }
    setSaving(true);
    const outcome = await onSubmit(validation.user);
    if (outcome.ok) return; // the parent closes the dialog
    setSaving(false);
    if (outcome.values) {
      setValues(outcome.values);
      setTouched({});
      setSubmitted(false);
    }
    setServerErrors(outcome.fields);
    setMessage(outcome.message);
    const first = USER_FIELDS.find((f) => outcome.fields[f]);
    if (first) inputs.current[first]?.focus();
  };

  const messageId = `${baseId}-message`;
  return (
    <ModalDialog title={title} onClose={onClose}>
      <form className="admin-form" noValidate onSubmit={(e) => void submit(e)}>
        <p className="admin-form__intro">{intro}</p>
        {message && (
          <p id={messageId} role="alert" className="admin-alert admin-alert--error">
            {message}
          </p>
        )}
        {USER_FIELDS.map((field, index) => {
          const id = `${baseId}-${field}`;
          const error = errorFor(field);
          const hintId = field === 'hsaId' ? `${id}-hint` : undefined;
          const errorId = error ? `${id}-error` : undefined;
          return (
            <div key={field} className="admin-field">
              <label htmlFor={id} className="admin-field__label">
                {t(`admin.fields.${field}`)}
                <span className="admin-field__required"> ({t('admin.common.required')})</span>
              </label>
              {hintId && (
                <span id={hintId} className="admin-field__hint">
                  {t('admin.fields.hsaIdHint')}
                </span>
              )}
              <input
                id={id}
                name={field}
                ref={(el) => {
                  inputs.current[field] = el;
                }}
                type={field === 'email' ? 'email' : 'text'}
                autoComplete={AUTOCOMPLETE[field]}
                spellCheck={false}
                required
                aria-required="true"
                aria-invalid={error ? 'true' : 'false'}
                aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
                data-autofocus={index === 0 ? '' : undefined}
                value={values[field]}
                onChange={(e) => change(field, e.target.value)}
                onBlur={() => setTouched((v) => (v[field] ? v : { ...v, [field]: true }))}
              />
              {error && (
                <span id={errorId} className="admin-field__error">
                  {error}
                </span>
              )}
            </div>
          );
        })}
        <div className="admin-form__actions">
          <button type="submit" className="admin-button admin-button--primary" aria-disabled={saving}>
            {saving ? t('admin.common.saving') : t('admin.common.save')}
          </button>
          <button type="button" className="admin-button" onClick={onClose}>
            {t('admin.common.cancel')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
