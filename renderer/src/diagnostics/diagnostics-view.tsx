import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { DiagnosticCheck } from '../../../common/diagnostics/diagnostic-check';
import { loginReadiness, pinReadiness } from '../../../common/card/login-readiness';
import { errorMessageKey } from '../i18n/error-message';
import { PinCare, type PinCareApi } from '../login/pin-care';
import { PinDialog } from '../login/pin-dialog';
import type { CardStoreState } from '../stores/card-store';
import type { DiagnosticsNotice, DiagnosticsState } from './diagnostics-store';
import './diagnostics.css';

export interface DiagnosticsViewProps {
  store: StoreApi<DiagnosticsState>;
  cardStore: StoreApi<CardStoreState>;
  onClose: () => void;
  /** "Byt PIN-kod" / "Lås upp PIN-kod med PUK" for the card in the reader. */
  pinCareApi?: PinCareApi;
}

function noticeText(t: ReturnType<typeof useTranslation>['t'], notice: DiagnosticsNotice): string {
  switch (notice.kind) {
    case 'copied':
      return t('diagnostics.notice.copied');
    case 'saved':
      return t('diagnostics.notice.saved', { path: notice.path });
    case 'save-cancelled':
      return t('diagnostics.notice.saveCancelled');
    case 'log-folder':
      return notice.opened
        ? t('diagnostics.notice.logFolderOpened', { path: notice.path })
        : t('diagnostics.notice.logFolder', { path: notice.path });
    case 'no-log-folder':
      return t('diagnostics.notice.noLogFolder');
    case 'reread':
      return t('diagnostics.notice.reread');
    case 'restarted':
      return t('diagnostics.notice.restarted');
  }
}

function CheckRow({ check }: { check: DiagnosticCheck }) {
  const { t } = useTranslation();
  return (
    <li
      className={`diagnostics-check diagnostics-check--${check.status}`}
      data-testid={`check-${check.id}`}
      data-status={check.status}
    >
      <span className={`diagnostics-check__badge diagnostics-check__badge--${check.status}`}>
        {t(`diagnostics.status.${check.status}`)}
      </span>
      <span className="diagnostics-check__body">
        <strong className="diagnostics-check__title">{t(`diagnostics.checks.${check.id}`)}</strong>
        <span className="diagnostics-check__message" data-testid="check-message">
          {t(`diagnostics.messages.${check.code}`, check.params)}
        </span>
        {check.notes && check.notes.length > 0 && (
          <ul className="diagnostics-check__notes" data-testid="check-notes">
            {check.notes.map((note, index) => (
              <li key={index} data-note={note.code}>
                {t(`diagnostics.notes.${note.code}`, note.params)}
              </li>
            ))}
          </ul>
        )}
      </span>
    </li>
  );
}

/**
 * "Felsökning och diagnostik": every link of the chain live, with the remedy in Swedish, and what
 * support can do about it from here. Reachable before login.
 */
export function DiagnosticsView({ store, cardStore, onClose, pinCareApi }: DiagnosticsViewProps) {
  const { t, i18n } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const checks = useStore(store, (state) => state.checks);
  const ranAt = useStore(store, (state) => state.ranAt);
  const running = useStore(store, (state) => state.running);
  const action = useStore(store, (state) => state.action);
  const error = useStore(store, (state) => state.error);
  const notice = useStore(store, (state) => state.notice);
  const signature = useStore(store, (state) => state.testSignature);
  const snapshot = useStore(cardStore, (state) => state.snapshot);
  const [pinOpen, setPinOpen] = useState(false);

  useEffect(() => {
    heading.current?.focus();
    return store.getState().connect();
  }, [store]);

  // The token a login would use (the one readiness rule); the test signature needs its authentication certificate.
  const readiness = loginReadiness(snapshot);
  const token = readiness.certificate ? readiness.token : null;
  const failed = checks?.filter((check) => check.status === 'fail').length ?? 0;
  const warnings = checks?.filter((check) => check.status === 'warn').length ?? 0;
  const busy = action !== null;
  const signError = pinOpen && (error?.code === 'pin-incorrect' || error?.code === 'pin-length') ? error : null;

  const submitPin = async (pin: string) => {
    const signed = await store.getState().signWithPin(pin);
    const code = store.getState().error?.code;
    // A wrong PIN keeps the dialog open with the tries left; anything else closes it.
    if (signed || (code !== 'pin-incorrect' && code !== 'pin-length')) setPinOpen(false);
  };

  const actions: { id: string; label: string; run: () => void; disabled?: boolean }[] = [
    { id: 'run', label: t('diagnostics.actions.run'), run: () => void store.getState().run() },
    { id: 'reread', label: t('diagnostics.actions.reread'), run: () => void store.getState().reread() },
    { id: 'restart', label: t('diagnostics.actions.restart'), run: () => void store.getState().restartCardProcess() },
    {
      id: 'sign',
      label: t('diagnostics.actions.sign'),
      disabled: !token || pinReadiness(token.pin).blocker !== null,
      run: () => {
        store.getState().clearSignature();
        setPinOpen(true);
      },
    },
    { id: 'log-folder', label: t('diagnostics.actions.logFolder'), run: () => void store.getState().openLogFolder() },
    { id: 'copy', label: t('diagnostics.actions.copy'), run: () => void store.getState().copyReport() },
    { id: 'save', label: t('diagnostics.actions.save'), run: () => void store.getState().saveReport() },
  ];

  return (
    <section className="diagnostics" aria-labelledby="diagnostics-heading" data-testid="diagnostics">
      <div className="diagnostics__top">
        <h2 id="diagnostics-heading" ref={heading} tabIndex={-1}>
          {t('diagnostics.heading')}
        </h2>
        <button type="button" onClick={onClose}>
          {t('diagnostics.back')}
        </button>
      </div>
      <p>{t('diagnostics.intro')}</p>

      <h3 id="diagnostics-checks-heading">{t('diagnostics.checksHeading')}</h3>
      <p role="status" className="diagnostics__summary" data-testid="diagnostics-summary" data-running={running}>
        {checks === null
          ? t('diagnostics.running')
          : failed + warnings === 0
            ? t('diagnostics.summaryOk')
            : t('diagnostics.summaryProblems', { failed, warnings })}
        {ranAt && (
          <span className="diagnostics__time">
            {' '}
            {t('diagnostics.ranAt', { time: new Date(ranAt).toLocaleTimeString(i18n.language === 'sv' ? 'sv-SE' : 'en-GB') })}
          </span>
        )}
      </p>
      {checks && (
        <ol className="diagnostics__checks" aria-labelledby="diagnostics-checks-heading" aria-busy={running}>
          {checks.map((check) => (
            <CheckRow key={check.id} check={check} />
          ))}
        </ol>
      )}

      <h3>{t('diagnostics.actionsHeading')}</h3>
      <div className="diagnostics__actions" role="group" aria-label={t('diagnostics.actionsHeading')}>
        {actions.map((item) => (
          <button
            key={item.id}
            type="button"
            data-action={item.id}
            onClick={item.run}
            disabled={busy || item.disabled}
            aria-busy={action === item.id || (item.id === 'run' && running)}
          >
            {item.label}
          </button>
        ))}
      </div>
      <p className="diagnostics__hint">{t('diagnostics.reportHint')}</p>
      {!token && <p className="diagnostics__hint">{t('diagnostics.sign.needsCard')}</p>}
      {pinCareApi && token && <PinCare api={pinCareApi} token={token} />}

      <p role="status" className="diagnostics__notice" data-testid="diagnostics-notice">
        {notice ? noticeText(t, notice) : null}
        {signature && (
          <span data-testid="test-signature-result" data-verified={signature.verified}>
            {signature.verified
              ? t('diagnostics.sign.verified', { algorithm: signature.algorithm, ms: signature.durationMs })
              : t('diagnostics.sign.notVerified')}
          </span>
        )}
      </p>
      {error && !signError && (
        <p role="alert" className="diagnostics__error" data-testid="diagnostics-error" data-code={error.code}>
          {t(errorMessageKey(error.code))}
        </p>
      )}

      {pinOpen && token && (
        <PinDialog
          pin={token.pin}
          busy={action === 'sign'}
          error={signError}
          texts={{ title: t('diagnostics.sign.title'), submit: t('diagnostics.sign.submit'), busy: t('diagnostics.sign.busy') }}
          onSubmit={(pin) => void submitPin(pin)}
          onCancel={() => {
            setPinOpen(false);
            store.getState().clearSignature();
          }}
        />
      )}
    </section>
  );
}
