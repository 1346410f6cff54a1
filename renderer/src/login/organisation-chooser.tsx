import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrganisationChoice } from '../../../common/api/schemas';
import type { AppError } from '../../../common/errors/error-codes';
import type { AppApi } from '../../../common/ipc/api';
import { errorMessageKey } from '../i18n/error-message';

export interface OrganisationChooserProps {
  api: Pick<AppApi, 'chooseOrganisation'>;
  organisations: readonly OrganisationChoice[];
  /** The organisation the session works in now (the one used last after a login): preselected. */
  current: string;
  /** Shown when the chooser was opened from the header: back without changing. */
  onCancel?: () => void;
  onChosen?: () => void;
}

/**
 * "Välj organisation" (source 004, several "arbetsgivarkoder"): after a login with several
 * organisations, and from the header's "Byt organisation". Ended ones can be chosen to read.
 */
export function OrganisationChooser({ api, organisations, current, onCancel, onChosen }: OrganisationChooserProps) {
  const { t } = useTranslation();
  const ids = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [chosen, setChosen] = useState(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => headingRef.current?.focus(), []);

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await api.chooseOrganisation({ organisationId: chosen });
    setBusy(false);
    if (result.ok) onChosen?.();
    else setError(result.error);
  };

  return (
    <section className="organisation-chooser" aria-labelledby={`${ids}-heading`}>
      <h2 id={`${ids}-heading`} ref={headingRef} tabIndex={-1}>
        {t('organisation.chooseTitle')}
      </h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <fieldset>
          <legend>{t('organisation.chooseIntro')}</legend>
          {organisations.map((o) => (
            <label key={o.id} className="organisation-chooser__option">
              <input
                type="radio"
                name={`${ids}-organisation`}
                value={o.id}
                checked={chosen === o.id}
                onChange={() => setChosen(o.id)}
              />
              {o.name}
              <span className="organisation-chooser__detail">
                {' '}
                ({t(`organisation.roles.${o.role}`)}
                {o.ended ? `, ${t('organisation.ended')}` : ''})
              </span>
            </label>
          ))}
        </fieldset>
        {error && (
          <p role="alert" className="app-error">
            {t(errorMessageKey(error.code))}
          </p>
        )}
        <div className="organisation-chooser__actions">
          <button type="submit" className="button-primary" aria-disabled={busy}>
            {t('organisation.continue')}
          </button>
          {onCancel && (
            <button type="button" onClick={onCancel}>
              {t('organisation.cancel')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
