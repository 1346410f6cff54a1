import { DEFAULT_EXPIRY_WARNING_DAYS, type CardSnapshot, type CertificateSummary } from '../../common/card/card-state';
import { loginReadiness, type LoginReadiness } from '../../common/card/login-readiness';
import type {
  CheckId,
  CheckMessageCode,
  CheckNote,
  CheckStatus,
  DiagnosticCheck,
} from '../../common/diagnostics/diagnostic-check';
import type { BackendProbe } from './backend-probe';
import { fingerprintText, type TlsInspection } from './tls-inspection';
import { pinStateCheck } from './pin-state-check';
import { registrySubkeyNames } from '../config/policy-registry';
import { citrixSessionKeyPresent, remoteSessionCheck, type SessionFacts } from './remote-session';

/** Clock difference against the backend beyond which login may fail (certificate and nonce times). */
export const MAX_CLOCK_SKEW_SECONDS = 120;

export interface DoctorInput {
  card: CardSnapshot;
  /** The system policy file or registry key where IT sets the CA certificates (setting trustAnchors). */
  policyLocation: string;
  /** null when no backend is configured. */
  backend: BackendProbe | null;
  backendUrl: string | null;
  now: Date;
  /** The session the program runs in (default: this process's platform and environment). */
  session?: SessionFacts;
}

/**
 * This process's session facts: SESSIONNAME and CLIENTNAME, as Windows sets them, and on Windows
 * whether Citrix's VDA lists this session (registry; `subkeys` is native-reg's reader by default).
 */
export function currentSessionFacts(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
  subkeys: (key: string) => string[] | null = registrySubkeyNames,
): SessionFacts {
  const citrixSessionKey = platform === 'win32' ? citrixSessionKeyPresent(subkeys) : null;
  return { platform, sessionName: env.SESSIONNAME, clientName: env.CLIENTNAME, citrixSessionKey };
}

type Details = DiagnosticCheck['details'];
type Params = DiagnosticCheck['params'];

/** A check: its outcome as a code of the catalogue (diagnostics.messages) with the values the words name. */
function check(
  id: CheckId,
  status: CheckStatus,
  code: CheckMessageCode,
  params: Params = {},
  details: Details = {},
): DiagnosticCheck {
  return { id, status, code, params, details };
}

/** Skipped because an earlier link must work first. */
function skipped(
  id: CheckId,
  after: 'pcsc-service' | 'reader' | 'card-in-reader' | 'card-and-module' | 'card' | 'certificate' | 'backend',
): DiagnosticCheck {
  return check(id, 'skip', `skip.after-${after}`);
}

function dateOnly(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * Walks the chain from card service to backend and says, for each link, pass / warn / fail / skip
 * with the remedy in plain Swedish. Shared by `npm run doctor` and the diagnostics view.
 */
export function runDoctorChecks({ card, policyLocation, backend, backendUrl, now, session }: DoctorInput): DiagnosticCheck[] {
  const checks: DiagnosticCheck[] = [];
  const serviceUp = card.pcsc.service === 'running';
  checks.push(
    serviceUp ? check('pcsc-service', 'pass', 'pcsc-service.running') : check('pcsc-service', 'fail', 'pcsc-service.not-running'),
  );

  const readers = card.pcsc.readers;
  const ignored = card.pcsc.ignoredReaders ?? [];
  // Readers the ignore list leaves out are named, with the pattern that matched: never dropped silently.
  const ignoredNotes: CheckNote[] = ignored.map((reader) => ({
    code: 'reader-ignored',
    params: { reader: reader.name, pattern: reader.pattern, card: reader.cardPresent ? 'yes' : 'no' },
  }));
  const withIgnored = (item: DiagnosticCheck): DiagnosticCheck =>
    ignoredNotes.length > 0
      ? { ...item, details: { ...item.details, ignoredReaders: ignored.length }, notes: ignoredNotes }
      : item;
  if (!serviceUp) checks.push(skipped('reader', 'pcsc-service'));
  else if (readers.length === 0) checks.push(withIgnored(check('reader', 'fail', 'reader.none')));
  else
    checks.push(
      withIgnored(
        check(
          'reader',
          'pass',
          'reader.found',
          { readers: readers.map((reader) => reader.name).join(', ') },
          { readers: readers.length },
        ),
      ),
    );
  checks.push(remoteSessionCheck(session ?? currentSessionFacts()));

  // The card a login would use, and what stops it: the one rule the session and the login view follow too.
  const readiness = loginReadiness(card);
  const { reader, token } = readiness;
  const blocked = (blocker: LoginReadiness['blockers'][number]) => readiness.blockers.includes(blocker);
  const warned = (warning: LoginReadiness['warnings'][number]) => readiness.warnings.includes(warning);
  if (!serviceUp || readers.length === 0) checks.push(skipped('card', 'reader'));
  else if (!reader) checks.push(check('card', 'fail', 'card.none'));
  else checks.push(check('card', 'pass', 'card.found', { reader: reader.name }, { reader: reader.name }));

  if (!reader) checks.push(skipped('atr', 'card-in-reader'));
  else if (reader.cardKind === 'unknown') checks.push(check('atr', 'warn', 'atr.unknown', {}, { atr: reader.atr }));
  else
    checks.push(
      reader.cardLabel
        ? check('atr', 'pass', 'atr.known', { label: reader.cardLabel }, { atr: reader.atr, kind: reader.cardKind })
        : check('atr', 'pass', 'atr.known-siths', {}, { atr: reader.atr, kind: reader.cardKind }),
    );

  const module = card.module;
  if (module.status === 'loaded')
    checks.push(
      check(
        'pkcs11-module',
        'pass',
        module.version ? 'pkcs11-module.loaded' : 'pkcs11-module.loaded-no-version',
        { name: module.description ?? module.path, version: module.version ?? '' },
        {
          path: module.path,
          manufacturer: module.manufacturer,
          version: module.version,
        },
      ),
    );
  else if (module.status === 'missing')
    checks.push(check('pkcs11-module', 'fail', 'pkcs11-module.missing', { path: module.path }, { path: module.path }));
  else checks.push(check('pkcs11-module', 'fail', 'pkcs11-module.failed', { path: module.path }, { path: module.path }));

  if (module.status !== 'loaded' || !reader) checks.push(skipped('token', 'card-and-module'));
  else if (!token) checks.push(check('token', 'fail', 'token.unreadable'));
  else
    checks.push(
      check(
        'token',
        'pass',
        'token.read',
        { label: token.label },
        {
          label: token.label,
          serialNumber: token.serialNumber,
          slot: token.slotDescription,
        },
      ),
    );

  const certificate = token?.authCertificate ?? null;
  if (!token) checks.push(skipped('certificate', 'card'));
  else if (!certificate)
    checks.push(check('certificate', 'fail', 'certificate.missing', {}, { certificates: token.certificates.length }));
  else
    checks.push(
      check(
        'certificate',
        'pass',
        certificate.hsaId ? 'certificate.found' : 'certificate.found-no-hsa-id',
        { name: certificate.commonName ?? certificate.subject, hsaId: certificate.hsaId ?? '' },
        {
          subject: certificate.subject,
          hsaId: certificate.hsaId,
          issuer: certificate.issuer,
          serialNumber: certificate.serialNumber,
          notBefore: certificate.notBefore,
          notAfter: certificate.notAfter,
        },
      ),
    );

  if (!certificate) {
    checks.push(skipped('certificate-validity', 'certificate'));
    checks.push(skipped('certificate-issuer', 'certificate'));
  } else {
    const dates = {
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      daysLeft: certificate.daysLeft,
      expiryWarningDays: card.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS,
    };
    if (blocked('certificate-expired'))
      checks.push(
        check('certificate-validity', 'fail', 'certificate-validity.expired', { date: dateOnly(certificate.notAfter) }, dates),
      );
    else if (blocked('certificate-not-yet-valid'))
      checks.push(
        check(
          'certificate-validity',
          'fail',
          'certificate-validity.not-yet-valid',
          { date: dateOnly(certificate.notBefore) },
          dates,
        ),
      );
    else if (warned('certificate-expiring-soon'))
      checks.push(
        check(
          'certificate-validity',
          'warn',
          'certificate-validity.expiring-soon',
          { date: dateOnly(certificate.notAfter), days: certificate.daysLeft, threshold: dates.expiryWarningDays },
          dates,
        ),
      );
    else
      checks.push(
        check('certificate-validity', 'pass', 'certificate-validity.valid', { date: dateOnly(certificate.notAfter) }, dates),
      );
    checks.push(
      warned('trust-not-configured')
        ? check(
            'certificate-issuer',
            'warn',
            'certificate-issuer.not-configured',
            { issuer: certificate.issuer, policyLocation },
            {
              issuer: certificate.issuer,
              setting: 'trustAnchors',
              policyLocation,
              flag: '--trust-anchor',
              env: 'BEHORIGHETSADMIN_TRUST_ANCHORS',
            },
          )
        : !blocked('certificate-untrusted')
          ? check(
              'certificate-issuer',
              'pass',
              'certificate-issuer.trusted',
              { issuer: certificate.issuer },
              { issuer: certificate.issuer },
            )
          : check(
              'certificate-issuer',
              'fail',
              'certificate-issuer.untrusted',
              { issuer: certificate.issuer },
              { issuer: certificate.issuer },
            ),
    );
  }

  checks.push(revocationCheck(certificate, readiness));

  if (!token) checks.push(skipped('pin-state', 'card'));
  else checks.push(pinStateCheck(token));

  if (!backendUrl || !backend || (!backend.reachable && backend.reason === 'not-configured')) {
    const why = 'skip.no-backend';
    checks.push(check('backend', 'skip', why), check('backend-status', 'skip', why), check('clock-skew', 'skip', why));
    return checks;
  }
  if (!backend.reachable) {
    checks.push(
      backend.tls && !backend.tls.trusted
        ? tlsInterceptedCheck(backendUrl, backend.tls, policyLocation, backend.reason)
        : check(
            'backend',
            'fail',
            `backend.${backend.reason === 'not-configured' ? 'refused' : backend.reason}`,
            { url: backendUrl },
            { url: backendUrl, reason: backend.reason, detail: backend.detail },
          ),
      skipped('backend-status', 'backend'),
      skipped('clock-skew', 'backend'),
    );
    return checks;
  }
  checks.push(
    check(
      'backend',
      'pass',
      'backend.ok',
      { ms: backend.roundTripMs },
      {
        url: backendUrl,
        version: backend.status.version,
        roundTripMs: backend.roundTripMs,
      },
    ),
  );
  const message = backend.status.message;
  if (backend.status.status === 'ok' && (!message || message.severity === 'info'))
    checks.push(
      message
        ? check('backend-status', 'pass', 'backend-status.message', { text: message.text })
        : check('backend-status', 'pass', 'backend-status.ok'),
    );
  else if (backend.status.status === 'unavailable')
    checks.push(check('backend-status', 'fail', 'backend-status.unavailable', {}, { message: message?.text ?? null }));
  else
    checks.push(
      check(
        'backend-status',
        message?.severity === 'disturbance' ? 'fail' : 'warn',
        message ? 'backend-status.disturbance' : 'backend-status.disturbance-no-text',
        { text: message?.text ?? '' },
        { severity: message?.severity ?? null, since: message?.since ?? null },
      ),
    );

  const skewSeconds = Math.round((now.getTime() - new Date(backend.status.time).getTime() - backend.roundTripMs / 2) / 1000);
  checks.push(
    Math.abs(skewSeconds) <= MAX_CLOCK_SKEW_SECONDS
      ? check('clock-skew', 'pass', 'clock-skew.ok', {}, { skewSeconds })
      : check('clock-skew', 'fail', 'clock-skew.skewed', { seconds: Math.abs(skewSeconds) }, { skewSeconds }),
  );
  return checks;
}

/**
 * The backend's TLS certificate does not chain to a CA the program trusts: something between this
 * computer and the service (a TLS-inspecting proxy or firewall) presents a certificate of its own CA.
 * Names that CA and its fingerprint, and who can fix it.
 */
function tlsInterceptedCheck(backendUrl: string, tls: TlsInspection, policyLocation: string, reason: string): DiagnosticCheck {
  return check(
    'backend',
    'fail',
    // The fingerprint is of the issuer's certificate where the server sent it, else of the server's own.
    tls.issuerSha256 ? 'backend.tls-intercepted' : 'backend.tls-intercepted-server-certificate',
    {
      host: tls.host,
      issuer: tls.issuer,
      fingerprint: fingerprintText(tls.issuerSha256 ?? tls.certificateSha256),
      policyLocation,
    },
    {
      url: backendUrl,
      reason,
      tlsError: tls.error,
      presentedIssuer: tls.issuer,
      presentedIssuerSha256: tls.issuerSha256,
      certificateSubject: tls.certificateSubject,
      certificateSha256: tls.certificateSha256,
      setting: 'extraCaCertificates',
      policyLocation,
    },
  );
}

/** Why a revocation status could not be had, as the catalogue's codes name it. */
const UNKNOWN_WHY: Record<string, CheckMessageCode> = {
  unreachable: 'certificate-revocation.unknown-unreachable',
  'responder-unknown': 'certificate-revocation.unknown-responder-unknown',
  'invalid-response': 'certificate-revocation.unknown-invalid-response',
  'no-responder': 'certificate-revocation.unknown-no-responder',
};

/** Revoked (fail), not revoked (pass), or no answer to be had (warn, naming the responder asked). */
function revocationCheck(certificate: CertificateSummary | null, readiness: LoginReadiness): DiagnosticCheck {
  if (!certificate) return skipped('certificate-revocation', 'certificate');
  const revocation = certificate.revocation;
  const details = {
    status: revocation.status,
    source: revocation.source,
    responder: revocation.responder,
    ocspUrl: certificate.ocspUrls[0] ?? null,
    crlUrl: certificate.crlUrls[0] ?? null,
    revokedAt: revocation.revokedAt,
    reason: revocation.reason,
    checkedAt: revocation.checkedAt,
  };
  if (readiness.blockers.includes('certificate-revoked'))
    return revocation.revokedAt
      ? check(
          'certificate-revocation',
          'fail',
          'certificate-revocation.revoked-since',
          { date: dateOnly(revocation.revokedAt) },
          details,
        )
      : check('certificate-revocation', 'fail', 'certificate-revocation.revoked', {}, details);
  if (readiness.warnings.includes('revocation-unknown')) {
    const responder = revocation.responder ?? certificate.ocspUrls[0] ?? certificate.crlUrls[0] ?? null;
    return check(
      'certificate-revocation',
      'warn',
      UNKNOWN_WHY[revocation.reason ?? 'unreachable'] ?? 'certificate-revocation.unknown-other',
      { responder: responder ?? '' },
      { ...details, responder },
    );
  }
  if (revocation.status === 'good')
    return check(
      'certificate-revocation',
      'pass',
      revocation.source === 'crl' ? 'certificate-revocation.good-crl' : 'certificate-revocation.good-ocsp',
      { responder: revocation.responder ?? '' },
      details,
    );
  if (revocation.reason === 'no-issuer')
    return check(
      'certificate-revocation',
      'skip',
      readiness.warnings.includes('trust-not-configured')
        ? 'certificate-revocation.no-issuer-not-configured'
        : 'certificate-revocation.no-issuer',
      {},
      details,
    );
  return certificate.ocspUrls[0]
    ? check('certificate-revocation', 'warn', 'certificate-revocation.pending-at', { url: certificate.ocspUrls[0] }, details)
    : check('certificate-revocation', 'warn', 'certificate-revocation.pending', {}, details);
}
