import { DEFAULT_EXPIRY_WARNING_DAYS, type CardSnapshot, type CertificateSummary } from '../../common/card/card-state';
import { loginReadiness, type LoginReadiness } from '../../common/card/login-readiness';
import type { CheckId, CheckNote, CheckStatus, DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';
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

function check(id: CheckId, status: CheckStatus, message: string, details: Details = {}): DiagnosticCheck {
  return { id, status, message, details };
}

const SKIPPED_AFTER = (what: string) => `Hoppades över: ${what} måste fungera först.`;

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
    serviceUp
      ? check('pcsc-service', 'pass', 'Korttjänsten (PC/SC) är igång.')
      : check(
          'pcsc-service',
          'fail',
          'Korttjänsten (PC/SC) är inte igång. Starta om datorn, eller be IT starta tjänsten (pcscd på Linux, Smartkort/SCardSvr på Windows).',
        ),
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
  if (!serviceUp) checks.push(check('reader', 'skip', SKIPPED_AFTER('korttjänsten')));
  else if (readers.length === 0)
    checks.push(
      withIgnored(
        check('reader', 'fail', 'Ingen kortläsare hittades. Kontrollera att kortläsaren är ansluten; prova en annan USB-port.'),
      ),
    );
  else
    checks.push(
      withIgnored(
        check('reader', 'pass', `Kortläsare: ${readers.map((reader) => reader.name).join(', ')}.`, { readers: readers.length }),
      ),
    );
  checks.push(remoteSessionCheck(session ?? currentSessionFacts()));

  // The card a login would use, and what stops it: the one rule the session and the login view follow too.
  const readiness = loginReadiness(card);
  const { reader, token } = readiness;
  const blocked = (blocker: LoginReadiness['blockers'][number]) => readiness.blockers.includes(blocker);
  const warned = (warning: LoginReadiness['warnings'][number]) => readiness.warnings.includes(warning);
  if (!serviceUp || readers.length === 0) checks.push(check('card', 'skip', SKIPPED_AFTER('kortläsaren')));
  else if (!reader) checks.push(check('card', 'fail', 'Inget kort i kortläsaren. Sätt i ditt SITHS-kort med chippet först.'));
  else checks.push(check('card', 'pass', `Kort finns i ${reader.name}.`, { reader: reader.name }));

  if (!reader) checks.push(check('atr', 'skip', SKIPPED_AFTER('ett kort i läsaren')));
  else if (reader.cardKind === 'unknown')
    checks.push(
      check(
        'atr',
        'warn',
        'Kortet känns inte igen som ett SITHS-kort. Kontrollera att det är ditt SITHS-kort som sitter i läsaren.',
        { atr: reader.atr },
      ),
    );
  else
    checks.push(
      check('atr', 'pass', `Kortet känns igen: ${reader.cardLabel ?? 'SITHS-kort'}.`, { atr: reader.atr, kind: reader.cardKind }),
    );

  const module = card.module;
  if (module.status === 'loaded')
    checks.push(
      check(
        'pkcs11-module',
        'pass',
        `Programvaran för e-legitimation är laddad (${module.description ?? module.path}, version ${module.version ?? 'okänd'}).`,
        {
          path: module.path,
          manufacturer: module.manufacturer,
          version: module.version,
        },
      ),
    );
  else if (module.status === 'missing')
    checks.push(
      check(
        'pkcs11-module',
        'fail',
        `Programvaran för e-legitimation (PKCS#11-modulen) finns inte: ${module.path}. Installera Net iD eller ange rätt sökväg i inställningarna.`,
        { path: module.path },
      ),
    );
  else
    checks.push(
      check(
        'pkcs11-module',
        'fail',
        `Programvaran för e-legitimation (PKCS#11-modulen) kunde inte startas: ${module.path}. Starta om datorn; kvarstår felet, installera om Net iD.`,
        { path: module.path },
      ),
    );

  if (module.status !== 'loaded' || !reader)
    checks.push(check('token', 'skip', SKIPPED_AFTER('kortet och programvaran för e-legitimation')));
  else if (!token)
    checks.push(
      check(
        'token',
        'fail',
        'Kortet kunde inte läsas av programvaran för e-legitimation. Kontrollera att kortet är rent och sitter rätt, och välj "Läs in kortet på nytt".',
      ),
    );
  else
    checks.push(
      check('token', 'pass', `Kortet läses: ${token.label}.`, {
        label: token.label,
        serialNumber: token.serialNumber,
        slot: token.slotDescription,
      }),
    );

  const certificate = token?.authCertificate ?? null;
  if (!token) checks.push(check('certificate', 'skip', SKIPPED_AFTER('kortet')));
  else if (!certificate)
    checks.push(
      check('certificate', 'fail', 'Kortet saknar certifikat för inloggning (legitimering). Kontakta den som utfärdade kortet.', {
        certificates: token.certificates.length,
      }),
    );
  else
    checks.push(
      check(
        'certificate',
        'pass',
        `Certifikat för ${certificate.commonName ?? certificate.subject}, HSA-id ${certificate.hsaId ?? 'saknas'}.`,
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
    checks.push(check('certificate-validity', 'skip', SKIPPED_AFTER('certifikatet')));
    checks.push(check('certificate-issuer', 'skip', SKIPPED_AFTER('certifikatet')));
  } else {
    const dates = {
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      daysLeft: certificate.daysLeft,
      expiryWarningDays: card.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS,
    };
    if (blocked('certificate-expired'))
      checks.push(
        check(
          'certificate-validity',
          'fail',
          `Certifikatet gick ut ${dateOnly(certificate.notAfter)}. Beställ ett nytt kort.`,
          dates,
        ),
      );
    else if (blocked('certificate-not-yet-valid'))
      checks.push(
        check(
          'certificate-validity',
          'fail',
          `Certifikatet gäller först från ${dateOnly(certificate.notBefore)}. Kontrollera datorns klocka, eller vänta tills kortet börjar gälla.`,
          dates,
        ),
      );
    else if (warned('certificate-expiring-soon'))
      checks.push(
        check(
          'certificate-validity',
          'warn',
          `Certifikatet går ut ${dateOnly(certificate.notAfter)} (om ${certificate.daysLeft} dagar; programmet varnar ${dates.expiryWarningDays} dagar innan). ` +
            'Beställ ett nytt kort hos organisationens kortadministratör nu, så att det hinner komma innan det gamla slutar fungera.',
          dates,
        ),
      );
    else
      checks.push(
        check('certificate-validity', 'pass', `Certifikatet är giltigt till ${dateOnly(certificate.notAfter)}.`, dates),
      );
    checks.push(
      warned('trust-not-configured')
        ? check(
            'certificate-issuer',
            'warn',
            `Inga CA-certifikat är inställda, så programmet kan inte kontrollera utfärdaren (${certificate.issuer}). Be IT ange SITHS rot-CA och utfärdande CA i inställningen "trustAnchors" i ${policyLocation} (vid utveckling: --trust-anchor eller BEHORIGHETSADMIN_TRUST_ANCHORS).`,
            {
              issuer: certificate.issuer,
              setting: 'trustAnchors',
              policyLocation,
              flag: '--trust-anchor',
              env: 'BEHORIGHETSADMIN_TRUST_ANCHORS',
            },
          )
        : !blocked('certificate-untrusted')
          ? check('certificate-issuer', 'pass', `Utfärdat av en betrodd utfärdare: ${certificate.issuer}.`, {
              issuer: certificate.issuer,
            })
          : check(
              'certificate-issuer',
              'fail',
              `Certifikatet är utfärdat av en utfärdare som programmet inte litar på: ${certificate.issuer}. Kontrollera att det är ett SITHS-kort, eller be IT lägga till rätt rotcertifikat.`,
              { issuer: certificate.issuer },
            ),
    );
  }

  checks.push(revocationCheck(certificate, readiness));

  if (!token) checks.push(check('pin-state', 'skip', SKIPPED_AFTER('kortet')));
  else checks.push(pinStateCheck(token));

  if (!backendUrl || !backend || (!backend.reachable && backend.reason === 'not-configured')) {
    const why = 'Ingen tjänsteadress är inställd.';
    checks.push(check('backend', 'skip', why), check('backend-status', 'skip', why), check('clock-skew', 'skip', why));
    return checks;
  }
  if (!backend.reachable) {
    const reasons: Record<typeof backend.reason, string> = {
      'not-configured': 'är inte inställd',
      timeout: 'svarade inte i tid',
      refused: 'gick inte att nå',
      'http-error': 'svarade med ett fel',
      malformed: 'svarade med något som inte är tjänstens statussvar',
    };
    checks.push(
      backend.tls && !backend.tls.trusted
        ? tlsInterceptedCheck(backendUrl, backend.tls, policyLocation, backend.reason)
        : check(
            'backend',
            'fail',
            `Tjänsten ${backendUrl} ${reasons[backend.reason]}. Försök igen om en stund; kontrollera nätverket eller proxyinställningarna.`,
            { url: backendUrl, reason: backend.reason, detail: backend.detail },
          ),
      check('backend-status', 'skip', SKIPPED_AFTER('tjänsten')),
      check('clock-skew', 'skip', SKIPPED_AFTER('tjänsten')),
    );
    return checks;
  }
  checks.push(
    check('backend', 'pass', `Tjänsten svarar (${backend.roundTripMs} ms).`, {
      url: backendUrl,
      version: backend.status.version,
      roundTripMs: backend.roundTripMs,
    }),
  );
  const message = backend.status.message;
  if (backend.status.status === 'ok' && (!message || message.severity === 'info'))
    checks.push(
      check('backend-status', 'pass', message ? `Tjänsten meddelar: ${message.text}` : 'Tjänsten rapporterar inga störningar.'),
    );
  else if (backend.status.status === 'unavailable')
    checks.push(
      check('backend-status', 'fail', 'Tjänsten rapporterar att den inte fungerar just nu. Försök igen senare.', {
        message: message?.text ?? null,
      }),
    );
  else
    checks.push(
      check(
        'backend-status',
        message?.severity === 'disturbance' ? 'fail' : 'warn',
        `Tjänsten rapporterar en störning: ${message?.text ?? 'ingen beskrivning'}. Försök igen senare.`,
        { severity: message?.severity ?? null, since: message?.since ?? null },
      ),
    );

  const skewSeconds = Math.round((now.getTime() - new Date(backend.status.time).getTime() - backend.roundTripMs / 2) / 1000);
  checks.push(
    Math.abs(skewSeconds) <= MAX_CLOCK_SKEW_SECONDS
      ? check('clock-skew', 'pass', 'Datorns klocka stämmer med tjänstens.', { skewSeconds })
      : check(
          'clock-skew',
          'fail',
          `Datorns klocka går fel med ${Math.abs(skewSeconds)} sekunder jämfört med tjänsten. Ställ klockan (be IT kontrollera tidssynkroniseringen).`,
          { skewSeconds },
        ),
  );
  return checks;
}

/**
 * The backend's TLS certificate does not chain to a CA the program trusts: something between this
 * computer and the service (a TLS-inspecting proxy or firewall) presents a certificate of its own CA.
 * Names that CA and its fingerprint, and who can fix it.
 */
function tlsInterceptedCheck(backendUrl: string, tls: TlsInspection, policyLocation: string, reason: string): DiagnosticCheck {
  const fingerprint = fingerprintText(tls.issuerSha256 ?? tls.certificateSha256);
  const whose = tls.issuerSha256 ? 'utfärdarens certifikat' : 'serverns certifikat';
  return check(
    'backend',
    'fail',
    `Anslutningen till ${tls.host} avlyssnas av "${tls.issuer}" (SHA-256 för ${whose}: ${fingerprint}): tjänstens ` +
      'certifikat är utfärdat av en CA som programmet inte litar på, oftast en brandvägg eller proxy som granskar ' +
      `krypterad trafik (TLS-inspektion). Organisationens IT-avdelning behöver antingen undanta ${tls.host} från ` +
      `TLS-inspektionen eller sprida sin CA via policy (inställningen "extraCaCertificates" i ${policyLocation}).`,
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

const UNKNOWN_WHY: Record<string, string> = {
  unreachable: 'spärrtjänsten svarade inte',
  'responder-unknown': 'spärrtjänsten känner inte till certifikatet',
  'invalid-response': 'spärrtjänstens svar kunde inte verifieras',
  'no-responder': 'certifikatet anger ingen spärrtjänst',
  pending: 'kontrollen hann inte bli klar',
};

/** Revoked (fail), not revoked (pass), or no answer to be had (warn, naming the responder asked). */
function revocationCheck(certificate: CertificateSummary | null, readiness: LoginReadiness): DiagnosticCheck {
  if (!certificate) return check('certificate-revocation', 'skip', SKIPPED_AFTER('certifikatet'));
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
  const via = revocation.source === 'crl' ? 'spärrlistan' : 'OCSP';
  if (readiness.blockers.includes('certificate-revoked'))
    return check(
      'certificate-revocation',
      'fail',
      `Certifikatet är återkallat (spärrat) av utfärdaren${revocation.revokedAt ? ` sedan ${dateOnly(revocation.revokedAt)}` : ''}. Kortet kan inte användas för inloggning; kontakta den som utfärdade kortet.`,
      details,
    );
  if (readiness.warnings.includes('revocation-unknown')) {
    const responder = revocation.responder ?? certificate.ocspUrls[0] ?? certificate.crlUrls[0] ?? 'okänd adress';
    return check(
      'certificate-revocation',
      'warn',
      `Om certifikatet är återkallat kan inte kontrolleras: ${UNKNOWN_WHY[revocation.reason ?? 'unreachable'] ?? 'okänt fel'} (${responder}). Tjänsten kan då stoppa inloggningen. Försök igen om en stund; kvarstår det, be IT kontrollera att datorn når ${responder}.`,
      { ...details, responder },
    );
  }
  if (revocation.status === 'good')
    return check(
      'certificate-revocation',
      'pass',
      `Certifikatet är inte återkallat (kontrollerat via ${via}: ${revocation.responder ?? ''}).`,
      details,
    );
  if (revocation.reason === 'no-issuer')
    return check(
      'certificate-revocation',
      'skip',
      readiness.warnings.includes('trust-not-configured')
        ? 'Hoppades över: inga CA-certifikat är inställda ("trustAnchors"), så spärrtjänstens svar kan inte verifieras.'
        : 'Hoppades över: certifikatets utfärdare finns inte bland de inställda CA-certifikaten.',
      details,
    );
  return check(
    'certificate-revocation',
    'warn',
    `Om certifikatet är återkallat kan inte kontrolleras ännu: ${UNKNOWN_WHY.pending}${certificate.ocspUrls[0] ? ` (${certificate.ocspUrls[0]})` : ''}.`,
    details,
  );
}
