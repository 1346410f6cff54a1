import { utilityProcess } from 'electron';
import type { WorkerHandle, WorkerLauncher } from '../card/card-process-supervisor';
import type { CardWorkerLaunchPlan } from '../security/shell-decisions';

/** Starts the card process as an Electron utilityProcess, so a hung or crashing PKCS#11 module never takes the window with it. */
export function utilityWorkerLauncher(plan: CardWorkerLaunchPlan): WorkerLauncher {
  return (): WorkerHandle => {
    const child = utilityProcess.fork(plan.entry, [], { serviceName: plan.serviceName, stdio: plan.stdio });
    return {
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        child.kill();
      },
    };
  };
}
