// `npm run build`: everything `electron .` loads, built without an Electron binary.
//   dist/renderer/  the renderer (Vite)
//   dist/main/      the main process (esbuild, CommonJS, electron external)
//   dist/preload/   the sandboxed preload (one self-contained CommonJS file)
//   dist/bridge/    the test bridge for `npm run web` (omitted with --release)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const release = process.argv.includes('--release');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

// Native addons and Electron stay outside the bundles and are loaded at run time.
const external = ['electron', 'pcsclite', 'pkcs11js', 'better-sqlite3'];

const nodeTarget = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  define: { __APP_VERSION__: JSON.stringify(version) },
};

async function main() {
  process.env.VITE_TEST_BRIDGE = release ? 'off' : 'on';
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  const entries = [
    { entryPoints: [path.join(root, 'main/app/main.ts')], outfile: path.join(root, 'dist/main/main.cjs') },
    { entryPoints: [path.join(root, 'main/card/card-worker-entry.ts')], outfile: path.join(root, 'dist/main/card-worker.cjs') },
    { entryPoints: [path.join(root, 'preload/preload.ts')], outfile: path.join(root, 'dist/preload/preload.cjs') },
  ];
  if (!release) {
    entries.push({ entryPoints: [path.join(root, 'main/bridge/web-cli.ts')], outfile: path.join(root, 'dist/bridge/web.cjs') });
  }
  await Promise.all(entries.map((entry) => esbuild({ ...nodeTarget, ...entry })));
  console.log(`Byggt ${release ? '(release) ' : ''}till dist/ — version ${version}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
