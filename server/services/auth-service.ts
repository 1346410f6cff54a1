import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type {
  RoleContact,
  AdministratorRole,
  ChallengeResponse,
  LoginRequest,
  LoginResponse,
  OrganisationChoice,
  OrganisationSwitchResponse,
} from '../../common/api/index';
import {
  type LeafCertificate,
  LoginCheckError,
  MalformedCertificateError,
  parseLeafCertificate,
  verifyLogin,
} from '../auth/certificate-verifier';
import type { TrustStore } from '../auth/trust-store';
import type { RevocationChecker } from '../../common/revocation/revocation-check';
import type { Clock } from '../core/clock';
import { ApiError } from '../core/api-error';
import type { AdministratorRecord, OrganisationRecord, Storage } from '../storage/storage';

export interface AuthSettings {
  /** The origin every login signature must be bound to, e.g. https://behorighetsadmin.test. */
  origin: string;
  challengeTtlMs: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /**
   * Revocation check of every login's certificate (OCSP, CRL as fallback): `require` refuses a login
   * when no answer can be had (fail-closed, the default); `soft-fail` lets it through and records an
   * audit entry; `off` does not check (development and benchmarks only; logged at start).
   */
  revocation: RevocationPolicy;
}

export const REVOCATION_POLICIES = ['require', 'soft-fail', 'off'] as const;
export type RevocationPolicy = (typeof REVOCATION_POLICIES)[number];

export const DEFAULT_AUTH_SETTINGS: Omit<AuthSettings, 'origin'> = {
  challengeTtlMs: 5 * 60_000,
  sessionIdleMs: 15 * 60_000,
  sessionAbsoluteMs: 8 * 60 * 60_000,
  revocation: 'require',
};

/** Who is calling: the administrator behind a valid session. */
export interface SessionContext {
  tokenHash: string;
  hsaId: string;
  organisationId: string;
  /** The person's role in the session's organisation (checked on every request). */
  role: AdministratorRole;
}

/** Expired challenges are deleted this long after expiry (the purge runs every minute). */
export const CHALLENGE_PURGE_GRACE_MS = 60_000;
// Avoid one write per request: the idle deadline is pushed forward at most this often.
const TOUCH_INTERVAL_MS = 30_000;
const PARSED_CACHE_SIZE = 1_000;
/** Most contacts one refused login names (a person in many organisations). */
const MAX_CONTACTS = 50;
const LOGIN_MESSAGE: Record<LoginCheckError['code'], string> = {
  'challenge-unknown': 'Okänd engångskod (nonce)',
  'challenge-expired': 'Engångskoden har gått ut',
  'challenge-used': 'Engångskoden är redan använd',
  'origin-mismatch': 'Fel origin',
  'algorithm-unsupported': 'Algoritmen stöds inte',
  'algorithm-mismatch': 'Algoritmen passar inte certifikatets nyckel',
  'signature-invalid': 'Signaturen är ogiltig',
  'certificate-expired': 'Certifikatet har gått ut',
  'certificate-not-yet-valid': 'Certifikatet är inte giltigt ännu',
  'certificate-untrusted': 'Certifikatet är inte utfärdat av en betrodd utfärdare',
  'certificate-key-usage': 'Certifikatet är inte ett legitimeringscertifikat',
  'certificate-no-hsa-id': 'Certifikatet saknar HSA-id',
  'certificate-revoked': 'Certifikatet är återkallat (spärrat) av utfärdaren',
  'revocation-unavailable': 'Certifikatets spärrstatus kunde inte kontrolleras',
  'not-authorised': 'Ingen administratörsbehörighet',
};

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Challenges, the Web eID-style login, and sessions. */
export class AuthService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly trust: TrustStore,
    private readonly settings: AuthSettings,
    private readonly log: Logger,
    private readonly revocation: Pick<RevocationChecker, 'check'>,
  ) {}

  /** The origin login signatures must be bound to. */
  get origin(): string {
    return this.settings.origin;
  }

  /**
   * Asks the certificate's OCSP responder (CRL as fallback): refuses a revoked certificate, and one
   * whose status cannot be had unless the policy is soft-fail; then returns what to record in the audit log.
   */
  private async checkRevocation(
    leaf: LeafCertificate,
    issuerDer: Buffer,
    hsaId: string,
  ): Promise<{ responder: string | null; reason: string | null; status: string } | null> {
    if (this.settings.revocation === 'off') return null;
    const result = await this.revocation.check({ certificate: leaf.node.raw, issuer: issuerDer });
    if (result.status === 'good') return null;
    if (result.status === 'revoked') {
      this.log.warn({ hsaId, responder: result.responder, revokedAt: result.revokedAt }, 'login refused: certificate revoked');
      throw new LoginCheckError('certificate-revoked', `Revoked at ${result.revokedAt ?? 'unknown time'}`);
    }
    const unchecked = { status: result.status, responder: result.responder, reason: result.reason };
    if (this.settings.revocation === 'require') {
      this.log.warn({ hsaId, ...unchecked }, 'login refused: revocation status unavailable');
      throw new LoginCheckError('revocation-unavailable', `No revocation answer (${result.reason ?? 'unknown'})`);
    }
    this.log.warn({ hsaId, ...unchecked }, 'login let through without a revocation answer (soft-fail)');
    return unchecked;
  }

  /** Issues a single-use nonce: 32 random bytes, base64, valid for challengeTtlMs. */
  async createChallenge(): Promise<ChallengeResponse> {
    const now = this.clock.now();
    const nonce = randomBytes(32).toString('base64');
    const expiresAt = new Date(now.getTime() + this.settings.challengeTtlMs).toISOString();
    await this.storage.insertChallenge(nonce, now.toISOString(), expiresAt);
    return { nonce, expiresAt };
  }

  /**
   * Verifies a login and opens a session. A certificate that cannot be parsed is a 400 before
   * anything changes; after that the nonce is burned whatever the outcome, and each failed
   * check is a 401 naming it.
   */
  async login(request: LoginRequest): Promise<LoginResponse> {
    let leaf;
    try {
      leaf = this.parseCached(request.certificate);
    } catch (e) {
      if (e instanceof MalformedCertificateError) {
        throw new ApiError(400, 'certificate-malformed', 'Certifikatet kunde inte läsas', {
          certificate: 'Certifikatet kunde inte läsas som ett X.509-certifikat',
        });
      }
      throw e;
    }
    const now = this.clock.now();
    try {
      const outcome = await this.storage.consumeChallenge(request.nonce, now.toISOString());
      if (outcome !== 'ok') throw new LoginCheckError(`challenge-${outcome}`, 'challenge');
      if (request.origin !== this.settings.origin) throw new LoginCheckError('origin-mismatch', 'origin');
      const { hsaId, issuer } = verifyLogin({
        leaf,
        trust: this.trust,
        algorithm: request.algorithm,
        signature: Buffer.from(request.signature, 'base64'),
        origin: request.origin,
        nonce: request.nonce,
        now,
      });
      const unchecked = await this.checkRevocation(leaf, issuer.node.raw, hsaId);
      const roles = await this.storage.listRolesOf(hsaId);
      // A user (not an administrator) learns who their organisations' orderers and administrators
      // are (source 004); the card's signature proved who is asking. An unknown HSA-id learns nothing.
      if (roles.length === 0) {
        const contacts = await this.contactsOfUser(hsaId);
        throw new LoginCheckError('not-authorised', 'not an administrator', contacts.length > 0 ? contacts : undefined);
      }
      // Several organisations: the session starts in the one used last (the client offers the choice).
      const admin = lastUsed(roles);
      const org = await this.storage.getOrganisation(admin.organisationId);
      if (!org) throw new LoginCheckError('not-authorised', 'organisation missing');
      if (unchecked) {
        await this.storage.insertAudit({
          organisationId: org.id,
          actor: admin.hsaId,
          action: 'administrator.login-revocation-unchecked',
          targetType: 'administrator',
          targetId: admin.hsaId,
          before: null,
          after: unchecked,
          at: now.toISOString(),
        });
      }

      const token = randomBytes(32).toString('base64url');
      const absoluteExpiresAt = new Date(now.getTime() + this.settings.sessionAbsoluteMs).toISOString();
      await this.storage.insertSession({
        tokenHash: hashToken(token),
        administratorHsaId: admin.hsaId,
        organisationId: org.id,
        createdAt: now.toISOString(),
        lastSeenAt: now.toISOString(),
        idleExpiresAt: new Date(now.getTime() + this.settings.sessionIdleMs).toISOString(),
        absoluteExpiresAt,
      });
      await this.storage.recordAdministratorLogin(admin.hsaId, org.id, now.toISOString());
      this.log.info({ hsaId: admin.hsaId, organisation: org.id }, 'administrator logged in');
      return {
        token,
        expiresAt: absoluteExpiresAt,
        idleTimeoutSeconds: Math.floor(this.settings.sessionIdleMs / 1000),
        ...(await this.sessionInfo(admin, org, roles)),
      };
    } catch (e) {
      if (e instanceof LoginCheckError) {
        this.log.info({ code: e.code, detail: e.message }, 'login refused');
        throw new ApiError(401, e.code, LOGIN_MESSAGE[e.code], undefined, e.contacts);
      }
      throw e;
    }
  }

  /** The authorised orderers and administrators of every organisation the person is a user of. */
  private async contactsOfUser(hsaId: string): Promise<RoleContact[]> {
    const users = await this.storage.findUsersByHsaId(hsaId);
    const contacts: RoleContact[] = [];
    for (const organisationId of [...new Set(users.map((u) => u.organisationId))].sort()) {
      const [org, roles] = await Promise.all([
        this.storage.getOrganisation(organisationId),
        this.storage.listAdministrators(organisationId),
      ]);
      if (!org) continue;
      for (const r of roles) {
        contacts.push({ organisation: org.name, role: r.role, givenName: r.givenName, surname: r.surname, email: r.email });
      }
    }
    return contacts.slice(0, MAX_CONTACTS);
  }

  // Parsing a certificate costs more than verifying its signatures, and administrators log in
  // with the same card day after day; the parsed form depends only on the bytes.
  private readonly parsed = new Map<string, LeafCertificate>();

  private parseCached(base64Der: string): LeafCertificate {
    const hit = this.parsed.get(base64Der);
    if (hit) return hit;
    const leaf = parseLeafCertificate(base64Der);
    if (this.parsed.size >= PARSED_CACHE_SIZE) {
      const oldest = this.parsed.keys().next().value;
      if (oldest !== undefined) this.parsed.delete(oldest);
    }
    this.parsed.set(base64Der, leaf);
    return leaf;
  }

  /** Resolves `Authorization: Bearer <token>` to a live session, or throws 401. */
  async authenticate(authorization: string | undefined): Promise<SessionContext> {
    const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '');
    if (!match?.[1]) throw new ApiError(401, 'unauthenticated', 'Inloggning krävs');
    const tokenHash = hashToken(match[1]);
    const session = await this.storage.findSession(tokenHash);
    if (!session) throw new ApiError(401, 'unauthenticated', 'Inloggning krävs');
    const now = this.clock.now();
    const nowIso = now.toISOString();
    if (session.idleExpiresAt <= nowIso || session.absoluteExpiresAt <= nowIso) {
      await this.storage.deleteSession(tokenHash);
      throw new ApiError(401, 'session-expired', 'Sessionen har gått ut');
    }
    // An administrator the agency (or the authorised orderer) has removed loses access at once.
    const admin = await this.storage.findAdministrator(session.administratorHsaId, session.organisationId);
    if (!admin) {
      await this.storage.deleteSession(tokenHash);
      throw new ApiError(401, 'unauthenticated', 'Inloggning krävs');
    }
    if (now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_INTERVAL_MS) {
      await this.storage.touchSession(tokenHash, nowIso, new Date(now.getTime() + this.settings.sessionIdleMs).toISOString());
    }
    return { tokenHash, hsaId: session.administratorHsaId, organisationId: session.organisationId, role: admin.role };
  }

  /** Who the person is in `org`, and every organisation they hold a role in. */
  private async sessionInfo(
    admin: AdministratorRecord,
    org: OrganisationRecord,
    roles: readonly AdministratorRecord[],
  ): Promise<OrganisationSwitchResponse> {
    const organisations: OrganisationChoice[] = [];
    for (const r of roles) {
      const o = r.organisationId === org.id ? org : await this.storage.getOrganisation(r.organisationId);
      if (o) organisations.push({ id: o.id, name: o.name, kind: o.kind, role: r.role, ended: Boolean(o.endedAt) });
    }
    return {
      administrator: {
        hsaId: admin.hsaId,
        givenName: admin.givenName,
        surname: admin.surname,
        organisation: { id: org.id, name: org.name, kind: org.kind },
        role: admin.role,
      },
      organisations,
    };
  }

  /**
   * Moves the session to another of the person's organisations ("flera arbetsgivarkoder"); it is
   * remembered as the last one used. An organisation they hold no role in is 404.
   */
  async switchOrganisation(session: SessionContext, organisationId: string): Promise<OrganisationSwitchResponse> {
    const roles = await this.storage.listRolesOf(session.hsaId);
    const admin = roles.find((r) => r.organisationId === organisationId);
    const org = admin ? await this.storage.getOrganisation(organisationId) : undefined;
    if (!admin || !org) throw new ApiError(404, 'not-found', 'Du har ingen roll i organisationen');
    await this.storage.setSessionOrganisation(session.tokenHash, organisationId);
    await this.storage.recordAdministratorLogin(session.hsaId, organisationId, this.clock.now().toISOString());
    return this.sessionInfo(admin, org, roles);
  }

  /** Ends the session at once; the token is worthless afterwards. */
  async logout(session: SessionContext): Promise<void> {
    await this.storage.deleteSession(session.tokenHash);
  }

  /** Deletes expired sessions and old challenges (run periodically). */
  async purge(): Promise<void> {
    const now = this.clock.now();
    // A minute's grace: a login arriving just after expiry is still told "expired", not "unknown".
    await this.storage.purgeExpired(now.toISOString(), new Date(now.getTime() - CHALLENGE_PURGE_GRACE_MS).toISOString());
  }
}

/** The role used last (latest login), else the first organisation by id. */
function lastUsed(roles: readonly AdministratorRecord[]): AdministratorRecord {
  return roles.reduce((best, r) => ((r.lastLoginAt ?? '') > (best.lastLoginAt ?? '') ? r : best));
}
