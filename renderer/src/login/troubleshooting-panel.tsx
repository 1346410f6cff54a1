import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppApi } from '../../../common/ipc/api';
import type { AppError } from '../../../common/errors/error-codes';
import type { BackendHealth } from '../../../common/ipc/contract';
import type { LoginReadiness } from '../../../common/card/login-readiness';
import { cardStageOf } from './card-status';

type Check = 'ok' | 'problem' | 'manual';

export interface TroubleshootingPanelProps {
  api: Pick<AppApi, 'getBackendHealth' | 'getSupportReport'>;
  readiness: LoginReadiness;
  lastError: AppError | null;
  busy: boolean;
  onRetry: () => void;
  onReread: () => void;
  onRestart: () => void;
}

/**
 * The manual's troubleshooting steps (001, 3.1.1) in its order, each checked by the program where
 * it can be, with the actions the program can take itself.
 */
export function TroubleshootingPanel(props: TroubleshootingPanelProps) {
  const { t } = useTranslation();
  const { api, readiness, lastError, busy } = props;
  const [health, setHealth] = useState<BackendHealth | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    let live = true;
    void api.getBackendHealth().then((result) => {
      if (live && result.ok) setHealth(result.value);
    });
    return () => {
      live = false;
    };
  }, [api, lastError]);

  // Each step's check is read off the one readiness rule (common/card/login-readiness).
  const stage = cardStageOf(readiness);
  const certificate = readiness.certificate;
  const validity: Check = certificate
    ? readiness.blockers.includes('certificate-expired') || readiness.blockers.includes('certificate-not-yet-valid')
      ? 'problem'
      : 'ok'
    : 'manual';
  const seated: Check =
    stage === 'card-ready'
      ? 'ok'
      : stage === 'insert-card' || stage === 'unknown-card' || stage === 'unreadable' || stage === 'no-certificate'
        ? 'problem'
        : 'manual';
  const reader: Check = stage === 'no-reader' || stage === 'no-service' ? 'problem' : stage === 'starting' ? 'manual' : 'ok';
  const service: Check = !health ? 'manual' : health.reachable && health.status.status === 'ok' ? 'ok' : 'problem';
  const serviceText = !health
    ? null
    : !health.reachable
      ? t('troubleshooting.serviceDown')
      : health.status.message && health.status.status !== 'ok'
        ? t('troubleshooting.serviceDisturbance', { message: health.status.message.text })
        : t('troubleshooting.serviceOk');

  const steps: { id: string; text: string; check: Check; detail?: string | null; action?: { label: string; run: () => void } }[] =
    [
      {
        id: 'retry',
        text: t('troubleshooting.stepRetry'),
        check: 'manual',
        action: { label: t('troubleshooting.retry'), run: props.onRetry },
      },
      {
        id: 'validity',
        text: t('troubleshooting.stepValidity'),
        check: validity,
        detail: certificate ? certificate.notAfter.slice(0, 10) : null,
      },
      { id: 'seated', text: t('troubleshooting.stepSeated'), check: seated },
      { id: 'reader', text: t('troubleshooting.stepReader'), check: reader },
      { id: 'service', text: t('troubleshooting.stepService'), check: service, detail: serviceText },
      {
        id: 'restart',
        text: t('troubleshooting.stepRestart'),
        check: 'manual',
        action: { label: t('troubleshooting.restart'), run: props.onRestart },
      },
      {
        id: 'reread',
        text: t('troubleshooting.stepReread'),
        check: 'manual',
        action: { label: t('troubleshooting.reread'), run: props.onReread },
      },
      {
        id: 'contact',
        text: t('troubleshooting.stepContact'),
        check: 'manual',
        action: {
          label: t('troubleshooting.copyReport'),
          // The same support report as the diagnostics view: built in main from whitelisted fields.
          run: () => {
            void api
              .getSupportReport()
              .then((result) =>
                result.ok ? navigator.clipboard.writeText(result.value.text) : Promise.reject(new Error(result.error.code)),
              )
              .then(
                () => setCopied(true),
                () => setCopied(false),
              );
          },
        },
      },
    ];

  return (
    <section className="troubleshooting" aria-labelledby="troubleshooting-heading" data-testid="troubleshooting">
      <h3 id="troubleshooting-heading">{t('troubleshooting.heading')}</h3>
      <p>{t('troubleshooting.intro')}</p>
      <ol className="troubleshooting__steps">
        {steps.map((step) => (
          <li
            key={step.id}
            data-step={step.id}
            data-check={step.check}
            className={`troubleshooting__step troubleshooting__step--${step.check}`}
          >
            <span className="troubleshooting__text">{step.text}</span>{' '}
            {step.check !== 'manual' && (
              <strong className="troubleshooting__check">
                {step.check === 'ok' ? t('troubleshooting.ok') : t('troubleshooting.problem')}
              </strong>
            )}
            {step.detail && <span className="troubleshooting__detail"> – {step.detail}</span>}
            {step.action && (
              <button type="button" onClick={step.action.run} disabled={busy} className="troubleshooting__action">
                {step.action.label}
              </button>
            )}
          </li>
        ))}
      </ol>
      {copied && <p role="status">{t('troubleshooting.copied')}</p>}
    </section>
  );
}
