import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { AppApi } from '../../../common/ipc/api';
import { errorMessageKey } from '../i18n/error-message';
import type { CardStoreState } from '../stores/card-store';
import type { SessionStoreState } from '../stores/session-store';
import { CardStatusPanel } from './card-status-panel';
import { loginChoice } from '../../../common/card/login-readiness';
import { CardChooser } from './card-chooser';
import { cardStageOf, isTransientStage } from './card-status';
import { PinCare } from './pin-care';
import { PinDialog } from './pin-dialog';
import { roleContacts } from './role-contacts';
import { TroubleshootingPanel } from './troubleshooting-panel';

export interface LoginViewProps {
  api: Pick<AppApi, 'getBackendHealth' | 'getSupportReport' | 'changePin' | 'unblockPin'>;
  cardStore: StoreApi<CardStoreState>;
  sessionStore: StoreApi<SessionStoreState>;
}

/** Card status live, then PIN, then the signed challenge; troubleshooting when something fails. */
export function LoginView({ api, cardStore, sessionStore }: LoginViewProps) {
  const { t } = useTranslation();
  const snapshot = useStore(cardStore, (state) => state.snapshot);
  const cardBusy = useStore(cardStore, (state) => state.busy);
  const cardError = useStore(cardStore, (state) => state.error);
  const session = useStore(sessionStore, (state) => state.session);
  const loggingIn = useStore(sessionStore, (state) => state.loggingIn);
  const loginError = useStore(sessionStore, (state) => state.loginError);
  const [pinOpen, setPinOpen] = useState(false);
  // The reader of the card the user chose among several (null: the rule's default).
  const [chosenReader, setChosenReader] = useState<string | null>(null);

  // The one readiness and choice rule (common/card), as the session in main applies it before the PIN.
  const choice = loginChoice(snapshot, chosenReader);
  const readiness = choice.readiness;
  const stage = cardStageOf(readiness);
  const blocker = choice.choiceRequired ? null : (readiness.blockers[0] ?? null);
  const blocked = blocker !== null || choice.choiceRequired;
  // A chosen card that was pulled is no choice any more: back to the default.
  if (choice.chosenGone) setChosenReader(null);
  const pinError = loginError?.code === 'pin-incorrect' || loginError?.code === 'pin-length' ? loginError : null;
  const shownError = pinOpen ? null : (loginError ?? cardError);
  // A user (not an administrator) sees whom to turn to (source 004).
  const contacts = roleContacts(shownError);
  const cardProblem = blocker !== null && !isTransientStage(stage);
  const showTroubleshooting = (shownError !== null && !pinError) || cardProblem;

  // A locked PIN: the troubleshooting offers the PUK unblock (or says who can help).
  const lockedToken = !choice.choiceRequired && readiness.blockers.includes('pin-locked') ? readiness.token : null;

  const submitPin = async (pin: string) => {
    const ok = await sessionStore.getState().login(pin, choice.readerName);
    const error = sessionStore.getState().loginError;
    // A wrong PIN keeps the dialog open with the tries left; anything else closes it.
    if (ok || (error?.code !== 'pin-incorrect' && error?.code !== 'pin-length')) setPinOpen(false);
  };

  return (
    <section className="login-view" aria-labelledby="login-heading">
      <h2 id="login-heading">{t('login.heading')}</h2>
      <p>{t('login.intro')}</p>
      {session.status === 'logged-out' && session.reason && (
        <p role="status" className="login-view__reason" data-testid="logout-reason">
          {t(`login.reasons.${session.reason}`)}
        </p>
      )}
      {session.status === 'locked' && (
        <p role="status" className="login-view__reason" data-testid="logout-reason">
          {t('login.locked', { name: `${session.administrator.givenName} ${session.administrator.surname}` })}
        </p>
      )}
      {choice.candidates.length > 1 && <CardChooser choice={choice} onChoose={setChosenReader} />}
      {choice.choiceRequired ? (
        <p role="status" className="login-view__choose" data-testid="card-choice-required">
          {t('cardChoice.chooseFirst')}
        </p>
      ) : (
        <CardStatusPanel readiness={readiness} />
      )}
      {shownError && (
        <p role="alert" className="login-view__error" data-testid="login-error" data-code={shownError.code}>
          {t(errorMessageKey(shownError.code))}
        </p>
      )}
      {contacts.length > 0 && (
        <section className="login-view__contacts" aria-labelledby="login-contacts-heading" data-testid="login-contacts">
          <h3 id="login-contacts-heading">{t('login.contacts.heading')}</h3>
          <p>{t('login.contacts.intro')}</p>
          <ul>
            {contacts.map((c) => (
              <li key={`${c.organisation}/${c.email}/${c.role}`}>
                {t('login.contacts.entry', {
                  name: `${c.givenName} ${c.surname}`,
                  role: t(`organisation.roles.${c.role}`),
                  organisation: c.organisation,
                })}{' '}
                <span className="login-view__contact-email">{c.email}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <button
        type="button"
        className="button-primary login-view__button"
        disabled={blocked || loggingIn}
        aria-describedby={blocker ? 'login-blocked-reason' : undefined}
        onClick={() => {
          sessionStore.getState().clearError();
          setPinOpen(true);
        }}
      >
        {t('login.loginButton')}
      </button>
      {blocker && (
        <p id="login-blocked-reason" className="login-view__blocked" data-testid="login-blocked-reason" data-code={blocker}>
          {t('readiness.blocked', { reason: t(`readiness.blockers.${blocker}`) })}
        </p>
      )}
      {pinOpen && readiness.token && (
        <PinDialog
          pin={readiness.token.pin}
          busy={loggingIn}
          error={pinError}
          onSubmit={(pin) => void submitPin(pin)}
          onCancel={() => {
            setPinOpen(false);
            sessionStore.getState().clearError();
          }}
        />
      )}
      {showTroubleshooting && (
        <TroubleshootingPanel
          api={api}
          readiness={readiness}
          lastError={shownError}
          busy={cardBusy || loggingIn}
          onRetry={() => {
            sessionStore.getState().clearError();
            if (!blocked) setPinOpen(true);
          }}
          onReread={() => void cardStore.getState().reread()}
          onRestart={() => void cardStore.getState().restartProcess()}
        />
      )}
      {lockedToken && <PinCare api={api} token={lockedToken} />}
    </section>
  );
}
