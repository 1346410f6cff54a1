import { useTranslation } from 'react-i18next';
import type { PinState } from '../../../common/card/card-state';
import { pinTriesText } from './pin-tries-text';

/** One line with the PIN tries left (login view, PIN dialog). */
export function PinTriesLine({ pin, id }: { pin: PinState; id?: string }) {
  const { t } = useTranslation();
  const text = pinTriesText(pin);
  return (
    <p
      id={id}
      className={`pin-tries pin-tries--${text.level}`}
      data-testid="pin-tries"
      data-tries-left={pin.triesLeft ?? ''}
      data-puk-tries-left={pin.pukTriesLeft ?? ''}
    >
      {t(text.key, text.params)}
    </p>
  );
}
