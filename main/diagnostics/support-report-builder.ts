import { checkWords } from './check-words';
import type { CardSnapshot } from '../../common/card/card-state';
import { pinReadiness } from '../../common/card/login-readiness';
import type { DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';
import {
  DIAGNOSTICS_REPORT_FORMAT,
  type ConfigurationEntry,
  type LogEntry,
  type SupportReport,
  type SupportReportFiles,
} from '../../common/diagnostics/support-report';
import type { AppInfo } from '../../common/ipc/contract';
import { scrubPersonalIdentityNumbers } from './personal-identity-number';

export interface SupportReportInput {
  createdAt: Date;
  /** The program (the app's own info, or `doctor`'s). */
  app: Pick<AppInfo, 'productName' | 'version' | 'electronVersion' | 'nodeVersion'> & { transport: string };
  system: SupportReport['system'];
  configuration: readonly ConfigurationEntry[];
  checks: readonly DiagnosticCheck[];
  card: CardSnapshot;
  testSignature: SupportReport['testSignature'];
  recentErrors: readonly LogEntry[];
}

// The checks' titles, statuses and messages: the catalogue's Swedish words (renderer/src/i18n).
const CHECK_WORDS = checkWords('sv');

const REVOCATION_TEXT: Record<string, string> = {
  good: 'inte återkallat',
  revoked: 'återkallat',
  unknown: 'kan inte kontrolleras',
  'not-checked': 'inte kontrollerat',
};

/**
 * Builds the support report by copying named fields only (and without personal identity numbers): whatever else an input object carries
 * (a PIN, a token, key material, anything added later) has no way in.
 */
export function buildSupportReport(input: SupportReportInput): SupportReport {
  // A certificate subject, a token label or a check message may carry a personal identity number
  // (some cards put it in serialNumber): support needs the HSA-id, never that.
  return scrubPersonalIdentityNumbers(copyNamedFields(input));
}

function copyNamedFields(input: SupportReportInput): SupportReport {
  const { app, system, card } = input;
  return {
    format: DIAGNOSTICS_REPORT_FORMAT,
    createdAt: input.createdAt.toISOString(),
    program: {
      productName: app.productName,
      version: app.version,
      transport: app.transport,
      electronVersion: app.electronVersion,
      nodeVersion: app.nodeVersion,
    },
    system: { platform: system.platform, arch: system.arch, release: system.release, osVersion: system.osVersion },
    configuration: input.configuration.map(({ key, value, source, locked }) => ({
      key,
      value: Array.isArray(value) ? value.map(String) : value === null ? null : String(value),
      source,
      locked,
    })),
    checks: input.checks.map(({ id, status, code, params, details, notes }) => ({
      id,
      status,
      code,
      params: { ...params },
      details: { ...details },
      ...(notes ? { notes: notes.map(({ code, params }) => ({ code, params: { ...params } })) } : {}),
    })),
    card: {
      pcscService: card.pcsc.service,
      process: card.process,
      readers: card.pcsc.readers.map(({ name, cardPresent, atr, cardKind, cardLabel }) => ({
        name,
        cardPresent,
        atr,
        cardKind,
        cardLabel,
      })),
      ignoredReaders: (card.pcsc.ignoredReaders ?? []).map(({ name, cardPresent, atr, pattern }) => ({
        name,
        cardPresent,
        atr,
        pattern,
      })),
      module: {
        path: card.module.path,
        status: card.module.status,
        manufacturer: card.module.manufacturer,
        description: card.module.description,
        version: card.module.version,
      },
      caCertificates: card.caCertificates,
      tokens: card.tokens.map((token) => ({
        label: token.label,
        manufacturer: token.manufacturer,
        model: token.model,
        serialNumber: token.serialNumber,
        slotDescription: token.slotDescription,
        pin: {
          locked: token.pin.locked,
          finalTry: token.pin.finalTry,
          countLow: token.pin.countLow,
          pinPad: token.pin.pinPad,
          triesLeft: token.pin.triesLeft,
          pukTriesLeft: token.pin.pukTriesLeft ?? null,
        },
        certificates: token.certificates.map((certificate) => ({
          subject: certificate.subject,
          issuer: certificate.issuer,
          serialNumber: certificate.serialNumber,
          notBefore: certificate.notBefore,
          notAfter: certificate.notAfter,
          validity: certificate.validity,
          trusted: certificate.trusted,
          isAuthentication: certificate.isAuthentication,
          keyAlgorithm: certificate.keyAlgorithm,
          sha256: certificate.sha256,
          revocation: certificate.revocation.status,
          revocationResponder: certificate.revocation.responder ?? certificate.ocspUrls[0] ?? null,
        })),
      })),
    },
    testSignature: input.testSignature
      ? { at: input.testSignature.at, outcome: input.testSignature.outcome, errorCode: input.testSignature.errorCode }
      : null,
    recentErrors: input.recentErrors.map(({ time, level, component, event, errorCode }) => ({
      time,
      level,
      component,
      event,
      errorCode,
    })),
  };
}

function dateOnly(iso: string): string {
  return iso.slice(0, 10);
}

const VALIDITY_TEXT: Record<string, string> = {
  valid: 'giltigt',
  'expiring-soon': 'går snart ut',
  expired: 'har gått ut',
  'not-yet-valid': 'inte giltigt än',
};

const SOURCE_TEXT: Record<string, string> = {
  default: 'standardvärde',
  demo: 'demomiljö',
  user: 'användarens inställning',
  policy: 'systempolicy',
  flag: 'utvecklingsflagga (miljövariabel)',
};

/** The same report as readable Swedish text, for a mail to the contact centre. */
export function renderSupportReportText(report: SupportReport): string {
  const lines: string[] = [];
  const heading = (title: string) => lines.push('', title, '-'.repeat(title.length));
  lines.push(`Behörighetsadmin – supportrapport`, `Skapad: ${report.createdAt}`);

  heading('Program och dator');
  const { program, system } = report;
  lines.push(`Program: ${program.productName} ${program.version} (${program.transport})`);
  lines.push(`Electron: ${program.electronVersion ?? '–'}, Node ${program.nodeVersion}`);
  lines.push(
    `Operativsystem: ${system.platform} ${system.release} ${system.arch}${system.osVersion ? ` (${system.osVersion})` : ''}`,
  );

  heading('Kontroller');
  for (const check of report.checks) {
    lines.push(
      `[${CHECK_WORDS.status(check.status).toUpperCase()}] ${CHECK_WORDS.title(check.id)}: ${CHECK_WORDS.message(check)}`,
    );
    for (const note of check.notes ?? []) lines.push(`  ${CHECK_WORDS.note(note)}`);
  }
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  lines.push(`Sammanfattning: ${failed} fel, ${warned} varningar.`);

  heading('Kort och läsare');
  lines.push(
    `Korttjänst: ${report.card.pcscService === 'running' ? 'igång' : 'inte igång'}; kortprogram: ${report.card.process}`,
  );
  if (report.card.readers.length === 0) lines.push('Läsare: inga');
  for (const reader of report.card.ignoredReaders ?? []) {
    lines.push(
      `Läsare som inte används: ${reader.name} – ${reader.cardPresent ? `kort, ATR ${reader.atr ?? '–'}` : 'inget kort'}; namnet matchar "${reader.pattern}" (ignoredReaders)`,
    );
  }
  for (const reader of report.card.readers) {
    lines.push(
      `Läsare: ${reader.name} – ${reader.cardPresent ? `kort (${reader.cardLabel ?? 'okänt kort'}), ATR ${reader.atr ?? '–'}` : 'inget kort'}`,
    );
  }
  const module = report.card.module;
  lines.push(
    `PKCS#11-modul: ${module.path} – ${module.status}${module.description ? `, ${module.description}` : ''}${module.version ? `, version ${module.version}` : ''}`,
  );
  for (const token of report.card.tokens) {
    const readiness = pinReadiness(token.pin);
    const pin =
      readiness.blocker === 'pin-locked'
        ? 'låst'
        : readiness.warning === 'pin-final-try'
          ? 'ett försök kvar'
          : readiness.warning === 'pin-count-low'
            ? 'få försök kvar'
            : 'inte låst';
    const tries = token.pin.triesLeft ?? null;
    const pukTries = token.pin.pukTriesLeft ?? null;
    const counters =
      `; PIN-försök kvar: ${tries === null ? 'okänt' : tries}` + `; PUK-försök kvar: ${pukTries === null ? 'okänt' : pukTries}`;
    lines.push(
      `Token: ${token.label} (${token.manufacturer} ${token.model}, serienummer ${token.serialNumber}); PIN-kod ${pin}${counters}`,
    );
    for (const certificate of token.certificates) {
      lines.push(
        `  Certifikat${certificate.isAuthentication ? ' för inloggning' : ''}: ${certificate.subject}`,
        `    Utfärdare: ${certificate.issuer} (${
          certificate.trusted
            ? 'betrodd'
            : report.card.caCertificates === 0
              ? 'kan inte kontrolleras: inga CA-certifikat är inställda, "trustAnchors"'
              : 'inte betrodd'
        })`,
        `    Serienummer: ${certificate.serialNumber}`,
        `    Giltigt: ${dateOnly(certificate.notBefore)} – ${dateOnly(certificate.notAfter)} (${VALIDITY_TEXT[certificate.validity] ?? certificate.validity})`,
        `    Spärrstatus: ${REVOCATION_TEXT[certificate.revocation] ?? certificate.revocation}${certificate.revocationResponder ? ` (${certificate.revocationResponder})` : ''}`,
        `    SHA-256: ${certificate.sha256}`,
      );
    }
  }
  if (report.testSignature) {
    const outcome =
      report.testSignature.outcome === 'verified'
        ? 'kortet signerade och signaturen stämde'
        : report.testSignature.outcome === 'not-verified'
          ? 'kortet signerade men signaturen stämde inte med certifikatet'
          : `misslyckades (${report.testSignature.errorCode ?? 'okänt fel'})`;
    lines.push(`Provsignering ${report.testSignature.at}: ${outcome}`);
  }

  heading('Inställningar som gäller');
  for (const entry of report.configuration) {
    const value = Array.isArray(entry.value)
      ? entry.value.length > 0
        ? entry.value.join(', ')
        : '(inga)'
      : (entry.value ?? '(inte satt)');
    lines.push(`${entry.key}: ${value} – ${SOURCE_TEXT[entry.source] ?? entry.source}${entry.locked ? ', låst av policy' : ''}`);
  }

  heading('Senaste fel i loggen');
  if (report.recentErrors.length === 0) lines.push('Inga.');
  for (const entry of report.recentErrors) {
    lines.push(
      `${entry.time} ${entry.level} ${entry.component ?? '–'} ${entry.event ?? '–'}${entry.errorCode ? ` (${entry.errorCode})` : ''}`,
    );
  }
  lines.push('', 'Rapporten innehåller ingen PIN-kod, ingen sessionsnyckel och ingen privat nyckel.');
  return `${lines.join('\n')}\n`;
}

/** The report as JSON and as text. */
export function serializeSupportReport(report: SupportReport): SupportReportFiles {
  return { json: `${JSON.stringify(report, null, 2)}\n`, text: renderSupportReportText(report) };
}

/** One file for support: the readable text first, then the same report as JSON. */
export function supportReportFileContent(files: SupportReportFiles): string {
  return `${files.text}\n===== Maskinläsbar rapport (JSON) =====\n${files.json}`;
}

/** A file name for a saved report: behorighetsadmin-rapport-2026-11-22-1530.txt */
export function supportReportFileName(now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  return `behorighetsadmin-rapport-${stamp}.txt`;
}
