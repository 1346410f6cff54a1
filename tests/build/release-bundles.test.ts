import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `node build/build.mjs --release` (what `npm run dist` packages) into a temporary folder that
// already holds a stale development build: the release must hold no test bridge, no card-process
// test hooks and no demo mode (which starts the reference server and tests/cardlab from a checkout),
// in any bundle. Each forbidden word is in the development build (`npm run build`) of the same code.

const ROOT = path.resolve(import.meta.dirname, '..', '..');
let out: string;
let build: ReturnType<typeof spawnSync>;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

beforeAll(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-release-'));
  mkdirSync(path.join(out, 'bridge'));
  writeFileSync(path.join(out, 'bridge', 'web.cjs'), '// a stale development build of the test bridge\n');
  build = spawnSync(process.execPath, [path.join(ROOT, 'build', 'build.mjs'), '--release', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}, 240_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the release build', () => {
  it('builds the app and removes a stale test bridge', () => {
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    for (const file of ['main/main.cjs', 'main/card-worker.cjs', 'preload/preload.cjs', 'renderer/index.html'])
      expect(existsSync(path.join(out, file)), file).toBe(true);
    expect(existsSync(path.join(out, 'bridge'))).toBe(false);
  });

  it('holds no test bridge, no card-process test hooks and no demo mode in any bundle', () => {
    const bundles = filesUnder(out).filter((file) => /\.(cjs|js|html)$/.test(file));
    expect(bundles.length).toBeGreaterThanOrEqual(4);
    const forbidden = [
      'test-block',
      'test-crash',
      'BEHORIGHETSADMIN_TEST_HOOKS',
      'behorighetsadmin-bridge',
      'startBridgeServer',
      'Test bridge listening',
      'startDemoEnvironment',
      'demo-started',
      'tests/cardlab',
    ];
    const found = bundles.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return forbidden.filter((word) => text.includes(word)).map((word) => `${path.relative(out, file)}: ${word}`);
    });
    expect(found).toEqual([]);
  });
});
