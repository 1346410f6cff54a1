import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_PERSON, provisionSoftHsmToken, type SoftHsmToken } from '../tests/cardlab/index';
import { loginSignedData } from '../common/api/login-signed-data';
import { DEFAULT_ORIGIN } from './config';
import { signOnToken } from '../tests/server-support/pkcs11-signer';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'ba-server-'));
let child: ChildProcess | undefined;
let token: SoftHsmToken | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  await token?.dispose();
});

/** Starts `npm run server`'s entry point and waits for its "listening on" line. */
function startServer(args: string[]): Promise<{ url: string; output: () => string }> {
  const proc = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['server/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, BA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ url: m[1], output: () => output });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

describe('npm run server over a real socket', () => {
  it('starts with --seed demo on 127.0.0.1, logs the demo administrator in with a card, and shuts down gracefully', async () => {
    // The SoftHSM token below names no OCSP responder: revocation (server/auth/revocation-login.test.ts) is off here.
    const { url } = await startServer([
      '--port',
      '0',
      '--db',
      path.join(dir, 'demo.sqlite'),
      '--seed',
      'demo',
      '--revocation',
      'off',
    ]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const status = await fetch(`${url}/api/v1/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ status: 'ok', message: null });

    // The demo trusts the card lab's PKI: the lab person logs in as Testkommunen's administrator.
    token = await provisionSoftHsmToken({ profile: 'valid', label: 'server-cli' });
    const card = token.credentials;
    const { nonce } = (await (await fetch(`${url}/api/v1/auth/challenge`, { method: 'POST' })).json()) as { nonce: string };
    const cert = card.authentication;
    if (!cert) throw new Error('no auth cert');
    const signature = signOnToken(token, cert.certificateDer, Buffer.from(loginSignedData(DEFAULT_ORIGIN, nonce)), 'RS256');
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        certificate: Buffer.from(cert.certificateDer).toString('base64'),
        signature: signature.toString('base64'),
        algorithm: 'RS256',
        nonce,
        origin: DEFAULT_ORIGIN,
      }),
    });
    const session = (await login.json()) as { token: string; administrator: { hsaId: string; organisation: { name: string } } };
    expect(login.status, JSON.stringify(session)).toBe(200);
    expect(session.administrator.hsaId).toBe(LAB_PERSON.hsaId);
    expect(session.administrator.organisation.name).toBe('Testkommunen');

    const users = await fetch(`${url}/api/v1/users?limit=1000`, { headers: { authorization: `Bearer ${session.token}` } });
    expect(users.headers.get('cache-control')).toBe('no-store');
    const list = (await users.json()) as { total: number; users: Array<{ inactive: boolean; lastLoginAt: string | null }> };
    expect(list.total).toBe(300);
    expect(list.users.filter((u) => u.inactive).length).toBeGreaterThan(50);
    expect(list.users.filter((u) => !u.inactive).length).toBeGreaterThan(50);

    const proc = child as ChildProcess;
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 45_000);

  it('refuses an unknown flag with a usage message and exit code 2', async () => {
    const proc = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['server/cli.ts', '--bogus'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('Usage: npm run server');
  }, 20_000);
});
