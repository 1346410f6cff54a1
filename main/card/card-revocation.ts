import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as x509 from '@peculiar/x509';
import type { Logger } from 'pino';
import {
  REVOCATION_NOT_CHECKED,
  type CardSnapshot,
  type CertificateSummary,
  type RevocationStatus,
} from '../../common/card/card-state';
import { ok, type Result } from '../../common/errors/error-codes';
import { RevocationChecker } from '../../common/revocation/revocation-check';
import type { CardService } from './card-service';
import { GLOBAL_FETCH_TRANSPORT, type BackendTransport } from '../backend/backend-transport';

const UNKNOWN_RETRY_MS = 60_000;
const NO_ISSUER: RevocationStatus = { ...REVOCATION_NOT_CHECKED, reason: 'no-issuer' };

export interface CardRevocationOptions {
  checker: Pick<RevocationChecker, 'checkSerial'>;
  /** The configured CA certificates (DER): the issuer of a card certificate is looked up here. */
  caCertificates: readonly Uint8Array[];
  logger: Logger;
}

/**
 * Puts the revocation status (OCSP, CRL as fallback) on the authentication certificate of every token
 * in a card snapshot, before any PIN: from the checker's answers, asked once per certificate and kept
 * until their nextUpdate. With no configured CA that issued the certificate, the status is
 * `not-checked` (reason `no-issuer`): an answer could not be verified.
 */
export class CardRevocation {
  private readonly issuers: x509.X509Certificate[];
  /** Answers by certificate, with until when they stand: definite ones until nextUpdate, "unknown" for a minute. */
  private readonly known = new Map<string, { status: RevocationStatus; until: number }>();
  private readonly pending = new Map<string, Promise<RevocationStatus>>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: CardRevocationOptions) {
    this.issuers = options.caCertificates.map((der) => new x509.X509Certificate(new Uint8Array(der)));
  }

  /** Called when a check finishes (the snapshot then reads differently). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The snapshot with what is known now (the last answer while a new check runs); starts the checks due. */
  annotateNow(snapshot: CardSnapshot): CardSnapshot {
    return this.map(snapshot, (certificate) => {
      const status = this.lookup(certificate, false);
      return status instanceof Promise ? (this.known.get(certificate.sha256)?.status ?? REVOCATION_NOT_CHECKED) : status;
    });
  }

  /** The snapshot once every check has answered (each bounded by the checker's time limits). */
  async annotate(snapshot: CardSnapshot): Promise<CardSnapshot> {
    const answers = new Map<string, RevocationStatus>();
    await Promise.all(
      snapshot.tokens.map(async (token) => {
        if (token.authCertificate) answers.set(token.authCertificate.sha256, await this.lookup(token.authCertificate, true));
      }),
    );
    return this.map(snapshot, (certificate) => answers.get(certificate.sha256) ?? REVOCATION_NOT_CHECKED);
  }

  private map(snapshot: CardSnapshot, statusOf: (certificate: CertificateSummary) => RevocationStatus): CardSnapshot {
    return {
      ...snapshot,
      tokens: snapshot.tokens.map((token) => {
        if (!token.authCertificate) return token;
        const authCertificate = { ...token.authCertificate, revocation: statusOf(token.authCertificate) };
        return {
          ...token,
          authCertificate,
          certificates: token.certificates.map((certificate) =>
            certificate.sha256 === authCertificate.sha256 ? authCertificate : certificate,
          ),
        };
      }),
    };
  }

  /** A standing answer, or the check in flight (a new one when due; `again`: also when the last answer was not definite). */
  private lookup(certificate: CertificateSummary, again: boolean): RevocationStatus | Promise<RevocationStatus> {
    const known = this.known.get(certificate.sha256);
    const definite = known?.status.status === 'good' || known?.status.status === 'revoked';
    if (known && known.until > Date.now() && (definite || !again)) return known.status;
    const issuer = this.issuers.find((candidate) => candidate.subject === certificate.issuer);
    if (!issuer) return NO_ISSUER;
    let pending = this.pending.get(certificate.sha256);
    if (!pending) {
      pending = this.options.checker
        .checkSerial({ serialNumber: certificate.serialNumber, ocsp: certificate.ocspUrls, crl: certificate.crlUrls, issuer })
        .then((status) => {
          // Definite answers stand until nextUpdate; "unknown" is asked again after a minute (or on
          // "Kör kontrollerna igen"), so a responder that is down is not asked in a loop.
          const definiteAnswer = status.status === 'good' || status.status === 'revoked';
          const until = definiteAnswer
            ? status.nextUpdate
              ? Date.parse(status.nextUpdate)
              : Date.now() + 5 * 60_000
            : Date.now() + UNKNOWN_RETRY_MS;
          this.known.set(certificate.sha256, { status, until });
          this.options.logger.info(
            {
              event: 'revocation-checked',
              status: status.status,
              source: status.source,
              responder: status.responder,
              reason: status.reason,
            },
            'Certificate revocation checked',
          );
          return status;
        })
        .finally(() => {
          this.pending.delete(certificate.sha256);
          for (const listener of this.listeners) listener();
        });
      this.pending.set(certificate.sha256, pending);
    }
    return pending;
  }
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The card revocation check for the configured CA certificate files (the setting trustAnchors),
 * asking over the app's transport — the same one as backend calls: Electron's net.fetch (system
 * proxy, OS certificates) in the app, undici with the configured proxy under Node — with a 5-second
 * limit per request. Unreadable files are the configuration's problem (reported there); they add no
 * CA here.
 */
export function createCardRevocation(
  caFiles: readonly string[],
  logger: Logger,
  transport: BackendTransport = GLOBAL_FETCH_TRANSPORT,
): CardRevocation {
  const caCertificates = caFiles.flatMap((file) => {
    try {
      return (readFileSync(file, 'utf8').match(PEM_BLOCK) ?? []).map((pem) => new Uint8Array(new X509Certificate(pem).raw));
    } catch {
      return [];
    }
  });
  const checker = new RevocationChecker({
    fetch: (url, init) => transport.env.fetch(url, { ...transport.fetchOptions, ...init }),
    timeoutMs: 5000,
  });
  return new CardRevocation({ checker, caCertificates, logger: logger.child({ component: 'revocation' }) });
}

/**
 * The card service with revocation on every snapshot it hands out: snapshot() and events carry what
 * is known (a finished check publishes a new snapshot); refresh() and reread() wait for the checks.
 */
export function withRevocation(card: CardService, revocation: CardRevocation): CardService {
  const settle = async (result: Result<CardSnapshot>): Promise<Result<CardSnapshot>> =>
    result.ok ? ok(await revocation.annotate(result.value)) : result;
  return {
    snapshot: () => revocation.annotateNow(card.snapshot()),
    onSnapshot: (listener) => {
      const offCard = card.onSnapshot((snapshot) => listener(revocation.annotateNow(snapshot)));
      const offChecks = revocation.onChange(() => listener(revocation.annotateNow(card.snapshot())));
      return () => {
        offCard();
        offChecks();
        return true;
      };
    },
    waitFor: async (predicate, timeoutMs) => {
      const found = await card.waitFor((snapshot) => predicate(revocation.annotateNow(snapshot)), timeoutMs);
      return found ? revocation.annotateNow(found) : null;
    },
    refresh: async () => settle(await card.refresh()),
    reread: async () => settle(await card.reread()),
    restartProcess: async () => settle(await card.restartProcess()),
    sign: (input) => card.sign(input),
    changePin: (input) => card.changePin(input),
    unblockPin: (input) => card.unblockPin(input),
    start: () => card.start(),
    stop: () => card.stop(),
  };
}
