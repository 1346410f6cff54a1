import { checkWords, type CheckWords, type ReportKey } from './check-words';
import { PRODUCT_NAME } from '../../common/product';
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

/**
 * The same report as readable text (Swedish, for a mail to the contact centre), every word from the
 * catalogue (diagnostics.report, renderer/src/i18n); values the catalogue has no word for are shown as they are.
 */
export function renderSupportReportText(report: SupportReport, words: CheckWords = CHECK_WORDS): string {
  const say = words.report;
  const lines: string[] = [];
  const heading = (key: ReportKey) => {
    const title = say(key);
    lines.push('', title, '-'.repeat(title.length));
  };
  // A word for a value of an open vocabulary (a status the schema takes as any string), or the value itself.
  const wordFor = (group: 'validities' | 'revocations' | 'sources', value: string) =>
    say(`${group}.${value}` as ReportKey, { defaultValue: value });
  lines.push(say('title', { product: PRODUCT_NAME }), say('created', { time: report.createdAt }));

  heading('headings.program');
  const { program, system } = report;
  lines.push(say('program', { name: program.productName, version: program.version, transport: program.transport }));
  lines.push(say('runtime', { electron: program.electronVersion ?? '–', node: program.nodeVersion }));
  lines.push(
    say('system', {
      platform: system.platform,
      release: system.release,
      arch: system.arch,
      osVersion: system.osVersion ? ` (${system.osVersion})` : '',
    }),
  );

  heading('headings.checks');
  for (const check of report.checks) {
    lines.push(`[${words.status(check.status).toUpperCase()}] ${words.title(check.id)}: ${words.message(check)}`);
    for (const note of check.notes ?? []) lines.push(`  ${words.note(note)}`);
  }
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  const warnings = report.checks.filter((check) => check.status === 'warn').length;
  lines.push(say('summary', { failed, warnings }));

  heading('headings.card');
  lines.push(
    say('cardService', {
      service: say(report.card.pcscService === 'running' ? 'service.running' : 'service.stopped'),
      process: report.card.process,
    }),
  );
  if (report.card.readers.length === 0) lines.push(say('noReaders'));
  for (const reader of report.card.ignoredReaders ?? []) {
    const card = reader.cardPresent ? say('ignoredReaderCard', { atr: reader.atr ?? '–' }) : say('noCard');
    lines.push(say('ignoredReader', { name: reader.name, card, pattern: reader.pattern }));
  }
  for (const reader of report.card.readers) {
    const card = reader.cardPresent
      ? say('readerCard', { label: reader.cardLabel ?? say('unknownCard'), atr: reader.atr ?? '–' })
      : say('noCard');
    lines.push(say('reader', { name: reader.name, card }));
  }
  const module = report.card.module;
  lines.push(
    say('module', {
      path: module.path,
      status: module.status,
      description: module.description ? `, ${module.description}` : '',
      version: module.version ? say('moduleVersion', { version: module.version }) : '',
    }),
  );
  for (const token of report.card.tokens) {
    const readiness = pinReadiness(token.pin);
    const pin =
      readiness.blocker === 'pin-locked'
        ? 'pin.locked'
        : readiness.warning === 'pin-final-try'
          ? 'pin.final-try'
          : readiness.warning === 'pin-count-low'
            ? 'pin.count-low'
            : 'pin.ok';
    const tries = token.pin.triesLeft ?? null;
    const pukTries = token.pin.pukTriesLeft ?? null;
    lines.push(
      say('token', {
        label: token.label,
        manufacturer: token.manufacturer,
        model: token.model,
        serialNumber: token.serialNumber,
        pin: say(pin),
        tries: tries === null ? say('unknown') : tries,
        pukTries: pukTries === null ? say('unknown') : pukTries,
      }),
    );
    for (const certificate of token.certificates) {
      const trust = certificate.trusted
        ? 'trust.trusted'
        : report.card.caCertificates === 0
          ? 'trust.no-trust-anchors'
          : 'trust.untrusted';
      lines.push(
        `  ${say(certificate.isAuthentication ? 'authCertificate' : 'certificate', { subject: certificate.subject })}`,
        `    ${say('issuer', { issuer: certificate.issuer, trust: say(trust) })}`,
        `    ${say('serialNumber', { serialNumber: certificate.serialNumber })}`,
        `    ${say('validity', {
          from: dateOnly(certificate.notBefore),
          to: dateOnly(certificate.notAfter),
          validity: wordFor('validities', certificate.validity),
        })}`,
        `    ${say('revocation', {
          status: wordFor('revocations', certificate.revocation),
          responder: certificate.revocationResponder ? ` (${certificate.revocationResponder})` : '',
        })}`,
        `    ${say('sha256', { sha256: certificate.sha256 })}`,
      );
    }
  }
  if (report.testSignature) {
    const { at, outcome, errorCode } = report.testSignature;
    const said =
      outcome === 'verified'
        ? say('testSignatures.verified')
        : outcome === 'not-verified'
          ? say('testSignatures.not-verified')
          : say('testSignatures.failed', { code: errorCode ?? say('unknownError') });
    lines.push(say('testSignature', { at, outcome: said }));
  }

  heading('headings.settings');
  for (const entry of report.configuration) {
    const value = Array.isArray(entry.value)
      ? entry.value.length > 0
        ? entry.value.join(', ')
        : say('noValues')
      : (entry.value ?? say('notSet'));
    lines.push(
      say('setting', {
        key: entry.key,
        value,
        source: wordFor('sources', entry.source),
        locked: entry.locked ? say('lockedByPolicy') : '',
      }),
    );
  }

  heading('headings.errors');
  if (report.recentErrors.length === 0) lines.push(say('noErrors'));
  for (const entry of report.recentErrors) {
    lines.push(
      `${entry.time} ${entry.level} ${entry.component ?? '–'} ${entry.event ?? '–'}${entry.errorCode ? ` (${entry.errorCode})` : ''}`,
    );
  }
  lines.push('', say('noSecrets'));
  return `${lines.join('\n')}\n`;
}

/** The report as JSON and as text. */
export function serializeSupportReport(report: SupportReport): SupportReportFiles {
  return { json: `${JSON.stringify(report, null, 2)}\n`, text: renderSupportReportText(report) };
}

/** One file for support: the readable text first, then the same report as JSON. */
export function supportReportFileContent(files: SupportReportFiles): string {
  return `${files.text}\n===== ${CHECK_WORDS.report('headings.json')} =====\n${files.json}`;
}

/** A file name for a saved report: behorighetsadmin-rapport-2026-11-22-1530.txt */
export function supportReportFileName(now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  return `behorighetsadmin-rapport-${stamp}.txt`;
}
