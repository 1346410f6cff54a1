// `npm run build`: everything `electron .` loads, built without an Electron binary.
//   dist/renderer/  the renderer (Vite)
//   dist/main/      the main process (esbuild, CommonJS, electron external)
//   dist/preload/   the sandboxed preload (one self-contained CommonJS file)
//   dist/bridge/    the test bridge for `npm run web` (omitted with --release)
// `--out DIR` builds into DIR instead of dist/ (the release-bundle test builds into a temporary folder).
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const release = process.argv.includes('--release');
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 && process.argv[outFlag + 1] ? path.resolve(process.argv[outFlag + 1]) : path.join(root, 'dist');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

// Native addons and Electron stay outside the bundles and are loaded at run time.
const external = ['electron', 'smartcard', 'pkcs11js', 'native-reg', 'better-sqlite3'];

const nodeTarget = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  // A release build leaves the card process's test hooks (main/card-process/test-hooks.ts) and demo mode
  // (main/demo/demo-flag.ts) out: the define makes them dead code, and minifySyntax drops it.
  define: {
    __APP_VERSION__: JSON.stringify(version),
    ...(release ? { __CARD_TEST_HOOKS__: 'false', __DEMO_MODE__: 'false' } : {}),
  },
  minifySyntax: release,
};

async function main() {
  process.env.VITE_TEST_BRIDGE = release ? 'off' : 'on';
  await viteBuild({
    configFile: path.join(root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: path.join(out, 'renderer'), emptyOutDir: true },
  });
  const entries = [
    { entryPoints: [path.join(root, 'main/app/main.ts')], outfile: path.join(out, 'main/main.cjs') },
    { entryPoints: [path.join(root, 'main/card-process/card-worker-entry.ts')], outfile: path.join(out, 'main/card-worker.cjs') },
    { entryPoints: [path.join(root, 'preload/preload.ts')], outfile: path.join(out, 'preload/preload.cjs') },
  ];
  // A release never carries the test bridge, not even one left over from a development build.
  if (release) rmSync(path.join(out, 'bridge'), { recursive: true, force: true });
  else {
    entries.push({ entryPoints: [path.join(root, 'main/bridge/web-cli.ts')], outfile: path.join(out, 'bridge/web.cjs') });
  }
  await Promise.all(entries.map((entry) => esbuild({ ...nodeTarget, ...entry })));
  console.log(`Byggt ${release ? '(release) ' : ''}till ${path.relative(root, out) || '.'}/ — version ${version}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
