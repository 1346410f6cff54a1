// `npm start`: launches the built app in Electron (downloading the binary first where it is missing,
// as the electron package does since Electron 42), or says plainly why it cannot.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { binary: electron, reason } = ensureElectronBinary();
if (!electron) {
  console.error(
    `Programmet kan inte startas som skrivbordsapp: ${reason}. Kör \`npm run web\` för att öppna samma gränssnitt i webbläsaren.`,
  );
  process.exit(1);
}
// --demo: with no backend configured, the app starts the demo environment (reference backend, lab card).
const child = spawn(electron, [root, '--demo', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
