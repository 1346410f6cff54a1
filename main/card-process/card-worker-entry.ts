import type { FromWorker } from './card-worker-protocol';
import { runCardWorker } from './card-worker';
import { PRODUCT_NAME } from '../../common/product';

// Entry of the card process. In Electron it runs as a utilityProcess (process.parentPort);
// under Node (tests, the test bridge, doctor) as a forked child (process.send).
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

if (parentPort) {
  runCardWorker({
    send: (message: FromWorker) => parentPort.postMessage(message),
    onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
  });
} else if (process.send) {
  runCardWorker({
    send: (message: FromWorker) => process.send?.(message),
    onMessage: (listener) => process.on('message', listener),
  });
  process.on('disconnect', () => process.exit(0));
} else {
  console.error(`The card process must be started by ${PRODUCT_NAME}.`);
  process.exit(2);
}
