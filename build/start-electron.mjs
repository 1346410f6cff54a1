// `npm start`: launches the built app in Electron, or says plainly why it cannot.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electron = findElectronBinary();
if (!electron) {
  console.error(
    'Ingen Electron-binär är installerad på den här datorn (Electron kan inte laddas ned här), så programmet kan inte startas som skrivbordsapp: kör `npm run web` för att öppna samma gränssnitt i webbläsaren.',
  );
  process.exit(1);
}
// --demo: with no backend configured, the app starts the demo environment (reference backend, lab card).
const child = spawn(electron, [root, '--demo', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
