import type { LoginReadiness } from '../../../common/card/login-readiness';
import { canLogIn } from '../../../common/card/login-readiness';

/** A catalogue key with its parameters. */
export interface CatalogueText {
  key: string;
  params?: Record<string, string | number>;
}

/** What the card chooser says about one card present: who, which HSA-id, how long valid, which reader, and whether it can log in. */
export interface CardChoiceText {
  /** The holder's name from the certificate, or what kind of card it is. */
  name: CatalogueText;
  hsaId: string | null;
  /** The certificate's validity, or null when there is no authentication certificate. */
  validity: CatalogueText | null;
  reader: string;
  /** "Kan användas för inloggning", or the first reason it cannot (the readiness rule's blocker). */
  status: CatalogueText;
  canLogIn: boolean;
}

const dateOf = (iso: string) => iso.slice(0, 10);

/** The words for one card in the chooser; which card may log in is the readiness rule's (common/card). */
export function cardChoiceText(readiness: LoginReadiness): CardChoiceText {
  const certificate = readiness.certificate;
  const ok = canLogIn(readiness);
  const blocker = readiness.blockers[0];
  const name: CatalogueText = certificate
    ? { key: 'cardChoice.holder', params: { name: certificate.commonName ?? certificate.subject } }
    : { key: readiness.blockers.includes('unknown-card') ? 'cardChoice.unknownCard' : 'cardChoice.unnamedCard' };
  let validity: CatalogueText | null = null;
  if (certificate) {
    switch (certificate.validity) {
      case 'expired':
        validity = { key: 'cardChoice.expired', params: { date: dateOf(certificate.notAfter) } };
        break;
      case 'not-yet-valid':
        validity = { key: 'cardChoice.notYetValid', params: { date: dateOf(certificate.notBefore) } };
        break;
      case 'expiring-soon':
        validity = { key: 'cardChoice.expiringSoon', params: { days: certificate.daysLeft, date: dateOf(certificate.notAfter) } };
        break;
      case 'valid':
        validity = { key: 'cardChoice.validUntil', params: { date: dateOf(certificate.notAfter) } };
        break;
    }
  }
  return {
    name,
    hsaId: certificate?.hsaId ?? null,
    validity,
    reader: readiness.reader?.name ?? '',
    status: ok || blocker === undefined ? { key: 'cardChoice.canLogIn' } : { key: `readiness.blockers.${blocker}` },
    canLogIn: ok,
  };
}
