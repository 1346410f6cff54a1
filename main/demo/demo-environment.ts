import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Settings } from '../../common/settings/settings';

/** The Debian packages the card lab needs (pcscd, vsmartcard-vpcd, opensc). */
export const CARD_LAB_FILES = [
  '/usr/sbin/pcscd',
  '/usr/lib/pcsc/drivers/serial/libifdvpcd.so',
  '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
];

export interface DemoEnvironment {
  /** Settings for the demo layer (between the defaults and the user's settings). */
  settings: Partial<Settings>;
  /** A lab card (profile "valid", administrator SE2321000016-A1B2) is in the first virtual reader. */
  labCard: boolean;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** The repository (demo mode runs from a checkout only: never in a packaged build). */
  repoRoot: string;
  logger: Logger;
  /** Whether the card lab's Debian packages are installed. */
  cardLabInstalled?: () => boolean;
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} startade inte inom ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} avslutades (${code}):\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess | null): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/**
 * The newcomer's demo: the reference backend on loopback with its demo data and, where the card
 * lab is installed, a lab card whose administrator exists in that data. Only `npm start` and
 * `npm run web` ask for it (flag --demo), and only when no backend is configured.
 */
export async function startDemoEnvironment({
  repoRoot,
  logger,
  cardLabInstalled = () => CARD_LAB_FILES.every((file) => existsSync(file)),
}: DemoOptions): Promise<DemoEnvironment> {
  const log = logger.child({ component: 'demo' });
  const tsx = path.join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
  const settings: Partial<Settings> = {};
  let lab: ChildProcess | null = null;
  if (cardLabInstalled()) {
    lab = spawn(tsx, ['tests/cardlab/cli.ts', 'serve', '--profile', 'valid'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [line] = await waitForLine(lab, /^\{.*\}$/m, 120_000, 'Kortlabbet');
      const info = JSON.parse(line) as { pkcs11Module: string; trustAnchor: string };
      const intermediate = path.join(path.dirname(info.trustAnchor), 'person-ca.pem');
      settings.pkcs11Modules = [info.pkcs11Module];
      settings.trustAnchors = existsSync(intermediate) ? [info.trustAnchor, intermediate] : [info.trustAnchor];
      log.info({ event: 'demo-card-lab' }, 'Demo mode: lab card "valid" in the first virtual reader');
    } catch (error) {
      log.warn({ event: 'demo-card-lab-failed', err: error }, 'Demo mode without a lab card');
      await stopChild(lab);
      lab = null;
    }
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-demo-'));
  const server = spawn(
    tsx,
    ['server/cli.ts', '--port', '0', '--db', path.join(dataDir, 'demo.sqlite'), '--seed', 'demo', '--log-level', 'warn'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stop = async () => {
    await Promise.all([stopChild(server), stopChild(lab)]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const match = await waitForLine(server, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000, 'Referensservern');
    settings.backendUrl = match[1]!;
  } catch (error) {
    await stop();
    throw error;
  }
  log.info({ event: 'demo-started', backendUrl: settings.backendUrl }, 'Demo mode: reference backend with demo data');
  return { settings, labCard: lab !== null, stop };
}
