import { useTranslation } from 'react-i18next';
import type { LoginReadiness } from '../../../common/card/login-readiness';
import { cardStageOf, isTransientStage } from './card-status';
import { pinTriesText } from './pin-tries-text';

const dateOf = (iso: string) => iso.slice(0, 10);

/** The live card state before any PIN: what is in the reader and whether it can log in. */
export function CardStatusPanel({ readiness }: { readiness: LoginReadiness }) {
  const { t } = useTranslation();
  const stage = cardStageOf(readiness);
  const line = (() => {
    switch (stage) {
      case 'starting':
        return t('card.starting');
      case 'no-service':
        return t('card.noService');
      case 'no-reader':
        return t('card.noReader');
      case 'insert-card':
        return t('card.insertCard');
      case 'module-missing':
        return t('card.moduleMissing');
      case 'module-failed':
        return t('card.moduleFailed');
      case 'reading':
        return t('card.reading');
      case 'unknown-card':
        return t('card.unknownCard');
      case 'unreadable':
        return t('card.unreadable');
      case 'no-certificate':
        return t('card.noCertificate');
      case 'card-ready':
        return t('card.cardFound', {
          name: readiness.certificate?.commonName ?? readiness.certificate?.subject ?? readiness.token?.label ?? '',
        });
    }
  })();
  const problem = stage !== 'card-ready' && !isTransientStage(stage);
  return (
    <section className="card-status" aria-labelledby="card-status-heading" data-testid="card-status" data-status={stage}>
      <h3 id="card-status-heading">{t('card.heading')}</h3>
      <p role="status" className={problem ? 'card-status__line card-status__line--problem' : 'card-status__line'}>
        {line}
      </p>
      {readiness.reader && <p className="card-status__detail">{t('card.reader', { name: readiness.reader.name })}</p>}
      {readiness.certificate && (
        <ul className="card-status__facts">
          {readiness.certificate.hsaId && <li>{t('card.hsaId', { hsaId: readiness.certificate.hsaId })}</li>}
          <CertificateFacts readiness={readiness} />
        </ul>
      )}
    </section>
  );
}

type Fact = { key: string; text: string; level: 'ok' | 'warning' | 'error' };

/** One line per part of the readiness rule (validity, trust, revocation, PIN), in its words. */
function CertificateFacts({ readiness }: { readiness: LoginReadiness }) {
  const { t } = useTranslation();
  const certificate = readiness.certificate;
  if (!certificate) return null;
  const blocked = (code: LoginReadiness['blockers'][number]) => readiness.blockers.includes(code);
  const warned = (code: LoginReadiness['warnings'][number]) => readiness.warnings.includes(code);
  const facts: Fact[] = [];

  if (blocked('certificate-expired'))
    facts.push({ key: 'validity', text: t('card.expired', { date: dateOf(certificate.notAfter) }), level: 'error' });
  else if (blocked('certificate-not-yet-valid'))
    facts.push({ key: 'validity', text: t('card.notYetValid', { date: dateOf(certificate.notBefore) }), level: 'error' });
  else if (warned('certificate-expiring-soon'))
    facts.push({
      key: 'validity',
      text: t('card.expiringSoon', { days: certificate.daysLeft, date: dateOf(certificate.notAfter) }),
      level: 'warning',
    });
  else facts.push({ key: 'validity', text: t('card.validUntil', { date: dateOf(certificate.notAfter) }), level: 'ok' });

  if (blocked('certificate-untrusted'))
    facts.push({ key: 'trust', text: t('card.untrusted', { issuer: certificate.issuer }), level: 'error' });
  else if (warned('trust-not-configured'))
    facts.push({ key: 'trust', text: t('card.trustNotConfigured', { issuer: certificate.issuer }), level: 'warning' });

  if (blocked('certificate-revoked')) facts.push({ key: 'revocation', text: t('card.revoked'), level: 'error' });
  else if (warned('revocation-unknown'))
    facts.push({
      key: 'revocation',
      text: t('card.revocationUnknown', {
        responder: certificate.revocation.responder ?? certificate.ocspUrls[0] ?? certificate.crlUrls[0] ?? '',
      }),
      level: 'warning',
    });
  else if (warned('revocation-pending')) facts.push({ key: 'revocation', text: t('card.revocationChecking'), level: 'ok' });
  else if (certificate.revocation.status === 'good') facts.push({ key: 'revocation', text: t('card.notRevoked'), level: 'ok' });

  // PIN tries before any PIN is typed: the card's own count where it gives one, never a guess
  // (the same rule as the pin-locked blocker and the PIN warnings: pinReadiness in common/card).
  const token = readiness.token;
  if (token) {
    const tries = pinTriesText(token.pin);
    facts.push({ key: 'pin', text: t(tries.key, tries.params), level: tries.level });
  }

  return (
    <>
      {facts.map((fact) => (
        <li key={fact.key} className={`card-status__fact card-status__fact--${fact.level}`} data-testid={`card-fact-${fact.key}`}>
          {fact.level !== 'ok' && <span className="visually-hidden">{fact.level === 'error' ? 'Fel: ' : 'Varning: '}</span>}
          {fact.text}
        </li>
      ))}
    </>
  );
}
