import { describe, expect, it } from 'vitest';
import { REVOCATION_NOT_CHECKED, type CardSnapshot, type TokenState } from '../../common/card/card-state';
import { supportReportSchema } from '../../common/diagnostics/support-report';
import type { SettingEntry } from '../../common/settings/settings';
import { describeConfiguration, withoutCredentials } from './configuration-report';
import { runDoctorChecks } from './doctor-checks';
import {
  buildSupportReport,
  serializeSupportReport,
  supportReportFileContent,
  supportReportFileName,
  type SupportReportInput,
} from './support-report-builder';
import { testCertificate } from '../../tests/fixtures/card-snapshots';

const SECRET = 'HEMLIGT-918273-Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A';

const certificate = testCertificate({
  subject: 'CN=Alva Testsson, serialNumber=SE2321000016-A1B2, O=Testkommunen, C=SE',
  serialNumber: '0A1B2C',
  sha256: 'ab'.repeat(32),
  revocation: REVOCATION_NOT_CHECKED,
});

/** Inputs with secrets smuggled into extra fields at every level: none may reach the report. */
function poisoned(): SupportReportInput {
  const card = {
    pcsc: {
      service: 'running',
      readers: [
        {
          name: 'Reader 0',
          cardPresent: true,
          atr: '3B 88 80',
          cardKind: 'siths',
          cardLabel: 'SITHS',
          eventCount: 2,
          pin: SECRET,
        },
      ],
    },
    module: {
      path: '/usr/lib/libiidp11.so',
      status: 'loaded',
      manufacturer: 'Net iD',
      description: 'Net iD',
      version: '6.8',
      token: SECRET,
    },
    caCertificates: 2,
    tokens: [
      {
        slotId: '1',
        slotDescription: 'Reader 0',
        label: 'SITHS',
        manufacturer: 'SITHS',
        model: 'eID',
        serialNumber: '123',
        pin: {
          minLength: 6,
          maxLength: 8,
          countLow: false,
          finalTry: false,
          locked: false,
          triesLeft: 3,
          pukTriesLeft: 2,
          pinPad: false,
          value: SECRET,
        },
        certificates: [{ ...certificate, privateKey: SECRET }],
        authCertificate: certificate,
        sessionToken: SECRET,
      },
    ],
    process: 'running',
    updatedAt: '2026-11-22T10:00:00.000Z',
    pin: SECRET,
  } as unknown as CardSnapshot;
  return {
    createdAt: new Date('2026-11-22T10:00:00Z'),
    app: {
      productName: 'Behörighetsadmin',
      version: '0.1.0',
      transport: 'electron-ipc',
      electronVersion: '45.4.1',
      nodeVersion: '22.0.0',
      token: SECRET,
    } as SupportReportInput['app'],
    system: {
      platform: 'win32',
      arch: 'x64',
      release: '10.0.19045',
      osVersion: 'Windows 10 Pro',
      pin: SECRET,
    } as SupportReportInput['system'],
    configuration: [
      { key: 'backendUrl', value: 'https://api.example.se', source: 'policy', locked: true, authorization: SECRET } as never,
    ],
    checks: [
      {
        id: 'card',
        status: 'pass',
        code: 'card.found',
        params: { reader: 'Reader 0' },
        details: { reader: 'Reader 0' },
        pin: SECRET,
      } as never,
    ],
    card,
    testSignature: { at: '2026-11-22T09:59:00.000Z', outcome: 'verified', errorCode: null, pin: SECRET } as never,
    recentErrors: [
      {
        time: '2026-11-22T09:58:00.000Z',
        level: 'warn',
        component: 'ipc',
        event: 'ipc-failed',
        errorCode: 'pin-incorrect',
        msg: SECRET,
      } as never,
    ],
  };
}

describe('buildSupportReport', () => {
  it('copies whitelisted fields only: secrets in extra fields never reach the JSON or the text', () => {
    const report = buildSupportReport(poisoned());
    const files = serializeSupportReport(report);
    expect(supportReportSchema.strict().safeParse(report).success).toBe(true);
    for (const text of [files.json, files.text, supportReportFileContent(files)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('privateKey');
      expect(text).not.toContain('sessionToken');
    }
  });

  it('carries what support needs: versions, configuration with source, ATR, certificate metadata, checks, recent errors', () => {
    const report = buildSupportReport(poisoned());
    expect(report.program).toEqual({
      productName: 'Behörighetsadmin',
      version: '0.1.0',
      transport: 'electron-ipc',
      electronVersion: '45.4.1',
      nodeVersion: '22.0.0',
    });
    expect(report.card.readers[0]!.atr).toBe('3B 88 80');
    expect(report.card.tokens[0]!.certificates[0]).toMatchObject({
      subject: certificate.subject,
      issuer: certificate.issuer,
      serialNumber: '0A1B2C',
      notAfter: certificate.notAfter,
    });
    const { text } = serializeSupportReport(report);
    expect(text).toContain('Operativsystem: win32 10.0.19045 x64 (Windows 10 Pro)');
    expect(text).toContain('[OK] Kort i läsaren: Kort finns i Reader 0.');
    expect(text).toContain('ATR 3B 88 80');
    expect(text).toContain('Serienummer: 0A1B2C');
    expect(text).toContain('Giltigt: 2026-01-01 – 2028-01-01 (giltigt)');
    expect(text).toContain('backendUrl: https://api.example.se – systempolicy, låst av policy');
    expect(text).toContain('ipc ipc-failed (pin-incorrect)');
    expect(text).toContain('Provsignering 2026-11-22T09:59:00.000Z: kortet signerade och signaturen stämde');
    // The retry counters, never a PIN or PUK.
    expect(report.card.tokens[0]!.pin).toMatchObject({ triesLeft: 3, pukTriesLeft: 2 });
    expect(text).toContain('PIN-försök kvar: 3; PUK-försök kvar: 2');
  });

  it('says whether the issuer was checked: trusted, not trusted, or no CA certificate configured (not "untrusted")', () => {
    const issuerLine = (trusted: boolean, caCertificates: number) => {
      const input = poisoned();
      const card = { ...input.card, caCertificates };
      card.tokens = card.tokens.map((token) => ({ ...token, certificates: token.certificates.map((c) => ({ ...c, trusted })) }));
      const { text } = serializeSupportReport(buildSupportReport({ ...input, card }));
      return text.split('\n').find((line) => line.includes('Utfärdare:'));
    };
    expect(issuerLine(true, 2)).toContain('(betrodd)');
    expect(issuerLine(false, 2)).toContain('(inte betrodd)');
    expect(issuerLine(false, 0)).toContain('inga CA-certifikat är inställda, "trustAnchors"');
    expect(issuerLine(false, 0)).not.toContain('inte betrodd');
  });

  it("words the PIN by the login rule: the card's own count wins over the token's flags", () => {
    const pinLine = (pin: Partial<TokenState['pin']>) => {
      const input = poisoned();
      const card = { ...input.card, tokens: input.card.tokens.map((t) => ({ ...t, pin: { ...t.pin, ...pin } })) };
      const { text } = serializeSupportReport(buildSupportReport({ ...input, card }));
      return text.split('\n').find((line) => line.startsWith('Token:'));
    };
    const flags = { locked: false, finalTry: false, countLow: false };
    expect(pinLine({ ...flags, triesLeft: 0 })).toContain('PIN-kod låst');
    expect(pinLine({ ...flags, triesLeft: 1 })).toContain('PIN-kod ett försök kvar');
    expect(pinLine({ ...flags, countLow: true, triesLeft: 3 })).toContain('PIN-kod inte låst');
    expect(pinLine({ ...flags, countLow: true, triesLeft: null })).toContain('PIN-kod få försök kvar');
    expect(pinLine({ ...flags, locked: true, triesLeft: null })).toContain('PIN-kod låst');
  });

  it('names the saved file by date and time', () => {
    expect(supportReportFileName(new Date('2026-03-04T05:06:07Z'))).toBe('behorighetsadmin-rapport-2026-03-04-0506.txt');
  });
});

// Issue 18: ignored readers, TLS inspection, the expiry threshold, a Citrix session and the PIN/PUK
// counters all reach the report, from the real checks; a PIN, a PUK and personal identity numbers never do.
describe('the support report with the card-care findings', () => {
  const PIN = '246810';
  const PUK = '13572468';
  const PERSONNUMMER = ['19121212-1212', '191212121212', '121212-1212'];

  function findings(): SupportReportInput {
    const input = poisoned();
    const person = {
      ...certificate,
      subject: `CN=Alva Testsson, serialNumber=${PERSONNUMMER[1]}, O=Testkommunen, C=SE`,
      commonName: `Alva Testsson (${PERSONNUMMER[0]})`,
      validity: 'expiring-soon' as const,
      daysLeft: 40,
    };
    const card: CardSnapshot = {
      ...input.card,
      expiryWarningDays: 60,
      pcsc: {
        service: 'running',
        readers: input.card.pcsc.readers,
        ignoredReaders: [
          {
            name: 'Microsoft Virtual Smart Card 0',
            cardPresent: true,
            atr: '3B 8D 01 80',
            cardKind: 'unknown',
            cardLabel: null,
            eventCount: 1,
            pattern: 'Microsoft Virtual Smart Card*',
          },
        ],
      },
      tokens: input.card.tokens.map((token) => ({
        ...token,
        label: `Alva ${PERSONNUMMER[2]}`,
        pin: { ...token.pin, triesLeft: 2, pukTriesLeft: 3, pin: PIN, puk: PUK } as never,
        certificates: [person],
        authCertificate: person,
      })),
    };
    const checks = runDoctorChecks({
      card,
      policyLocation: 'HKLM\\Software\\Policies\\Behorighetsadmin',
      backendUrl: 'https://behorighet.myndighet.example',
      backend: {
        reachable: false,
        url: 'https://behorighet.myndighet.example',
        reason: 'refused',
        detail: 'SELF_SIGNED_CERT_IN_CHAIN',
        tls: {
          host: 'behorighet.myndighet.example',
          trusted: false,
          error: 'SELF_SIGNED_CERT_IN_CHAIN',
          certificateSubject: 'CN=behorighet.myndighet.example',
          certificateSha256: 'cd'.repeat(32),
          issuer: 'CN=Kommunens brandvägg, O=Testkommunen',
          issuerSha256: 'ef'.repeat(32),
        },
      },
      now: new Date('2026-11-22T10:00:00Z'),
      session: { platform: 'win32', sessionName: 'ICA-CGP#3', clientName: 'KLIENT-17', citrixSessionKey: true },
    }).map((check) => ({ ...check, pin: PIN, puk: PUK }));
    return {
      ...input,
      card,
      checks,
      configuration: [...input.configuration, { key: 'pin', value: PIN, source: 'x', locked: false }].slice(0, 1),
    };
  }

  it('names each finding: ignored reader, interception with fingerprint, expiry and next step, Citrix, counters', () => {
    const report = buildSupportReport(findings());
    expect(supportReportSchema.strict().safeParse(report).success).toBe(true);
    const { text, json } = serializeSupportReport(report);
    expect(report.card.ignoredReaders).toEqual([
      { name: 'Microsoft Virtual Smart Card 0', cardPresent: true, atr: '3B 8D 01 80', pattern: 'Microsoft Virtual Smart Card*' },
    ]);
    expect(text).toContain(
      'Kortläsaren "Microsoft Virtual Smart Card 0" används inte: namnet matchar "Microsoft Virtual Smart Card*"',
    );
    expect(text).toContain('Läsare som inte används: Microsoft Virtual Smart Card 0');
    expect(text).toContain('avlyssnas av "CN=Kommunens brandvägg, O=Testkommunen"');
    expect(text).toContain(`SHA-256 för utfärdarens certifikat: ${Array(32).fill('EF').join(':')}`);
    expect(text).toContain('programmet varnar 60 dagar innan');
    expect(text).toContain('Beställ ett nytt kort hos organisationens kortadministratör');
    expect(text).toContain('Programmet körs i en session via Citrix');
    expect(text).toContain('KLIENT-17');
    expect(text).toContain('PIN-försök kvar: 2; PUK-försök kvar: 3');
    expect(JSON.parse(json).checks.find((check: { id: string }) => check.id === 'backend').details).toMatchObject({
      presentedIssuerSha256: 'ef'.repeat(32),
    });
  });

  it('holds no PIN, no PUK and no personal identity number, in the JSON or the text', () => {
    const files = serializeSupportReport(buildSupportReport(findings()));
    for (const content of [files.json, files.text, supportReportFileContent(files)]) {
      expect(content).not.toContain(PIN);
      expect(content).not.toContain(PUK);
      for (const number of PERSONNUMMER) expect(content).not.toContain(number);
      expect(content).toContain('[personnummer borttaget]');
      // The HSA-id is what support needs, and stays.
      expect(content).toContain('SE2321000016-A1B2');
    }
  });
});

describe('describeConfiguration', () => {
  it('lists every setting with its source and adds the PKCS#11 module in use; URLs lose credentials', () => {
    const entries: SettingEntry[] = [
      { key: 'backendUrl', value: 'https://api.example.se/', source: 'policy', locked: true, editable: false },
      { key: 'proxy', value: 'http://kalle:hemligt@proxy.kommun.se:8080', source: 'user', locked: false, editable: true },
      { key: 'pkcs11Modules', value: ['/a.so', '/b.so'], source: 'default', locked: false, editable: true },
      { key: 'crashReporting', value: false, source: 'default', locked: false, editable: false },
    ];
    const described = describeConfiguration({ entries, modulePath: '/b.so' });
    expect(described).toEqual([
      { key: 'backendUrl', value: 'https://api.example.se/', source: 'policy', locked: true },
      { key: 'proxy', value: 'http://proxy.kommun.se:8080/', source: 'user', locked: false },
      { key: 'pkcs11Modules', value: ['/a.so', '/b.so'], source: 'default', locked: false },
      { key: 'crashReporting', value: 'false', source: 'default', locked: false },
      { key: 'pkcs11ModuleInUse', value: '/b.so', source: 'default', locked: false },
    ]);
    expect(JSON.stringify(described)).not.toContain('hemligt');
    expect(withoutCredentials('not a url')).toBe('not a url');
  });
});
