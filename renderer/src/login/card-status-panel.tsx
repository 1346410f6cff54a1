import { useTranslation } from 'react-i18next';
import type { CardStatus } from './card-status';
import { pinTriesText } from './pin-tries-text';

const dateOf = (iso: string) => iso.slice(0, 10);

/** The live card state before any PIN: what is in the reader and whether it can log in. */
export function CardStatusPanel({ status }: { status: CardStatus }) {
  const { t } = useTranslation();
  const line = (() => {
    switch (status.kind) {
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
      case 'reading':
        return t('card.reading');
      case 'unknown-card':
        return t('card.unknownCard');
      case 'no-certificate':
        return t('card.noCertificate');
      case 'card-ready':
        return t('card.cardFound', { name: status.certificate.commonName ?? status.certificate.subject });
    }
  })();
  const problem =
    status.kind !== 'card-ready' && status.kind !== 'starting' && status.kind !== 'reading' && status.kind !== 'insert-card';
  return (
    <section className="card-status" aria-labelledby="card-status-heading" data-testid="card-status" data-status={status.kind}>
      <h3 id="card-status-heading">{t('card.heading')}</h3>
      <p role="status" className={problem ? 'card-status__line card-status__line--problem' : 'card-status__line'}>
        {line}
      </p>
      {'reader' in status && <p className="card-status__detail">{t('card.reader', { name: status.reader.name })}</p>}
      {status.kind === 'card-ready' && (
        <ul className="card-status__facts">
          {status.certificate.hsaId && <li>{t('card.hsaId', { hsaId: status.certificate.hsaId })}</li>}
          <CertificateFacts status={status} />
        </ul>
      )}
    </section>
  );
}

function CertificateFacts({ status }: { status: Extract<CardStatus, { kind: 'card-ready' }> }) {
  const { t } = useTranslation();
  const { certificate, pin } = status;
  const facts: { key: string; text: string; level: 'ok' | 'warning' | 'error' }[] = [];
  switch (certificate.validity) {
    case 'valid':
      facts.push({ key: 'validity', text: t('card.validUntil', { date: dateOf(certificate.notAfter) }), level: 'ok' });
      break;
    case 'expiring-soon':
      facts.push({
        key: 'validity',
        text: t('card.expiringSoon', { days: certificate.daysLeft, date: dateOf(certificate.notAfter) }),
        level: 'warning',
      });
      break;
    case 'expired':
      facts.push({ key: 'validity', text: t('card.expired', { date: dateOf(certificate.notAfter) }), level: 'error' });
      break;
    case 'not-yet-valid':
      facts.push({ key: 'validity', text: t('card.notYetValid', { date: dateOf(certificate.notBefore) }), level: 'error' });
      break;
  }
  if (!certificate.trusted)
    facts.push({ key: 'trust', text: t('card.untrusted', { issuer: certificate.issuer }), level: 'error' });
  const revocation = certificate.revocation;
  if (revocation.status === 'revoked') facts.push({ key: 'revocation', text: t('card.revoked'), level: 'error' });
  else if (revocation.status === 'unknown')
    facts.push({
      key: 'revocation',
      text: t('card.revocationUnknown', { responder: revocation.responder ?? certificate.ocspUrls[0] ?? '' }),
      level: 'warning',
    });
  else if (revocation.status === 'good') facts.push({ key: 'revocation', text: t('card.notRevoked'), level: 'ok' });
  else if (revocation.reason === 'pending' && certificate.ocspUrls.length > 0)
    facts.push({ key: 'revocation', text: t('card.revocationChecking'), level: 'ok' });
  // PIN tries before any PIN is typed: the card's own count where it gives one, never a guess.
  const tries = pinTriesText(pin);
  facts.push({ key: 'pin', text: t(tries.key, tries.params), level: tries.level });
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
