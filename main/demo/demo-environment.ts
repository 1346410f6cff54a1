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

export interface TsxSpawn {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * How demo mode runs one of the repository's TypeScript command-line tools: Node itself with tsx as
 * a loader (resolved from the repository, the working directory). Never node_modules/.bin/tsx.cmd:
 * since Node 20.12.2 Windows refuses to spawn a .cmd without a shell (EINVAL). Under Electron its
 * own executable runs as Node (ELECTRON_RUN_AS_NODE).
 */
export function tsxSpawn(
  script: string,
  args: string[],
  runtime: { execPath: string; electron: boolean; env: NodeJS.ProcessEnv },
): TsxSpawn {
  return {
    command: runtime.execPath,
    args: ['--import', 'tsx', script, ...args],
    env: runtime.electron ? { ...runtime.env, ELECTRON_RUN_AS_NODE: '1' } : runtime.env,
  };
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
  const runtime = { execPath: process.execPath, electron: process.versions.electron !== undefined, env: process.env };
  const run = (script: string, args: string[]): ChildProcess => {
    const { command, args: argv, env } = tsxSpawn(script, args, runtime);
    return spawn(command, argv, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  };
  const settings: Partial<Settings> = {};
  let lab: ChildProcess | null = null;
  if (cardLabInstalled()) {
    lab = run('tests/cardlab/cli.ts', ['serve', '--profile', 'valid']);
    try {
      const [line] = await waitForLine(lab, /^\{.*\}$/m, 120_000, 'Kortlabbet');
      // The lab's JSON line says what the app needs (tests/cardlab/cli.ts): its module, one file with
      // its CA certificates (root and intermediate), and OpenSC's configuration for PIN change and unblock.
      const info = JSON.parse(line) as { pkcs11Module: string; caCertificates: string; appEnv: { OPENSC_CONF?: string } };
      settings.pkcs11Modules = [info.pkcs11Module];
      settings.trustAnchors = [info.caCertificates];
      // The card process inherits main's environment.
      if (info.appEnv.OPENSC_CONF !== undefined) process.env.OPENSC_CONF ??= info.appEnv.OPENSC_CONF;
      log.info({ event: 'demo-card-lab' }, 'Demo mode: lab card "valid" in the first virtual reader');
    } catch (error) {
      log.warn({ event: 'demo-card-lab-failed', err: error }, 'Demo mode without a lab card');
      await stopChild(lab);
      lab = null;
    }
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-demo-'));
  const server = run('server/cli.ts', [
    '--port',
    '0',
    '--db',
    path.join(dataDir, 'demo.sqlite'),
    '--seed',
    'demo',
    '--log-level',
    'warn',
  ]);
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
