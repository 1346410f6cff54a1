import { constants, createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import { loginReadiness } from '../../common/card/login-readiness';
import type {
  ConfigurationEntry,
  DiagnosticsRun,
  LogEntry,
  SupportReport,
  SupportReportFiles,
  TestSignatureResult,
} from '../../common/diagnostics/support-report';
import type { AppInfo } from '../../common/ipc/contract';
import type { CardService } from '../card/card-service';
import { AppFailure, unwrap } from '../errors/app-failure';
import type { BackendProbe } from './backend-probe';
import { runDoctorChecks } from './doctor-checks';
import {
  buildSupportReport,
  serializeSupportReport,
  supportReportFileContent,
  supportReportFileName,
} from './support-report-builder';

/** Prefix of the test-signature challenge: 64 bytes are never signed here, so it cannot pass for a login (SHA-256 ‖ SHA-256). */
const TEST_CHALLENGE_PREFIX = Buffer.from('Behorighetsadmin provsignering v1\n', 'utf8');

export interface DiagnosticsServiceOptions {
  card: Pick<CardService, 'snapshot' | 'refresh' | 'sign'>;
  /** The configured backend, or null. */
  backendUrl: string | null;
  /** The system policy file or registry key where IT sets the CA certificates (named by the checks). */
  policyLocation: string;
  probeBackend: () => Promise<BackendProbe>;
  appInfo: () => AppInfo;
  system: () => SupportReport['system'];
  configuration: () => ConfigurationEntry[];
  /** The log folder (rotating log files), or null when the program logs to stderr only. */
  logDir: string | null;
  readRecentErrors: (logDir: string | null) => LogEntry[];
  /** Saves a report: Electron asks where (save dialog), the test bridge writes into its folder; null when cancelled. */
  saveFile?: (suggestedName: string, content: string) => Promise<string | null>;
  /** Opens a folder in the file manager (Electron's shell.openPath); absent under the test bridge. */
  openFolder?: (folder: string) => Promise<boolean>;
  logger: Logger;
  now?: () => Date;
  random?: (size: number) => Buffer;
}

/** The operating system as the report shows it. */
export function systemInfo(): SupportReport['system'] {
  return {
    platform: process.platform,
    arch: process.arch,
    release: os.release(),
    osVersion: typeof os.version === 'function' ? os.version() : null,
  };
}

/** Verifies a card signature over data with the certificate's public key (RS256 PKCS#1 v1.5, ES256 raw r ‖ s). */
export function verifyCardSignature(
  certificateDer: Buffer,
  algorithm: 'RS256' | 'ES256',
  data: Buffer,
  signature: Buffer,
): boolean {
  try {
    const key = new X509Certificate(certificateDer).publicKey;
    return algorithm === 'RS256'
      ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature)
      : verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/**
 * The diagnostics view's side in main (and the support report): runs the doctor's checks on fresh
 * card and backend state, makes a test signature, and builds, saves and opens what support needs.
 */
export class DiagnosticsService {
  private lastTestSignature: SupportReport['testSignature'] = null;
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: DiagnosticsServiceOptions) {
    this.log = options.logger.child({ component: 'diagnostics' });
    this.now = options.now ?? (() => new Date());
  }

  /** Runs every check on a fresh read of the card and a fresh probe of the backend. */
  async run(): Promise<DiagnosticsRun> {
    const { card, backendUrl } = this.options;
    const [refreshed, backend] = await Promise.all([card.refresh(), this.options.probeBackend()]);
    const snapshot = refreshed.ok ? refreshed.value : card.snapshot();
    const now = this.now();
    const checks = runDoctorChecks({ card: snapshot, policyLocation: this.options.policyLocation, backend, backendUrl, now });
    const failed = checks.filter((check) => check.status === 'fail').map((check) => check.id);
    this.log.info({ event: 'checks-run', failed }, 'Diagnostics checks run');
    return { checks, ranAt: now.toISOString() };
  }

  /**
   * "Provsignera med PIN": the card signs a random challenge with its authentication key and the
   * signature is verified here with the certificate's public key. The PIN goes to the card process only.
   */
  async testSignature(pin: string): Promise<TestSignatureResult> {
    const started = Date.now();
    const at = this.now().toISOString();
    try {
      // The token a login would use; the test signature is made even when something else stops a login.
      const { token, certificate } = loginReadiness(this.options.card.snapshot());
      if (!token || !certificate) throw new AppFailure(token ? 'certificate-missing' : 'token-absent');
      const data = Buffer.concat([TEST_CHALLENGE_PREFIX, (this.options.random ?? randomBytes)(32)]);
      const signed = unwrap(
        await this.options.card.sign({ slotId: token.slotId, certificateSha256: certificate.sha256, data, pin }),
      );
      const der = Buffer.from(signed.certificateBase64, 'base64');
      const sameCertificate = createHash('sha256').update(der).digest('hex') === certificate.sha256;
      const verified =
        sameCertificate && verifyCardSignature(der, signed.algorithm, data, Buffer.from(signed.signatureBase64, 'base64'));
      this.lastTestSignature = { at, outcome: verified ? 'verified' : 'not-verified', errorCode: null };
      this.log.info({ event: 'test-signature', verified, algorithm: signed.algorithm }, 'Test signature made');
      return {
        verified,
        algorithm: signed.algorithm,
        subject: certificate.subject,
        serialNumber: certificate.serialNumber,
        durationMs: Date.now() - started,
        at,
      };
    } catch (error) {
      const code = error instanceof AppFailure ? error.code : 'internal';
      this.lastTestSignature = { at, outcome: 'failed', errorCode: code };
      this.log.warn({ event: 'test-signature-failed', errorCode: code }, 'Test signature failed');
      throw error;
    }
  }

  /** The support report (fresh checks), as JSON and readable Swedish text. */
  async report(): Promise<SupportReportFiles> {
    const run = await this.run();
    const report = buildSupportReport({
      createdAt: new Date(run.ranAt),
      app: this.options.appInfo(),
      system: this.options.system(),
      configuration: this.options.configuration(),
      checks: run.checks,
      card: this.options.card.snapshot(),
      testSignature: this.lastTestSignature,
      recentErrors: this.options.readRecentErrors(this.options.logDir),
    });
    return serializeSupportReport(report);
  }

  /** Saves the report as one file (text, then JSON); `saved: false` when cancelled or not possible here. */
  async saveReport(): Promise<{ saved: boolean; path: string | null }> {
    if (!this.options.saveFile) return { saved: false, path: null };
    const files = await this.report();
    const saved = await this.options.saveFile(supportReportFileName(this.now()), supportReportFileContent(files));
    this.log.info({ event: 'report-saved', saved: saved !== null }, 'Support report saved');
    return { saved: saved !== null, path: saved };
  }

  /** Opens the log folder where the platform can; always says where it is. */
  async openLogFolder(): Promise<{ opened: boolean; path: string | null }> {
    const { logDir, openFolder } = this.options;
    if (!logDir) return { opened: false, path: null };
    return { opened: openFolder ? await openFolder(logDir) : false, path: logDir };
  }
}
