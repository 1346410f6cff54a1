import path from 'node:path';
import pino from 'pino';
import { CardProcessSupervisor, type SupervisorOptions } from '../../main/card/card-process-supervisor';
import { nodeWorkerLauncher } from '../../main/card/node-worker-launcher';

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
