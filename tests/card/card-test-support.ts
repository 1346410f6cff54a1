import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import { CardProcessSupervisor, type SupervisorOptions } from '../../main/card/card-process-supervisor';
import { nodeWorkerLauncher } from '../../main/card/node-worker-launcher';
import { loginSignedData } from '../../common/api/login-signed-data';
import type { CardSnapshot } from '../../common/card/card-state';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const WORKER_ENTRY = path.join(REPO_ROOT, 'main', 'card-process', 'card-worker-entry.ts');
export const ATR_TABLE = path.join(REPO_ROOT, 'resources', 'known-atrs.json');

/** A real card process (the TypeScript entry run through tsx), supervised as in the app. */
export function startSupervisor(
  settings: {
    modulePath: string;
    trustAnchorPaths?: string[];
    env?: NodeJS.ProcessEnv;
    execArgv?: string[];
    /** Reader-name patterns to ignore (default: the card process's, i.e. the built-in list). */
    ignoredReaders?: string[];
  },
  overrides: Partial<SupervisorOptions> = {},
): CardProcessSupervisor {
  const supervisor = new CardProcessSupervisor({
    launch: nodeWorkerLauncher(WORKER_ENTRY, {
      execArgv: settings.execArgv ?? ['--import', 'tsx'],
      env: { ...process.env, BEHORIGHETSADMIN_TEST_HOOKS: '1', ...settings.env },
    }),
    config: {
      modulePath: settings.modulePath,
      trustAnchorPaths: settings.trustAnchorPaths ?? [],
      atrTablePath: ATR_TABLE,
      settleMs: 100,
      pcscRetryMs: 300,
      ...(settings.ignoredReaders ? { ignoredReaders: settings.ignoredReaders } : {}),
    },
    logger: pino({ level: 'silent' }),
    restartDelayMs: 100,
    ...overrides,
  });
  supervisor.start();
  return supervisor;
}

/**
 * Signs the login data (origin and nonce) with a token's card and PIN through the card process, as
 * a login does, and checks the signature with the key of the certificate the card answered with.
 */
export async function signLoginData(
  card: Pick<CardProcessSupervisor, 'sign'>,
  token: CardSnapshot['tokens'][number],
  pin: string,
): Promise<{ algorithm: string; certificate: X509Certificate; verified: boolean }> {
  const data = loginSignedData('https://behorighetsadmin.test', 'bm9uY2U=');
  const result = await card.sign({ slotId: token.slotId, certificateSha256: token.authCertificate!.sha256, data, pin });
  if (!result.ok) throw new Error(`the card did not sign: ${result.error.code}`);
  const certificate = new X509Certificate(Buffer.from(result.value.certificateBase64, 'base64'));
  const key = createPublicKey(certificate.publicKey.export({ type: 'spki', format: 'pem' }));
  const signature = Buffer.from(result.value.signatureBase64, 'base64');
  const verified =
    result.value.algorithm === 'ES256'
      ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : verify('sha256', data, key, signature);
  return { algorithm: result.value.algorithm, certificate, verified };
}
