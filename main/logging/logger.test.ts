import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecentLogEntries } from './log-reader';
import { createLogger, isSecretKey, logOutputs, scrubSecrets } from './logger';
import { LOG_FILE_NAME, logFilePath, RotatingFileDestination } from './rotating-file';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sink() {
  const lines: string[] = [];
  return { lines, stream: new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }) };
}

const PIN = '918273';
const TOKEN = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A';
const SIGNATURE = 'c2lnbmF0dXJlLWJ5dGVzLXRoYXQtbXVzdC1uZXZlci1iZS1sb2dnZWQ';

describe('createLogger with a log file', () => {
  it('writes structured lines and no PIN, token, authorization or signature at any depth', () => {
    const dir = tempDir();
    const { stream } = sink();
    const logger = createLogger({ destination: stream, file: { dir } });
    const child = logger.child({ component: 'session', sessionToken: TOKEN });
    child.info(
      { event: 'login', pin: PIN, request: { headers: { Authorization: `Bearer ${TOKEN}`, 'x-trace': 'ok' } } },
      'login',
    );
    child.warn(
      { event: 'deep', a: { b: { c: { d: { e: { pin: PIN, newPin: PIN, token: TOKEN, signatureBase64: SIGNATURE } } } } } },
      'deep',
    );
    child.error({ event: 'list', items: [{ pin: PIN }, [{ accessToken: TOKEN }]], signature: Buffer.from(SIGNATURE) }, 'arrays');
    const axiosLike = Object.assign(new Error('Request failed with status code 401'), {
      code: 'ERR_BAD_REQUEST',
      config: { headers: { Authorization: `Bearer ${TOKEN}` }, data: JSON.stringify({ pin: PIN }) },
    });
    child.error({ event: 'backend-failed', errorCode: 'backend-failed', err: axiosLike }, 'backend');
    child.error({ event: 'inline' }, `header was Authorization: Bearer ${TOKEN}`);
    const text = readFileSync(path.join(dir, LOG_FILE_NAME), 'utf8');
    for (const secret of [PIN, TOKEN, SIGNATURE, Buffer.from(SIGNATURE).toString('base64')]) expect(text).not.toContain(secret);
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ component: 'session', event: 'login', sessionToken: '[borttaget]', pin: '[borttaget]' });
    expect(lines[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines[3]).toMatchObject({ errorCode: 'backend-failed', err: { type: 'Error', code: 'ERR_BAD_REQUEST' } });
    expect(JSON.stringify(lines[3])).not.toContain('config');
  });

  it('keeps the bindings of every generation of child loggers, scrubbed', () => {
    const { stream, lines } = sink();
    createLogger({ destination: stream }).child({ component: 'card' }).child({ slot: '1', pin: PIN }).info({ event: 'x' }, 'x');
    expect(JSON.parse(lines[0]!)).toMatchObject({ component: 'card', slot: '1', pin: '[borttaget]', event: 'x' });
  });

  it('also keeps the secrets off the primary stream', () => {
    const { stream, lines } = sink();
    createLogger({ destination: stream }).info({ nested: { pin: PIN, authorization: `Bearer ${TOKEN}` } }, 'x');
    expect(lines.join('')).not.toContain(PIN);
    expect(lines.join('')).not.toContain(TOKEN);
  });
});

describe('scrubSecrets', () => {
  it('names secret keys in any spelling and leaves public ones', () => {
    for (const key of [
      'pin',
      'PIN',
      'newPin',
      'puk',
      'token',
      'sessionToken',
      'access_token',
      'Authorization',
      'proxy-authorization',
      'signature',
      'signatureBase64',
      'password',
      'privateKey',
    ])
      expect(isSecretKey(key), key).toBe(true);
    for (const key of ['tokens', 'pinPad', 'certificateSha256', 'component', 'errorCode', 'slotId'])
      expect(isSecretKey(key), key).toBe(false);
  });

  it('survives cycles and very deep objects', () => {
    const cyclic: Record<string, unknown> = { pin: PIN };
    cyclic.self = cyclic;
    expect(scrubSecrets(cyclic)).toEqual({ pin: '[borttaget]', self: '[cirkel]' });
    let deep: Record<string, unknown> = { pin: PIN };
    for (let index = 0; index < 20; index += 1) deep = { deep };
    expect(JSON.stringify(scrubSecrets(deep))).not.toContain(PIN);
  });
});

describe('RotatingFileDestination', () => {
  it('rotates by size and keeps only the configured number of old files', () => {
    const dir = tempDir();
    const file = new RotatingFileDestination({ dir, maxBytes: 200, keep: 2 });
    for (let index = 0; index < 30; index += 1) file.write(`${JSON.stringify({ level: 30, n: index, pad: 'x'.repeat(40) })}\n`);
    file.close();
    expect(readdirSync(dir).sort()).toEqual(['behorighetsadmin.1.log', 'behorighetsadmin.2.log', 'behorighetsadmin.log']);
    for (const index of [0, 1, 2]) expect(readFileSync(logFilePath(dir, index)).length).toBeLessThanOrEqual(200);
    expect(readFileSync(logFilePath(dir, 0), 'utf8')).toContain('"n":29');
  });
});

describe('readRecentLogEntries', () => {
  it('returns warnings, errors and coded failures by whitelisted fields, oldest first', () => {
    const dir = tempDir();
    const { stream } = sink();
    const logger = createLogger({ destination: stream, file: { dir } }).child({ component: 'ipc' });
    logger.info({ event: 'started' }, 'not an error');
    logger.info({ event: 'ipc-failed', errorCode: 'pin-incorrect', channel: 'session:login' }, 'coded');
    logger.warn({ event: 'ipc-refused', errorCode: 'ipc-invalid-payload', detail: 'secret-ish detail' }, 'refused');
    logger.error({ event: 'boom', err: new Error('stack here') }, 'failed');
    const entries = readRecentLogEntries(dir);
    expect(entries.map((entry) => [entry.level, entry.event, entry.errorCode])).toEqual([
      ['info', 'ipc-failed', 'pin-incorrect'],
      ['warn', 'ipc-refused', 'ipc-invalid-payload'],
      ['error', 'boom', null],
    ]);
    expect(Object.keys(entries[2]!).sort()).toEqual(['component', 'errorCode', 'event', 'level', 'time']);
    expect(readRecentLogEntries(dir, 1)).toHaveLength(1);
    expect(readRecentLogEntries(null)).toEqual([]);
  });
});

describe('where the log goes', () => {
  it('a packaged build logs to the file only; development also to stderr', () => {
    expect(logOutputs({ packaged: true, file: true })).toEqual(['file']);
    expect(logOutputs({ packaged: false, file: true })).toEqual(['stderr', 'file']);
    expect(logOutputs({ packaged: false, file: false })).toEqual(['stderr']);
    // A packaged build always has its log folder; without one it logs nowhere rather than to a missing stderr.
    expect(logOutputs({ packaged: true, file: false })).toEqual([]);
  });

  it('a packaged build writes nothing to fd 2 (a Windows GUI program started without a console has none)', () => {
    const dir = tempDir();
    const script = `
      import { createLogger } from ${JSON.stringify(path.join(import.meta.dirname, 'logger.ts'))};
      const logger = createLogger({ level: 'info', file: { dir: ${JSON.stringify(dir)} }, packaged: true });
      logger.info({ event: 'started' }, 'Behörighetsadmin started');
      logger.flush?.();
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('');
    expect(readFileSync(path.join(dir, LOG_FILE_NAME), 'utf8')).toContain('"event":"started"');
  });
});
