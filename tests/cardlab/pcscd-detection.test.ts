/**
 * Which running pcscd is "the machine's": the lab refuses to start beside one that shares its socket
 * and network, but a pcscd in a container or chroot with its own network namespace (a second machine
 * rehearsed on this one) is not in the way and must not stop the lab.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPcscdPids } from './pcscd.js';

// A stand-in named `pcscd` (a copy of sleep): only its command name and namespaces matter here.
const dir = mkdtempSync(path.join(tmpdir(), 'pcscd-detect-'));
const fakePcscd = path.join(dir, 'pcscd');
copyFileSync('/bin/sleep', fakePcscd);

let child: ChildProcess | null = null;

afterEach(() => {
  child?.kill('SIGKILL');
  child = null;
});

async function startNamed(command: string, args: string[]): Promise<number> {
  child = spawn(command, args, { stdio: 'ignore' });
  const pid = child.pid!;
  // Wait until the exec into `pcscd` has happened (unshare execs its argument).
  for (let i = 0; i < 100; i += 1) {
    if (findPcscdPidsIncludingOthers().includes(pid)) return pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the stand-in pcscd (pid ${pid}) never appeared`);
}

function findPcscdPidsIncludingOthers(): number[] {
  // Every process called pcscd, whatever its namespace: to know the stand-in runs.
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/comm`, 'utf8').trim() === 'pcscd';
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('findPcscdPids', () => {
  it('counts a pcscd that shares this machine’s root and network', async () => {
    const pid = await startNamed(fakePcscd, ['30']);
    expect(findPcscdPids()).toContain(pid);
  });

  it('ignores a pcscd in its own network namespace', async () => {
    const pid = await startNamed('unshare', ['--net', fakePcscd, '30']);
    expect(findPcscdPidsIncludingOthers()).toContain(pid);
    expect(findPcscdPids()).not.toContain(pid);
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
