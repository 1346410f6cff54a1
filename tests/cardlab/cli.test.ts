/**
 * `cardlab serve|insert|remove|status` as a person or another tool uses them: a separate process,
 * one JSON line on stdout, OpenSC's pkcs11-tool reading the card, SIGTERM cleaning up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTROL_FILE, REPO_ROOT } from './paths.js';
import { OPENSC_CONF_PATH } from './opensc-conf.js';
import { findPcscdPids } from './pcscd.js';
import { parseSlots, pkcs11Tool, runTool } from './tool-runner.js';

const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(REPO_ROOT, 'tests', 'cardlab', 'cli.ts');

interface ServeLine {
  pkcs11Module: string;
  reader: string;
  pin: string;
  hsaId: string;
  caCertificates: string;
  appEnv: Record<string, string>;
  ocspUrl: string;
  crlUrl: string;
  profile: string;
  controlUrl: string;
  pid: number;
}

let serve: ChildProcess | null = null;

// serve runs as tsx → node: on a failed assertion kill the whole group, or the lab (and its
// lock on the readers) outlives the test and every later lab test waits for it.
afterAll(async () => {
  if (serve?.pid !== undefined && serve.exitCode === null) {
    const exited = new Promise((r) => serve!.once('exit', r));
    process.kill(-serve.pid, 'SIGKILL');
    await exited;
  }
});

function cli(...args: string[]): Promise<{ code: number | null; json: unknown; stderr: string }> {
  return runTool(TSX, [CLI, ...args], 30_000).then((r) => ({
    code: r.code,
    json: r.stdout.trim() ? (JSON.parse(r.stdout) as unknown) : null,
    stderr: r.stderr,
  }));
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => reject(new Error(`serve printed nothing within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    rl.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
  });
}

describe('cardlab command', () => {
  it('serve prints one JSON line; insert/remove/status drive it; SIGTERM cleans up', async () => {
    // Other people's lab tests may hold the machine's readers for a while: wait for them.
    serve = spawn(TSX, [CLI, 'serve', '--profile', 'valid'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, CARDLAB_LOCK_TIMEOUT_MS: '240000' },
    });
    const info = JSON.parse(await firstLine(serve, 250_000)) as ServeLine;
    expect(info).toMatchObject({
      pkcs11Module: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
      reader: 'Virtual PCD 00 00',
      pin: '123456',
      hsaId: 'SE2321000016-A1B2',
      profile: 'valid',
    });
    // The one CA file the app needs (root and intermediate), and the environment to hand it over.
    expect((readFileSync(info.caCertificates, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length).toBe(2);
    expect(info.appEnv).toEqual({
      BEHORIGHETSADMIN_PKCS11_MODULE: info.pkcs11Module,
      BEHORIGHETSADMIN_TRUST_ANCHORS: info.caCertificates,
      OPENSC_CONF: OPENSC_CONF_PATH,
    });
    expect(existsSync(CONTROL_FILE)).toBe(true);

    const listed = await pkcs11Tool(info.pkcs11Module, ['-L']);
    expect(parseSlots(listed.stdout)[info.reader]).toBe('Alva Testsson');

    const removed = await cli('remove');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.json).toMatchObject({ readers: [{ pcscCardPresent: false, card: null }, {}] });
    expect(parseSlots((await pkcs11Tool(info.pkcs11Module, ['-L'])).stdout)[info.reader]).toBe('(empty)');

    const inserted = await cli('insert', '--profile', 'locked', '--hsa-id', 'SE2321000016-B2C3', '--given-name', 'Bertil');
    expect(inserted.code, inserted.stderr).toBe(0);
    expect(parseSlots((await pkcs11Tool(info.pkcs11Module, ['-L'])).stdout)[info.reader]).toBe('Bertil Testsson');

    const status = await cli('status');
    expect(status.json).toMatchObject({
      readers: [{ card: { profile: 'locked', pinTriesLeft: 0, person: { hsaId: 'SE2321000016-B2C3' } } }, { card: null }],
    });

    // A second card at the same time, in the reader named, for another person.
    const second = await cli(
      'insert',
      '--profile',
      'valid',
      '--reader',
      'Virtual PCD 00 01',
      '--hsa-id',
      'SE2321000016-C3D4',
      '--given-name',
      'Cecilia',
    );
    expect(second.code, second.stderr).toBe(0);
    expect(second.json).toMatchObject({
      readers: [
        { pcscCardPresent: true, card: { profile: 'locked', person: { hsaId: 'SE2321000016-B2C3' } } },
        { name: 'Virtual PCD 00 01', pcscCardPresent: true, card: { profile: 'valid', person: { hsaId: 'SE2321000016-C3D4' } } },
      ],
    });
    expect(parseSlots((await pkcs11Tool(info.pkcs11Module, ['-L'])).stdout)).toMatchObject({
      [info.reader]: 'Bertil Testsson',
      'Virtual PCD 00 01': 'Cecilia Testsson',
    });
    const noReader = await cli('insert', '--profile', 'valid', '--reader', 'Virtual PCD 00 07');
    expect(noReader.code).toBe(1);
    const removedSecond = await cli('remove', '--reader', 'Virtual PCD 00 01');
    expect(removedSecond.code, removedSecond.stderr).toBe(0);
    expect(removedSecond.json).toMatchObject({ readers: [{ pcscCardPresent: true }, { pcscCardPresent: false, card: null }] });

    // The lab's OCSP responder: down (connection refused), answering unknown, back up.
    const down = await cli('revocation', '--ocsp', 'down');
    expect(down.code, down.stderr).toBe(0);
    expect(down.json).toMatchObject({ revocation: { ocspUrl: info.ocspUrl, crlUrl: info.crlUrl, ocsp: 'down', crl: 'up' } });
    const reach = (url: string) =>
      fetch(url, { method: 'POST' }).then(
        () => 'answered',
        () => 'refused',
      );
    expect(await reach(info.ocspUrl)).toBe('refused');
    expect((await cli('revocation', '--ocsp', 'unknown')).json).toMatchObject({ revocation: { ocsp: 'unknown' } });
    expect(await reach(info.ocspUrl)).toBe('answered');
    expect((await cli('revocation', '--ocsp', 'sideways')).code).toBe(1);

    const bad = await cli('insert', '--profile', 'no-such-profile');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown profile');

    const exited = new Promise<number | null>((r) => serve!.once('exit', (code) => r(code)));
    serve.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(CONTROL_FILE)).toBe(false);
    // A pcscd that serve started is gone; one that ran before is still there.
    const pcscd = (status.json as { pcscd: { pid: number; startedByLab: boolean } }).pcscd;
    expect(findPcscdPids().includes(pcscd.pid)).toBe(!pcscd.startedByLab);

    const after = await cli('status');
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('no card lab is running');
  }, 300_000);
});
