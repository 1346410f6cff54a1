import type { CardSnapshot } from '../../../common/card/card-state';
import type { AppError } from '../../../common/errors/error-codes';
import type { AppInfo, BackendHealth } from '../../../common/ipc/contract';

export interface ReportInput {
  now: Date;
  app: AppInfo | null;
  card: CardSnapshot | null;
  backend: BackendHealth | null;
  lastError: AppError | null;
}

/**
 * A plain-text report for the contact centre: program, card chain and backend, and the last error.
 * Built only from public facts: no PIN, no session token, no key material.
 */
export function buildDiagnosticReport({ now, app, card, backend, lastError }: ReportInput): string {
  const lines = [`Behörighetsadmin – diagnostikrapport ${now.toISOString()}`, ''];
  if (app) lines.push(`Program: ${app.productName} ${app.version} (${app.platform} ${app.arch}, ${app.transport})`);
  if (card) {
    lines.push(`Korttjänst: ${card.pcsc.service === 'running' ? 'igång' : 'inte igång'}`);
    for (const reader of card.pcsc.readers) {
      lines.push(`Läsare: ${reader.name} – ${reader.cardPresent ? `kort (${reader.cardLabel ?? 'okänt kort'}, ATR ${reader.atr})` : 'inget kort'}`);
    }
    lines.push(`PKCS#11-modul: ${card.module.path} – ${card.module.status}${card.module.version ? ` (version ${card.module.version})` : ''}`);
    for (const token of card.tokens) {
      lines.push(`Token: ${token.label} i ${token.slotDescription}; PIN ${token.pin.locked ? 'låst' : token.pin.finalTry ? 'ett försök kvar' : 'ej låst'}`);
      for (const certificate of token.certificates) {
        lines.push(
          `  Certifikat: ${certificate.subject}; utfärdare ${certificate.issuer}; serienummer ${certificate.serialNumber}; ` +
            `giltigt ${certificate.notBefore.slice(0, 10)}–${certificate.notAfter.slice(0, 10)} (${certificate.validity}); ` +
            `${certificate.trusted ? 'betrodd utfärdare' : 'okänd utfärdare'}${certificate.isAuthentication ? '; inloggning' : ''}`,
        );
      }
    }
  }
  if (backend) {
    lines.push(
      backend.reachable
        ? `Tjänst: ${backend.url} svarar (${backend.status.status}, version ${backend.status.version})${backend.status.message ? `; meddelande: ${backend.status.message.text}` : ''}`
        : `Tjänst: ${backend.url ?? 'ingen adress inställd'} svarar inte (${backend.reason})`,
    );
  }
  if (lastError) lines.push(`Senaste fel: ${lastError.code}${lastError.details?.ckr ? ` (${lastError.details.ckr})` : ''}`);
  return `${lines.join('\n')}\n`;
}
