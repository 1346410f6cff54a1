import { useTranslation } from 'react-i18next';
import type { LoginChoice } from '../../../common/card/login-readiness';
import { cardChoiceText } from './card-choice-text';

/**
 * Every card present, one radio button each (holder, HSA-id, validity, reader, whether it can log in);
 * the one chosen, or the default the readiness rule gives, is checked.
 */
export function CardChooser({ choice, onChoose }: { choice: LoginChoice; onChoose: (readerName: string) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="card-chooser" data-testid="card-chooser">
      <legend>{t('cardChoice.legend', { count: choice.candidates.length })}</legend>
      {choice.candidates.map((candidate, index) => {
        const text = cardChoiceText(candidate);
        const id = `card-choice-${index}`;
        const name = t(text.name.key, text.name.params);
        return (
          <div
            key={text.reader}
            className="card-chooser__card"
            data-testid="card-choice"
            data-reader={text.reader}
            data-can-log-in={text.canLogIn}
            data-default={choice.defaultReaderName === text.reader}
          >
            <input
              type="radio"
              id={id}
              name="card-choice"
              value={text.reader}
              checked={choice.readerName === text.reader}
              aria-describedby={`${id}-facts`}
              onChange={() => onChoose(text.reader)}
            />
            <label htmlFor={id}>{text.hsaId ? `${name} (${text.hsaId})` : name}</label>
            <ul id={`${id}-facts`} className="card-chooser__facts">
              {text.hsaId && <li>{t('card.hsaId', { hsaId: text.hsaId })}</li>}
              {text.validity && <li data-testid="card-choice-validity">{t(text.validity.key, text.validity.params)}</li>}
              <li>{t('card.reader', { name: text.reader })}</li>
              <li
                data-testid="card-choice-status"
                className={text.canLogIn ? 'card-chooser__status' : 'card-chooser__status card-chooser__status--problem'}
              >
                {text.canLogIn ? t(text.status.key) : t('cardChoice.cannotLogIn', { reason: t(text.status.key) })}
              </li>
            </ul>
          </div>
        );
      })}
    </fieldset>
  );
}
