import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardSnapshot, TokenState } from '../../common/card/card-state';
import { loginReadiness, type LoginBlocker, type LoginWarning } from '../../common/card/login-readiness';
import { atrToHex, recogniseAtr, type KnownAtr } from '../../main/card-process/atr-table';
import type { BackendTransport } from '../../main/backend/backend-transport';
import { createCardRevocation } from '../../main/card/card-revocation';
import { summariseCertificate } from '../../main/card-process/certificate-summary';
import { TrustStore } from '../../main/card-process/trust-store';
import {
  ensureTestPki,
  LAB_PIV_ATR,
  LAB_UNKNOWN_ATR,
  PIN_MAX_TRIES,
  PROFILE_NAMES,
  PROFILES,
  type CardProfileName,
  type TestPki,
} from '../cardlab/index';
import { startRevocationResponder, type RevocationResponder } from '../cardlab/revocation-responder';
import { REPO_ROOT } from './card-test-support';

// The readiness rule over every card profile of the lab: the profile's real certificates (test PKI),
// summarised and chained by the card process's own code, revocation asked of the lab's OCSP responder
// by main's own checker; the PIN state as the token reports the profile's retry counter. Without pcscd
// (tests/card/doctor-branches.test.ts walks the same profiles through the real card stack).

const READER = 'Virtual PCD 00 00';
const atrTable = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'resources', 'known-atrs.json'), 'utf8')) as { cards: KnownAtr[] })
  .cards;

let pki: TestPki;
let responder: RevocationResponder;

beforeAll(async () => {
  pki = await ensureTestPki();
  responder = await startRevocationResponder(pki.issuingCa);
}, 120_000);

afterAll(async () => {
  await responder?.stop();
});

/** The card snapshot main would hand out for a card of this profile in the first reader. */
async function snapshotOf(
  profile: CardProfileName,
  caFiles: readonly string[],
  transport?: BackendTransport,
): Promise<CardSnapshot> {
  const spec = PROFILES[profile];
  const trustStore = TrustStore.fromPemFiles(caFiles);
  const atr = atrToHex(spec.unknownCard ? LAB_UNKNOWN_ATR : LAB_PIV_ATR);
  const match = recogniseAtr(atr, atrTable);
  const credentials = await pki.issueCard(profile, undefined, responder);
  const certificates = [credentials.authentication, credentials.signature].flatMap((credential) =>
    credential
      ? [
          summariseCertificate(credential.certificateDer, {
            now: new Date(),
            isTrusted: (certificate) => trustStore.isTrusted(certificate),
          }),
        ]
      : [],
  );
  const tries = spec.pinTriesLeft;
  const token: TokenState = {
    slotId: '0',
    slotDescription: READER,
    label: 'Alva Testsson',
    manufacturer: 'piv_II',
    model: 'PIV II',
    serialNumber: '00112233',
    pin: {
      minLength: 4,
      maxLength: 8,
      countLow: tries > 0 && tries < PIN_MAX_TRIES,
      finalTry: tries === 1,
      locked: tries === 0,
      triesLeft: tries === 0 ? 0 : tries === 1 ? 1 : null,
      pinPad: false,
    },
    certificates,
    authCertificate: certificates.find((certificate) => certificate.isAuthentication) ?? null,
  };
  const snapshot: CardSnapshot = {
    pcsc: {
      service: 'running',
      readers: [{ name: READER, cardPresent: true, atr, cardKind: match.kind, cardLabel: match.label, eventCount: 1 }],
    },
    module: {
      path: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
      status: 'loaded',
      manufacturer: 'OpenSC',
      description: null,
      version: null,
    },
    caCertificates: trustStore.size,
    // OpenSC 0.23 lists no token for a card it does not recognise (seen in doctor-branches.test.ts).
    tokens: spec.unknownCard ? [] : [token],
    slotErrors: [],
    process: 'running',
    updatedAt: new Date().toISOString(),
  };
  // Main's revocation check (OCSP, CRL as fallback) against the lab's responder, as every snapshot gets it.
  return createCardRevocation(caFiles, pino({ level: 'silent' }), transport).annotate(snapshot);
}

/** Every profile of the lab, with what stops its login and what is said before the PIN (CA certificates configured). */
const EXPECTED: Record<CardProfileName, { blockers: LoginBlocker[]; warnings: LoginWarning[] }> = {
  valid: { blockers: [], warnings: [] },
  expired: { blockers: ['certificate-expired'], warnings: [] },
  'not-yet-valid': { blockers: ['certificate-not-yet-valid'], warnings: [] },
  'expiring-soon': { blockers: [], warnings: ['certificate-expiring-soon'] },
  untrusted: { blockers: ['certificate-untrusted'], warnings: [] },
  'one-try-left': { blockers: [], warnings: ['pin-final-try'] },
  locked: { blockers: ['pin-locked'], warnings: [] },
  'no-auth-cert': { blockers: ['no-auth-certificate'], warnings: [] },
  ecc: { blockers: [], warnings: [] },
  'unknown-card': { blockers: ['unknown-card'], warnings: [] },
  revoked: { blockers: ['certificate-revoked'], warnings: [] },
  'ca-leaf': { blockers: ['no-auth-certificate'], warnings: [] },
  'two-tries-left': { blockers: [], warnings: ['pin-count-low'] },
  'puk-blocked': { blockers: ['pin-locked'], warnings: [] },
};

describe('login readiness over the lab profiles, CA certificates configured (root and intermediate)', () => {
  it.each(PROFILE_NAMES.map((profile) => [profile]))('%s', async (profile) => {
    const readiness = loginReadiness(await snapshotOf(profile, [pki.caCertificatesPath]));
    expect({ blockers: readiness.blockers, warnings: readiness.warnings }).toEqual(EXPECTED[profile]);
    expect(readiness.reader?.name).toBe(READER);
  });
});

describe('login readiness over the lab profiles, no CA certificate configured', () => {
  it.each(PROFILE_NAMES.map((profile) => [profile]))('%s', async (profile) => {
    const readiness = loginReadiness(await snapshotOf(profile, []));
    // No CA: never "untrusted"; a card with a login certificate gets the configuration notice instead.
    const expected = EXPECTED[profile].blockers.filter((blocker) => blocker !== 'certificate-untrusted');
    // Revocation answers cannot be verified without the issuing CA: a revoked card is not known to be revoked here.
    expect(readiness.blockers).toEqual(expected.filter((blocker) => blocker !== 'certificate-revoked'));
    if (readiness.certificate) expect(readiness.warnings).toContain('trust-not-configured');
    else expect(readiness.warnings).not.toContain('trust-not-configured');
  });
});

describe("the revocation check's route", () => {
  it("asks the responder through the app's transport (net.fetch's system proxy in the app), not Node's own fetch", async () => {
    const asked: string[] = [];
    const transport: BackendTransport = {
      env: {
        fetch: (input, init) => {
          asked.push(String(input));
          return fetch(input, init);
        },
      },
    };
    const snapshot = await snapshotOf('valid', [pki.caCertificatesPath], transport);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((url) => url.startsWith(responder.ocspUrl) || url.startsWith(responder.crlUrl))).toBe(true);
    expect(snapshot.tokens[0]?.authCertificate?.revocation?.status).toBe('good');
  });
});

describe('login readiness with only the root configured', () => {
  it('the valid card is untrusted: its issuing CA is missing from the list (configure root and intermediates)', async () => {
    const readiness = loginReadiness(await snapshotOf('valid', [pki.rootCa.certificatePath]));
    expect(readiness.blockers).toEqual(['certificate-untrusted']);
  });
});
