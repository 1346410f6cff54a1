import type { Logger } from 'pino';
import type { CardSnapshot, CertificateSummary, ReaderState, TokenState } from '../../common/card/card-state';
import { loginBlockerError, loginChoice } from '../../common/card/login-readiness';
import type { CardRemovalPolicy, LogoutReason, SessionState } from '../../common/session/session-state';
import type { BackendClient } from '../backend/backend-client';
import type { CardService } from '../card/card-service';
import { AppFailure, unwrap } from '../errors/app-failure';
import { loginSignedData } from '../../common/api/login-signed-data';

export interface SessionServiceOptions {
  card: CardService;
  /** null when no backend is configured: login says so. */
  backend: BackendClient | null;
  /** The origin login signatures are bound to; must equal the backend's. */
  origin: string;
  removalPolicy: CardRemovalPolicy;
  logger: Logger;
  now?: () => Date;
}

interface ActiveSession {
  token: string;
  state: Extract<SessionState, { status: 'logged-in' }>;
  readerName: string;
  readerEventCount: number;
  certificateSha256: string;
  expiryTimer: NodeJS.Timeout;
}

/**
 * The administrator's session: login with the card (challenge, PIN, signature, backend), the session
 * token kept in main only, logout, expiry, and the card-removal policy.
 */
export class SessionService {
  private current: SessionState = { status: 'logged-out', reason: null };
  private active: ActiveSession | null = null;
  private readonly listeners = new Set<(state: SessionState) => void>();
  private readonly log: Logger;
  private loginInFlight = false;

  constructor(private readonly options: SessionServiceOptions) {
    this.log = options.logger.child({ component: 'session' });
    options.card.onSnapshot((snapshot) => this.onCardSnapshot(snapshot));
  }

  /** The session as the renderer may see it. */
  state(): SessionState {
    return this.current;
  }

  /** Subscribes to session changes; returns the unsubscribe function. */
  onState(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setState(state: SessionState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }

  /**
   * Checks everything that can be checked before the PIN (the login readiness rule the login view
   * shows) for the card in `readerName` (the user's choice), or with none chosen the one card that can
   * log in: the reader, its token and the authentication certificate, or why not as a failure. A chosen
   * card that is gone is never replaced by another card.
   */
  preflight(readerName: string | null = null): { reader: ReaderState; token: TokenState; certificate: CertificateSummary } {
    const choice = loginChoice(this.options.card.snapshot(), readerName);
    if (choice.chosenGone) throw new AppFailure('card-removed', { reason: 'chosen-card-gone' });
    if (choice.choiceRequired && !choice.readiness.blockers.length) throw new AppFailure('card-choice-required');
    const readiness = choice.readiness;
    const refused = loginBlockerError(readiness);
    if (refused) throw new AppFailure(refused.code, refused.details);
    const { reader, token, certificate } = readiness;
    if (!reader || !token || !certificate) throw new AppFailure('internal', { reason: 'readiness-without-card' });
    return { reader, token, certificate };
  }

  /**
   * Logs in: challenge from the backend, signature by the card with the PIN, session from the
   * backend, with the card in `readerName` (or the default card, see preflight). The PIN goes to the
   * card process once; it is never stored, logged or retried.
   */
  async login(pin: string, readerName: string | null = null): Promise<SessionState> {
    const backend = this.options.backend;
    if (!backend) throw new AppFailure('backend-not-configured');
    if (this.loginInFlight) throw new AppFailure('internal', { reason: 'login-in-progress' });
    this.loginInFlight = true;
    try {
      const { reader, token, certificate } = this.preflight(readerName);
      const challenge = await backend.challenge();
      const signed = unwrap(
        await this.options.card.sign({
          slotId: token.slotId,
          certificateSha256: certificate.sha256,
          data: loginSignedData(this.options.origin, challenge.nonce),
          pin,
        }),
      );
      const response = await backend.login({
        certificate: signed.certificateBase64,
        signature: signed.signatureBase64,
        algorithm: signed.algorithm,
        nonce: challenge.nonce,
        origin: this.options.origin,
      });
      this.endActive();
      const state: ActiveSession['state'] = {
        status: 'logged-in',
        administrator: response.administrator,
        expiresAt: response.expiresAt,
        organisations: response.organisations,
        // Several organisations: the administrator chooses first (the one used last preselected).
        organisationChosen: response.organisations.length <= 1,
      };
      const untilExpiry = Math.max(0, new Date(response.expiresAt).getTime() - (this.options.now?.() ?? new Date()).getTime());
      this.active = {
        token: response.token,
        state,
        readerName: reader.name,
        readerEventCount: reader.eventCount,
        certificateSha256: certificate.sha256,
        // setTimeout's limit is about 24.8 days; sessions are far shorter.
        expiryTimer: setTimeout(() => this.end('expired'), Math.min(untilExpiry, 2 ** 31 - 1)),
      };
      this.log.info({ event: 'logged-in', hsaId: response.administrator.hsaId }, 'Administrator logged in');
      this.setState(state);
      return state;
    } catch (error) {
      const code = error instanceof AppFailure ? error.code : 'internal';
      this.log.warn({ event: 'login-failed', errorCode: code }, 'Login failed');
      throw error;
    } finally {
      this.loginInFlight = false;
    }
  }

  /**
   * Works in another of the person's organisations from now on (the backend moves the session and
   * remembers it as the one used last); also confirms the preselected one after login.
   */
  async chooseOrganisation(organisationId: string): Promise<SessionState> {
    const backend = this.options.backend;
    const active = this.active;
    if (!backend || !active) throw new AppFailure('not-logged-in');
    const response = await this.withToken((token) => backend.switchOrganisation(token, organisationId));
    if (this.active !== active) return this.current;
    const state: ActiveSession['state'] = {
      ...active.state,
      administrator: response.administrator,
      organisations: response.organisations,
      organisationChosen: true,
    };
    active.state = state;
    this.log.info({ event: 'organisation-chosen', organisation: organisationId }, 'Organisation chosen');
    this.setState(state);
    return state;
  }

  /** Logs out: the backend invalidates the token (best effort), main forgets it. */
  async logout(): Promise<SessionState> {
    await this.end('logout');
    if (this.current.status !== 'logged-out') this.setState({ status: 'logged-out', reason: 'logout' });
    return this.current;
  }

  /**
   * Runs a backend call with the session token. A session the backend says is over ends here
   * too, so the window goes back to login with a message.
   */
  async withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const active = this.active;
    if (!active) throw new AppFailure('not-logged-in');
    try {
      return await call(active.token);
    } catch (error) {
      if (
        error instanceof AppFailure &&
        (error.code === 'session-expired' || error.code === 'not-logged-in') &&
        this.active === active
      ) {
        await this.end('expired', { callBackend: false });
      }
      throw error;
    }
  }

  /**
   * Runs a call of the backend's administration API with the session token (see withToken); refused
   * with backend-not-configured where no backend is configured.
   */
  async withBackend<T>(call: (backend: BackendClient, token: string) => Promise<T>): Promise<T> {
    const backend = this.options.backend;
    return this.withToken((token) => {
      if (!backend) throw new AppFailure('backend-not-configured');
      return call(backend, token);
    });
  }

  private endActive(): ActiveSession | null {
    const active = this.active;
    this.active = null;
    if (active) clearTimeout(active.expiryTimer);
    return active;
  }

  private async end(reason: LogoutReason, { callBackend = true }: { callBackend?: boolean } = {}): Promise<void> {
    const active = this.endActive();
    if (reason === 'expired' && active) {
      // Keep the window as it is and ask for the card again; the token is gone all the same.
      this.setState({ status: 'expired', administrator: active.state.administrator });
    } else if (this.current.status !== 'logged-out' || active) {
      this.setState({ status: 'logged-out', reason });
    }
    if (active && callBackend && this.options.backend) {
      try {
        await this.options.backend.logout(active.token);
      } catch (error) {
        // The token is forgotten here whatever the backend says; it also expires there.
        this.log.warn(
          { event: 'logout-backend-failed', errorCode: error instanceof AppFailure ? error.code : 'internal' },
          'Backend logout failed',
        );
      }
    }
    if (active) this.log.info({ event: 'logged-out', reason }, 'Session ended');
  }

  private onCardSnapshot(snapshot: CardSnapshot): void {
    const active = this.active;
    if (snapshot.process !== 'running') return;
    if (!active && this.current.status === 'expired' && !snapshot.pcsc.readers.some((reader) => reader.cardPresent)) {
      // Pulling the card while asked to log in again gives up the kept window, as a logout does.
      this.setState({ status: 'logged-out', reason: 'card-removed' });
      return;
    }
    if (!active) return;
    const reader = snapshot.pcsc.readers.find((candidate) => candidate.name === active.readerName);
    const removed =
      snapshot.pcsc.service !== 'running' || !reader || !reader.cardPresent || reader.eventCount !== active.readerEventCount;
    if (!removed) return;
    if (this.options.removalPolicy === 'lock') {
      // Locked: the token is forgotten as on logout; the window shows who was logged in and asks for the card again.
      const administrator = active.state.administrator;
      void this.end('card-removed').then(() => this.setState({ status: 'locked', administrator }));
      return;
    }
    void this.end('card-removed');
  }
}
