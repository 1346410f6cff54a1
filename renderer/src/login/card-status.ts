import type { CardSnapshot, CertificateSummary, PinState, ReaderState } from '../../../common/card/card-state';

/** What the login view says about the card before any PIN is asked for. */
export type CardStatus =
  | { kind: 'starting' }
  | { kind: 'no-service' }
  | { kind: 'no-reader' }
  | { kind: 'insert-card' }
  | { kind: 'module-missing'; path: string }
  | { kind: 'reading'; reader: ReaderState }
  | { kind: 'unknown-card'; reader: ReaderState }
  | { kind: 'no-certificate'; reader: ReaderState }
  | { kind: 'card-ready'; reader: ReaderState; certificate: CertificateSummary; pin: PinState; slotId: string };

/** Problems that stop a login before the PIN is asked for. */
export function blocksLogin(status: CardStatus): boolean {
  if (status.kind !== 'card-ready') return true;
  const { certificate, pin } = status;
  return certificate.validity === 'expired' || certificate.validity === 'not-yet-valid' || !certificate.trusted || pin.locked;
}

/** Derives the card status shown on the login view from main's card snapshot. */
export function cardStatusOf(snapshot: CardSnapshot | null): CardStatus {
  if (!snapshot || snapshot.process !== 'running') return { kind: 'starting' };
  if (snapshot.pcsc.service !== 'running') return { kind: 'no-service' };
  if (snapshot.pcsc.readers.length === 0) return { kind: 'no-reader' };
  const reader = snapshot.pcsc.readers.find((candidate) => candidate.cardPresent);
  if (!reader) return { kind: 'insert-card' };
  if (snapshot.module.status !== 'loaded') return { kind: 'module-missing', path: snapshot.module.path };
  const token = snapshot.tokens.find((candidate) => candidate.slotDescription.startsWith(reader.name));
  if (!token) return reader.cardKind === 'unknown' ? { kind: 'unknown-card', reader } : { kind: 'reading', reader };
  if (!token.authCertificate) return { kind: 'no-certificate', reader };
  return { kind: 'card-ready', reader, certificate: token.authCertificate, pin: token.pin, slotId: token.slotId };
}
