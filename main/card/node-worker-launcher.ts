import { fork } from 'node:child_process';
import type { ToWorker } from '../card-process/card-worker-protocol';
import type { WorkerHandle, WorkerLauncher } from './card-process-supervisor';

/**
 * Starts the card process as a forked Node process (tests, the test bridge, `doctor`).
 * `entry` is the built card-worker.cjs, or the TypeScript entry with execArgv ['--import', 'tsx'].
 */
export function nodeWorkerLauncher(
  entry: string,
  options: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {},
): WorkerLauncher {
  return (): WorkerHandle => {
    const child = fork(entry, [], {
      execArgv: options.execArgv ?? [],
      env: options.env ?? process.env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return {
      send: (message: ToWorker) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
