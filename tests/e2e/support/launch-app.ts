import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, chromium, type Browser, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary } from '../../../build/electron-binary.mjs';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Debian's Chromium quiet on a machine with no network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export type LaunchMode = 'electron' | 'chromium-bridge';

export interface LaunchedApp {
  mode: LaunchMode;
  page: Page;
  /** Everything the main-process side logged so far (for checks that no secret was logged). */
  mainLog(): string;
  /**
   * The text on the clipboard, read by the test after the page wrote it (the page itself is given
   * no clipboard permission: its write goes through the app's own permission rule or the browser's default).
   */
  readClipboard(): Promise<string>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Extra environment for the main-process side (card lab module path, backend URL, ...). */
  env?: Record<string, string>;
}

/** Which driver this run uses: the real Electron app where its binary exists (global-setup runs Electron's own download first), else Chromium over the bridge. */
export function launchMode(): LaunchMode {
  if (process.env.BEHORIGHETSADMIN_E2E_MODE === 'chromium-bridge') return 'chromium-bridge';
  return findElectronBinary() ? 'electron' : 'chromium-bridge';
}

async function launchElectron(options: LaunchOptions): Promise<LaunchedApp> {
  const app: ElectronApplication = await _electron.launch({
    executablePath: findElectronBinary()!,
    args: [REPO_ROOT],
    env: { ...process.env, ...options.env } as Record<string, string>,
  });
  const page = await app.firstWindow();
  let log = '';
  app.process().stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  app.process().stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  return {
    mode: 'electron',
    page,
    mainLog: () => log,
    // The OS clipboard as main sees it.
    readClipboard: () => app.evaluate(({ clipboard }) => clipboard.readText()),
    close: () => app.close(),
  };
}

function waitForListening(child: ChildProcess, onOutput: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
    const timer = setTimeout(() => reject(new Error(`test bridge did not start:\n${output}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test bridge exited with ${code}:\n${output}`));
    });
  });
}

async function launchChromiumBridge(options: LaunchOptions): Promise<LaunchedApp> {
  const bridge = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/bridge/web.cjs'), '--port', '0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let browser: Browser | null = null;
  let log = '';
  try {
    const url = await waitForListening(bridge, (text) => (log += text));
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage();
    await page.goto(url);
    const opened = browser;
    return {
      mode: 'chromium-bridge',
      page,
      mainLog: () => log,
      // Only the test reads: the read permission is granted after the page's write, never before it.
      readClipboard: async () => {
        await page.context().grantPermissions(['clipboard-read']);
        return page.evaluate(() => navigator.clipboard.readText());
      },
      close: async () => {
        await opened.close();
        await new Promise<void>((resolve) => {
          if (bridge.exitCode !== null) return resolve();
          bridge.once('exit', () => resolve());
          bridge.kill('SIGTERM');
          setTimeout(() => bridge.kill('SIGKILL'), 5_000).unref();
        });
      },
    };
  } catch (error) {
    await browser?.close();
    bridge.kill('SIGKILL');
    throw error;
  }
}

/**
 * The one driver every spec uses; specs never know which mode they run in. Each launch gets its
 * own user-data folder and no system policy unless a spec gives them, so a developer's own
 * settings or a machine's policy file never change what a spec sees.
 */
export async function launchApp(options: LaunchOptions = {}): Promise<LaunchedApp> {
  const isolated = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-app-'));
  const env = {
    BEHORIGHETSADMIN_USER_DATA: path.join(isolated, 'user-data'),
    BEHORIGHETSADMIN_POLICY_FILE: path.join(isolated, 'no-policy.json'),
    ...options.env,
  };
  const app = await (launchMode() === 'electron'
    ? launchElectron({ ...options, env })
    : launchChromiumBridge({ ...options, env }));
  return {
    ...app,
    close: async () => {
      await app.close();
      rmSync(isolated, { recursive: true, force: true });
    },
  };
}
