import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './launch-app';

export interface ReferenceBackend {
  readonly url: string;
  readonly dbFile: string;
  /** Stops the server (the database file stays, so start() brings the same data back). */
  stop(): Promise<void>;
  /** Starts it again on the same port and database. */
  start(): Promise<void>;
  /** Stops it and deletes its database. */
  dispose(): Promise<void>;
}

const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/** The project's reference backend on loopback with the demo data and the card lab's test PKI. */
export async function startReferenceBackend(options: { trustAnchor: string; intermediate: string }): Promise<ReferenceBackend> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-e2e-'));
  const dbFile = path.join(dir, 'backend.sqlite');
  let port = 0;
  let child: ChildProcess | null = null;

  const launch = () =>
    new Promise<string>((resolve, reject) => {
      const args = ['server/cli.ts', '--port', String(port), '--db', dbFile, '--seed', 'demo', '--log-level', 'warn'];
      args.push('--trust-anchor', options.trustAnchor, '--intermediate', options.intermediate);
      const started = spawn(TSX, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      let output = '';
      const timer = setTimeout(() => reject(new Error(`reference backend did not start:\n${output}`)), 30_000);
      started.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(output);
        if (match) {
          clearTimeout(timer);
          port = Number(match[2]);
          resolve(match[1]!);
        }
      });
      started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`reference backend exited with ${code}:\n${output}`));
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return resolve();
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
      setTimeout(() => running.kill('SIGKILL'), 5_000).unref();
    });

  const url = await launch();
  return {
    url,
    dbFile,
    stop,
    start: async () => {
      await launch();
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
