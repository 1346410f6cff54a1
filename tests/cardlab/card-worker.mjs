// Worker-thread entry of the card engine. The virtual cards answer APDUs on their own event loop so
// that synchronous PKCS#11 calls (pkcs11js, execFileSync) in the lab's thread cannot deadlock them.
// Plain JS because workers do not inherit Vitest's TypeScript transform: tsx loads the TS here.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runCardEngine } = await import('./card-engine.ts');
runCardEngine(parentPort);
