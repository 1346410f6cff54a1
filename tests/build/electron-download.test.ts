// `npm start` (and `npm run dist`) where Electron can be downloaded: Electron's own installer runs
// against a loopback mirror (ELECTRON_MIRROR) serving a stand-in Electron archive, then the app starts
// in it. Runs in a temporary copy of build/ and node_modules/electron, so the real node_modules is
// never changed. The stand-in is a shell script named as Electron's binary for this platform.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
).version;
const ARCHIVE = `electron-v${ELECTRON_VERSION}-${process.platform}-${process.arch}.zip`;
const BINARY_NAME = process.platform === 'win32' ? 'electron.exe' : 'electron';

function standInArchive(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('#!/bin/sh\necho "stand-in electron started with: $*"\n'), BINARY_NAME, { mode: 0o100755 });
  zip.addBuffer(Buffer.from(`v${ELECTRON_VERSION}`), 'version');
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** A copy of build/ with node_modules/electron copied and every other package linked. */
function temporaryCheckout(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'electron-download-'));
  cpSync(path.join(ROOT, 'build'), path.join(dir, 'build'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry === 'electron' || entry === '.bin') continue;
    symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(dir, 'node_modules', entry));
  }
  cpSync(path.join(ROOT, 'node_modules', 'electron'), path.join(dir, 'node_modules', 'electron'), { recursive: true });
  return dir;
}

/** The environment of a machine with no Electron settings, pointed at the mirror. */
function environment(mirror: string, extra: Record<string, string>, cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(electron_|npm_config_electron|npm_package_config_electron|force_no_cache)/i.test(key)) env[key] = value;
  }
  return { ...env, ELECTRON_MIRROR: mirror, electron_config_cache: cache, ELECTRON_GET_NO_PROGRESS: '1', ...extra };
}

/** Runs a script of the copy (asynchronously: the mirror runs in this process). */
function runScript(script: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm start downloads Electron through its own installer', () => {
  let server: Server;
  let mirror: string;
  let archive: Buffer;
  let refusing = false;
  const requests: string[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    archive = await standInArchive();
    const sha256 = createHash('sha256').update(archive).digest('hex');
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      if (refusing) return void response.writeHead(403).end('refused');
      if (request.url === `/mirror/v${ELECTRON_VERSION}/${ARCHIVE}`) return void response.writeHead(200).end(archive);
      if (request.url === `/mirror/v${ELECTRON_VERSION}/SHASUMS256.txt`) {
        return void response.writeHead(200).end(`${sha256} *${ARCHIVE}\n`);
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function checkout(): string {
    const dir = temporaryCheckout();
    dirs.push(dir);
    return dir;
  }

  it('fetches the archive from ELECTRON_MIRROR, checks it against the mirror’s SHASUMS256.txt, then starts the app in it', async () => {
    refusing = false;
    requests.length = 0;
    const dir = checkout();
    const env = environment(mirror, { electron_use_remote_checksums: '1' }, path.join(dir, 'cache'));
    const started = await runScript(path.join(dir, 'build', 'start-electron.mjs'), env);
    expect(started.stderr).not.toContain('npm run web');
    expect(started.status).toBe(0);
    expect(requests).toEqual(
      expect.arrayContaining([`/mirror/v${ELECTRON_VERSION}/${ARCHIVE}`, `/mirror/v${ELECTRON_VERSION}/SHASUMS256.txt`]),
    );
    expect(started.stdout).toContain(`stand-in electron started with: ${dir} --demo`);
    expect(readFileSync(path.join(dir, 'node_modules/electron/path.txt'), 'utf8')).toBe(BINARY_NAME);
    // The real node_modules is untouched.
    expect(existsSync(path.join(ROOT, 'node_modules/electron/path.txt'))).toBe(false);

    // A second start uses the installed binary and downloads nothing.
    requests.length = 0;
    const again = await runScript(path.join(dir, 'build', 'start-electron.mjs'), env);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('stand-in electron started with:');
    expect(requests).toEqual([]);
  });

  it('refuses an archive that does not match the checksums Electron ships, and says to use npm run web', async () => {
    refusing = false;
    const dir = checkout();
    const env = environment(mirror, {}, path.join(dir, 'cache'));
    const started = await runScript(path.join(dir, 'build', 'start-electron.mjs'), env);
    expect(started.status).toBe(1);
    expect(started.stdout).not.toContain('stand-in electron started');
    expect(started.stderr).toMatch(/Electrons nedladdning misslyckades: .*\. Kör `npm run web`/);
    expect(existsSync(path.join(dir, 'node_modules/electron/path.txt'))).toBe(false);
  });

  it('says so and points to npm run web when the mirror refuses; npm run dist stops with the reason', async () => {
    refusing = true;
    requests.length = 0;
    const dir = checkout();
    const env = environment(mirror, { electron_use_remote_checksums: '1' }, path.join(dir, 'cache'));
    const started = await runScript(path.join(dir, 'build', 'start-electron.mjs'), env);
    expect(requests.length).toBeGreaterThan(0);
    expect(started.status).toBe(1);
    expect(started.stderr).toMatch(
      /Programmet kan inte startas som skrivbordsapp: Electrons nedladdning misslyckades: .*403.*Kör `npm run web`/s,
    );
    const dist = await runScript(path.join(dir, 'build', 'dist.mjs'), env);
    expect(dist.status).toBe(1);
    expect(dist.stderr.trim().split('\n')).toHaveLength(1);
    expect(dist.stderr).toMatch(
      /npm run dist kan inte bygga installationspaketen här: Electrons nedladdning misslyckades: .*403/s,
    );
  });
});
