import type { LoginReadiness } from '../../../common/card/login-readiness';
import { assertNever } from '../../../common/errors/error-codes';

/**
 * How far along the card chain the login view is (its `data-status`). Only a view of the one rule,
 * `loginReadiness` in common/card: which card, and what stops a login, is decided there.
 */
export type CardStage =
  | 'starting'
  | 'no-service'
  | 'no-reader'
  | 'insert-card'
  | 'module-missing'
  | 'module-failed'
  | 'reading'
  | 'unknown-card'
  | 'unreadable'
  | 'no-certificate'
  | 'card-ready';

/** The stage shown: `card-ready` once the card's authentication certificate is read (it may still be blocked). */
export function cardStageOf(readiness: LoginReadiness): CardStage {
  if (readiness.certificate) return 'card-ready';
  const first = readiness.blockers[0];
  if (first === undefined) return 'starting';
  switch (first) {
    case 'card-process-starting':
      return 'starting';
    case 'no-service':
      return 'no-service';
    case 'no-reader':
      return 'no-reader';
    case 'no-card':
      return 'insert-card';
    case 'module-missing':
      return 'module-missing';
    case 'module-failed':
      return 'module-failed';
    case 'card-reading':
      return 'reading';
    case 'unknown-card':
      return 'unknown-card';
    case 'token-unreadable':
      return 'unreadable';
    case 'no-auth-certificate':
      return 'no-certificate';
    case 'certificate-expired':
    case 'certificate-not-yet-valid':
    case 'certificate-untrusted':
    case 'certificate-revoked':
    case 'pin-locked':
      return 'card-ready';
    default:
      return assertNever(first);
  }
}

/** Stages that pass by themselves (starting, reading, waiting for a card): no troubleshooting for them. */
export function isTransientStage(stage: CardStage): boolean {
  return stage === 'starting' || stage === 'reading' || stage === 'insert-card';
}
