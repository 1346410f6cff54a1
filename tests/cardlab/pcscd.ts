/**
 * pcscd lifecycle for the lab. Only one pcscd can run per machine (socket /run/pcscd/pcscd.comm), so:
 * start one with the lab's reader configuration when none runs, reuse a running one only if it has the
 * lab's readers (vpcd listening on the lab's ports), and stop only the one this process started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CARDLAB_DIR, PCSCD_CONFIG_DIR, RUN_DIR, VPCD_DRIVER } from './paths.js';

/** vpcd ports of the lab's two readers (vpcd opens one port per slot: base, base + 1). */
export const LAB_READER_PORTS = [0x9001, 0x9002] as const;
/** Reader names as pcsc-lite reports them for the lab's configuration. */
export const LAB_READER_NAMES = ['Virtual PCD 00 00', 'Virtual PCD 00 01'] as const;

/**
 * A third reader whose NAME is an impostor's: Windows names TPM virtual smart cards "Microsoft Virtual
 * Smart Card N", and the app ignores readers so named (setting ignoredReaders). vpcd on its own port;
 * its second slot ("... 00 01", port + 1) stays empty.
 */
export const LAB_IMPOSTOR_READER = { name: 'Microsoft Virtual Smart Card 00 00', port: 0x9011 } as const;
/**
 * vpcd keeps its connections in one static array indexed by slot, not by reader: two reader.conf
 * entries loading the same driver file share it, and the second entry's channel replaces the first's
 * (seen: a card on 0x9001 no longer reached "Virtual PCD 00 00"). pcscd loads a copy of the driver under
 * another path as a library of its own.
 */
const IMPOSTOR_DRIVER = path.join(CARDLAB_DIR, 'drivers', 'libifdvpcd-impostor.so');

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const PCSCD_BINARY = '/usr/sbin/pcscd';
export const PCSCD_LOG = path.join(RUN_DIR, 'pcscd.log');

/** A pcscd the lab uses; `stop` ends it only if this process started it. */
export interface PcscdHandle {
  pid: number;
  startedByLab: boolean;
  stop(): Promise<void>;
}

const READER_CONF = `# Card lab readers: vsmartcard vpcd, two slots on TCP ports 0x9001 and 0x9002.
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x9001
LIBPATH      ${VPCD_DRIVER}
CHANNELID    0x9001

# A reader named like Windows' TPM virtual smart cards (the app ignores it), ports 0x9011 and 0x9012.
FRIENDLYNAME "Microsoft Virtual Smart Card"
DEVICENAME   /dev/null:0x9011
LIBPATH      ${IMPOSTOR_DRIVER}
CHANNELID    0x9011
`;

/**
 * Whether a process shares this one's view of pcscd: the same root directory (the socket lives under
 * /run) and the same network namespace (vpcd's reader ports). A pcscd in a container or a chroot with
 * its own network is another machine's; when we cannot tell, it counts as ours.
 */
function sharesPcscdWorld(pid: string): boolean {
  try {
    if (readlinkSync(`/proc/${pid}/root`) !== readlinkSync('/proc/self/root')) return false;
    return readlinkSync(`/proc/${pid}/ns/net`) === readlinkSync('/proc/self/ns/net');
  } catch {
    return true;
  }
}

/** PIDs of running processes whose command name is exactly `pcscd` and that share this machine's pcscd socket and network. */
export function findPcscdPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      // Skip zombies: a pcscd that has exited but not been reaped yet.
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (comm === 'pcscd' && state !== 'Z' && sharesPcscdWorld(entry)) pids.push(Number(entry));
    } catch {
      // process ended while we looked
    }
  }
  return pids;
}

/** TCP ports in LISTEN state on this machine (IPv4 and IPv6), read from /proc without connecting. */
export function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue;
      const port = cols[1]?.split(':')[1];
      if (port) ports.add(parseInt(port, 16));
    }
  }
  return ports;
}

/** Whether the lab's vpcd reader ports are listening (i.e. a pcscd has the lab's readers). */
export function labReadersListening(): boolean {
  const ports = listeningPorts();
  return LAB_READER_PORTS.every((p) => ports.has(p));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return cond();
}

/** Whether the impostor reader's vpcd port listens (a pcscd started with an older lab configuration has none). */
export function impostorReaderListening(): boolean {
  return listeningPorts().has(LAB_IMPOSTOR_READER.port);
}

/** Write the lab's reader configuration directory and return its path. */
export async function writeReaderConfig(): Promise<string> {
  await mkdir(PCSCD_CONFIG_DIR, { recursive: true });
  await mkdir(path.dirname(IMPOSTOR_DRIVER), { recursive: true });
  const driverSize = statSync(VPCD_DRIVER).size;
  if (!existsSync(IMPOSTOR_DRIVER) || statSync(IMPOSTOR_DRIVER).size !== driverSize) await copyFile(VPCD_DRIVER, IMPOSTOR_DRIVER);
  const file = path.join(PCSCD_CONFIG_DIR, 'cardlab-vpcd');
  const current = existsSync(file) ? await readFile(file, 'utf8') : '';
  if (current !== READER_CONF) await writeFile(file, READER_CONF);
  return PCSCD_CONFIG_DIR;
}

function logTail(): string {
  try {
    return readFileSync(PCSCD_LOG, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Make sure a pcscd with the lab's readers runs: reuse one that has them, start one otherwise.
 * Fails with a clear message if a pcscd without the lab's readers is running.
 */
export async function ensurePcscd(timeoutMs = 10_000): Promise<PcscdHandle> {
  const running = findPcscdPids();
  if (running.length > 0) {
    // A pcscd just started by another lab instance may not have opened its ports yet.
    if (await waitFor(labReadersListening, 2000)) {
      return { pid: running[0]!, startedByLab: false, stop: async () => undefined };
    }
    throw new Error(
      `pcscd is already running (pid ${running.join(', ')}) without the card lab's readers ` +
        `(vpcd ports ${LAB_READER_PORTS.map((p) => '0x' + p.toString(16)).join(', ')} are not listening). ` +
        `Only one pcscd can run per machine: stop it (e.g. \`systemctl stop pcscd.socket pcscd\` or ` +
        `\`kill ${running[0]}\`) and the lab will start its own.`,
    );
  }
  if (labReadersListening()) {
    throw new Error(`The card lab's vpcd ports ${LAB_READER_PORTS.join(', ')} are in use by a process that is not pcscd.`);
  }

  const configDir = await writeReaderConfig();
  await mkdir(RUN_DIR, { recursive: true });
  const log = openSync(PCSCD_LOG, 'w');
  let child: ChildProcess;
  try {
    child = spawn(PCSCD_BINARY, ['--foreground', '--config', configDir], {
      stdio: ['ignore', log, log],
      detached: false,
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start pcscd');
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.unref();
  const ready = await waitFor(() => exited || (existsSync(PCSCD_SOCKET) && labReadersListening()), timeoutMs);
  if (!ready || exited) {
    if (!exited) process.kill(pid, 'SIGKILL');
    throw new Error(`pcscd did not come up with the lab's readers within ${timeoutMs} ms:\n${logTail()}`);
  }
  return {
    pid,
    startedByLab: true,
    stop: () => stopPid(pid),
  };
}

/** SIGTERM a process we started and wait for it to go; SIGKILL after a grace period. */
export async function stopPid(pid: number, graceMs = 5000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitFor(() => !isAlive(pid), graceMs, 20)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitFor(() => !isAlive(pid), 2000, 20);
}
