/**
 * The card lab: pcscd with two vpcd readers, virtual PIV cards from the test PKI, insert/remove on
 * demand. One lab per machine at a time (the readers are shared); a lock file serialises labs.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { atrToHex, LAB_PIV_ATR, LAB_UNKNOWN_ATR } from './card-atrs.js';
import {
  ensurePcscd,
  impostorReaderListening,
  LAB_IMPOSTOR_READER,
  LAB_READER_NAMES,
  LAB_READER_PORTS,
  type PcscdHandle,
} from './pcscd.js';
import { OPENSC_PKCS11_MODULE, RUN_DIR } from './paths.js';
import { writeOpenscConf } from './opensc-conf.js';
import { PcscWatcher } from './pcsc-watch.js';
import { CardEngineClient } from './card-engine-client.js';
import { LAB_PERSON, LAB_PIN, PIN_MAX_TRIES, PROFILES, PUK_MAX_TRIES, type CardProfileName, type LabPerson } from './profiles.js';
import { ensureTestPki, type CardCredentials, type TestPki } from './test-pki.js';
import type { CardFault } from './virtual-card.js';
import { startRevocationResponder, type RevocationMode, type RevocationResponder } from './revocation-responder.js';

export type { CardFault } from './virtual-card.js';

/** Index of one of the lab's two readers, or 2: the impostor reader "Microsoft Virtual Smart Card 00 00". */
export type ReaderIndex = 0 | 1 | 2;
/** The reader whose name the app's ignore list matches (a TPM virtual smart card's name). */
export const IMPOSTOR_READER_INDEX = 2;
const READER_NAMES = [...LAB_READER_NAMES, LAB_IMPOSTOR_READER.name] as const;
const READER_PORTS = [...LAB_READER_PORTS, LAB_IMPOSTOR_READER.port] as const;
const ALL_READERS = [0, 1, 2] as const;

/** A lab reader by index, or by its name as PC/SC reports it ('Virtual PCD 00 01'). */
export type ReaderRef = ReaderIndex | (typeof READER_NAMES)[number];

export interface InsertOptions {
  profile: CardProfileName;
  person?: LabPerson;
  /** Default 0, the first reader. Each reader holds its own card: two cards can be in at once. */
  reader?: ReaderRef;
  /** PIN retry counter at insertion, instead of the profile's (0-3). */
  pinTriesLeft?: number;
  /** PUK retry counter at insertion, instead of the profile's (0-3). */
  pukTriesLeft?: number;
}

export interface StartCardLabOptions {
  /** Insert a card of this profile into the first reader at start. Default: no card. */
  profile?: CardProfileName;
  person?: LabPerson;
  /** How long to wait for another lab on this machine to finish. Default: CARDLAB_LOCK_TIMEOUT_MS or 45 s. */
  lockTimeoutMs?: number;
}

/** What is in one reader. */
export interface CardInfo {
  profile: CardProfileName;
  person: LabPerson;
  atr: string;
  /** The card's socket to the reader is open (false after a `disconnect` fault). */
  connected: boolean;
  pinTriesLeft: number;
  pukTriesLeft: number;
  pinVerified: boolean;
  /** Command APDUs answered since insertion. */
  apduCount: number;
}

export interface ReaderStatus {
  index: ReaderIndex;
  name: string;
  port: number;
  /** Card present as PC/SC reports it. */
  pcscCardPresent: boolean;
  pcscAtr: string | null;
  card: CardInfo | null;
}

export interface CardLabStatus {
  /** The OCSP responder and CRL server the lab's card certificates name, and how they behave. */
  revocation: { ocspUrl: string; crlUrl: string } & RevocationMode;
  /** null while the card service is stopped (stopService). */
  pcscd: { pid: number; startedByLab: boolean } | null;
  pkcs11Module: string;
  readers: ReaderStatus[];
}

/** A running card lab. */
export interface CardLab {
  /** OpenSC's PKCS#11 module, which presents the lab's cards as tokens. */
  readonly pkcs11Module: string;
  /** Reader names as PC/SC reports them, index 0 and 1 (the readers the app offers). */
  readonly readers: readonly string[];
  /** The impostor reader's name (index 2): named like a TPM virtual smart card, ignored by the app. */
  readonly impostorReader: string;
  readonly pki: TestPki;
  /** PEM file of the root alone, "Test SITHS e-id Root CA v2" (for `openssl verify -CAfile`). */
  readonly trustAnchorPath: string;
  /** PEM file with every CA certificate the app and the backend need: root and intermediate. */
  readonly caCertificatesPath: string;
  /** PIN of every lab card. */
  readonly pin: string;
  /** The OCSP responder and CRL server on 127.0.0.1 that the lab's card certificates name. */
  readonly revocation: RevocationResponder;
  /** Take the OCSP responder or the CRL down, bring them back, or make OCSP answer `unknown`. */
  setRevocation(mode: Partial<RevocationMode>): Promise<void>;
  /** HSA-id of the card in the first reader (the default person's when it is empty). */
  readonly hsaId: string;
  /** Insert a card (removing any card in that reader first); resolves once PC/SC reports it. */
  insert(opts: InsertOptions): Promise<void>;
  /** Pull the card (closing its socket at once, even mid-command); resolves once PC/SC reports the reader empty. */
  remove(reader?: ReaderRef): Promise<void>;
  /** Readers, cards and PIN state. */
  status(): Promise<CardLabStatus>;
  /** The PIN retry counter of the card in a reader, or null if it is empty. */
  pinTriesLeft(reader?: ReaderRef): Promise<number | null>;
  /** The PUK retry counter of the card in a reader, or null if it is empty. */
  pukTriesLeft(reader?: ReaderRef): Promise<number | null>;
  /**
   * OpenSC configuration file under which OpenSC's PKCS#11 module offers the PUK unblock (C_SetPIN
   * with the PUK as the old PIN in a session nobody logged in to): point OPENSC_CONF at it. OpenSC's
   * default (`user_pin_unblock_style = none`) refuses any unblock through PKCS#11.
   */
  readonly openscConf: string;
  /** Keys and certificates of the card in a reader, or null. */
  credentials(reader?: ReaderRef): CardCredentials | null;
  /**
   * Make the card in a reader misbehave on the next matching command (`null` disarms): with
   * `{ on: 'sign', action: 'disconnect' }` the card is pulled when GENERAL AUTHENTICATE arrives.
   */
  setFault(fault: CardFault | null, reader?: ReaderRef): Promise<void>;
  /**
   * Stop the card service (pcscd), as on a workstation where it is stopped or crashed: cards are
   * pulled, PC/SC clients lose their context. Only when this lab started pcscd.
   */
  stopService(): Promise<void>;
  /** Start the card service again after stopService (readers come back empty). */
  startService(): Promise<void>;
  /** Remove all cards, stop pcscd if this lab started it, release the lab lock. */
  stop(): Promise<void>;
}

const LOCK_FILE = path.join(RUN_DIR, 'lab.lock');
const PCSC_CHANGE_TIMEOUT_MS = 5000;

interface InsertedCard {
  profile: CardProfileName;
  credentials: CardCredentials;
  atr: Uint8Array;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tryLock(): boolean {
  mkdirSync(RUN_DIR, { recursive: true });
  try {
    const fd = openSync(LOCK_FILE, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch {
    const holder = Number(readFileSync(LOCK_FILE, 'utf8').trim());
    if (!Number.isInteger(holder) || holder <= 0 || (holder !== process.pid && !pidAlive(holder))) {
      rmSync(LOCK_FILE, { force: true }); // stale: its owner died
      return tryLock();
    }
    return false;
  }
}

async function acquireLock(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!tryLock()) {
    if (Date.now() >= deadline) {
      const holder = readFileSync(LOCK_FILE, 'utf8').trim();
      throw new Error(
        `another card lab (pid ${holder}) is using the lab readers on this machine; waited ${timeoutMs} ms. ` +
          `Stop it (e.g. the \`npm run cardlab -- serve\` process) or wait for its tests to finish.`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function releaseLock(): void {
  try {
    if (readFileSync(LOCK_FILE, 'utf8').trim() === String(process.pid)) rmSync(LOCK_FILE, { force: true });
  } catch {
    // already gone
  }
}

let activeLab: CardLab | null = null;

/**
 * Start the card lab: test PKI, pcscd with the lab's readers (started only if none runs), a PC/SC
 * watcher, and optionally a first card. Call `stop()` when done (in `afterAll`), also on failure.
 */
export async function startCardLab(opts: StartCardLabOptions = {}): Promise<CardLab> {
  if (activeLab) throw new Error('a card lab is already running in this process; stop it first');
  const pki = await ensureTestPki();
  await acquireLock(opts.lockTimeoutMs ?? (Number(process.env.CARDLAB_LOCK_TIMEOUT_MS) || 45_000));
  const service: Service = { pcscd: null, watcher: null };
  // If the process dies without stop(), do not leave our pcscd behind.
  const onExit = (): void => {
    if (service.pcscd?.startedByLab) {
      try {
        process.kill(service.pcscd.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    releaseLock();
  };
  process.once('exit', onExit);
  try {
    await startService(service);
  } catch (err) {
    process.removeListener('exit', onExit);
    releaseLock();
    throw err;
  }
  let revocation: RevocationResponder;
  try {
    revocation = await startRevocationResponder(pki.issuingCa);
  } catch (err) {
    await stopService(service);
    process.removeListener('exit', onExit);
    releaseLock();
    throw err;
  }
  const openscConf = await writeOpenscConf();
  const lab = createLab(pki, service, revocation, openscConf, () => {
    process.removeListener('exit', onExit);
    releaseLock();
    activeLab = null;
  });
  activeLab = lab;
  if (opts.profile) {
    try {
      await lab.insert({ profile: opts.profile, ...(opts.person ? { person: opts.person } : {}) });
    } catch (err) {
      await lab.stop();
      throw err;
    }
  }
  return lab;
}

/** pcscd and the PC/SC watcher; both null while the card service is stopped. */
interface Service {
  pcscd: PcscdHandle | null;
  watcher: PcscWatcher | null;
}

async function startService(service: Service): Promise<void> {
  try {
    service.pcscd = await ensurePcscd();
    service.watcher = await PcscWatcher.start(LAB_READER_NAMES);
  } catch (err) {
    await stopService(service);
    throw err;
  }
}

async function stopService(service: Service): Promise<void> {
  await service.watcher?.close();
  service.watcher = null;
  await service.pcscd?.stop();
  service.pcscd = null;
}

function triesOption(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`${name} must be 0-${max}, not ${value}`);
  return value;
}

function createLab(
  pki: TestPki,
  service: Service,
  revocation: RevocationResponder,
  openscConf: string,
  onStopped: () => void,
): CardLab {
  const engine = new CardEngineClient();
  const slots: [InsertedCard | null, InsertedCard | null, InsertedCard | null] = [null, null, null];
  let stopped = false;
  let queue: Promise<unknown> = Promise.resolve();

  // insert/remove on the same lab run one at a time, in call order.
  function serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  function readerIndex(reader: ReaderRef | undefined): ReaderIndex {
    const index = typeof reader === 'string' ? (READER_NAMES as readonly string[]).indexOf(reader) : (reader ?? 0);
    if (index !== 0 && index !== 1 && index !== 2) throw new Error(`no such reader: ${String(reader)}`);
    if (index === IMPOSTOR_READER_INDEX && !impostorReaderListening())
      throw new Error(
        `the running pcscd has no "${LAB_IMPOSTOR_READER.name}" reader (port 0x${LAB_IMPOSTOR_READER.port.toString(16)} ` +
          'not listening): it was started with an older lab configuration; stop it and the lab starts its own',
      );
    return index;
  }

  function watcher(): PcscWatcher {
    if (!service.watcher) throw new Error('the card service (pcscd) is stopped: call startService() first');
    return service.watcher;
  }

  async function removeNow(index: ReaderIndex): Promise<void> {
    slots[index] = null;
    await engine.request({ op: 'remove', reader: index });
    if (!service.watcher) return;
    if (index === IMPOSTOR_READER_INDEX && !impostorReaderListening()) return;
    await service.watcher.waitForPresence(READER_NAMES[index], false, PCSC_CHANGE_TIMEOUT_MS);
  }

  async function insertNow(opts: InsertOptions): Promise<void> {
    if (stopped) throw new Error('card lab is stopped');
    const index = readerIndex(opts.reader);
    const spec = PROFILES[opts.profile];
    if (!spec) throw new Error(`unknown profile: ${String(opts.profile)}`);
    watcher();
    await removeNow(index);
    const credentials = await pki.issueCard(opts.profile, opts.person ?? LAB_PERSON, revocation);
    const atr = spec.unknownCard ? LAB_UNKNOWN_ATR : LAB_PIV_ATR;
    const pinTriesLeft = triesOption('pinTriesLeft', opts.pinTriesLeft, spec.pinTriesLeft, PIN_MAX_TRIES);
    const pukTriesLeft = triesOption('pukTriesLeft', opts.pukTriesLeft, spec.pukTriesLeft, PUK_MAX_TRIES);
    await engine.request({
      op: 'insert',
      reader: index,
      port: READER_PORTS[index],
      atr,
      credentials,
      pinTriesLeft,
      pukTriesLeft,
      noPivApplication: spec.unknownCard,
    });
    slots[index] = { profile: opts.profile, credentials, atr };
    await watcher().waitForPresence(READER_NAMES[index], true, PCSC_CHANGE_TIMEOUT_MS, atrHexCompact(atr));
  }

  async function status(): Promise<CardLabStatus> {
    const engineCards = (await engine.request({ op: 'status' })) ?? [null, null];
    return {
      revocation: { ocspUrl: revocation.ocspUrl, crlUrl: revocation.crlUrl, ...revocation.mode() },
      pcscd: service.pcscd ? { pid: service.pcscd.pid, startedByLab: service.pcscd.startedByLab } : null,
      pkcs11Module: OPENSC_PKCS11_MODULE,
      readers: ([0, 1] as const).map((index) => {
        const state = service.watcher?.state(LAB_READER_NAMES[index]);
        const inserted = slots[index];
        const live = engineCards[index];
        return {
          index,
          name: LAB_READER_NAMES[index],
          port: LAB_READER_PORTS[index],
          pcscCardPresent: state?.present ?? false,
          pcscAtr: state?.atr ?? null,
          card:
            inserted && live
              ? {
                  profile: inserted.profile,
                  person: inserted.credentials.person,
                  atr: atrToHex(inserted.atr),
                  connected: live.connected,
                  pinTriesLeft: live.pinTriesLeft,
                  pukTriesLeft: live.pukTriesLeft,
                  pinVerified: live.pinVerified,
                  apduCount: live.apduCount,
                }
              : null,
        };
      }),
    };
  }

  return {
    pkcs11Module: OPENSC_PKCS11_MODULE,
    readers: [...LAB_READER_NAMES],
    impostorReader: LAB_IMPOSTOR_READER.name,
    pki,
    trustAnchorPath: pki.rootCa.certificatePath,
    caCertificatesPath: pki.caCertificatesPath,
    pin: LAB_PIN,
    revocation,
    setRevocation: (mode) => revocation.setMode(mode),
    get hsaId(): string {
      return slots[0]?.credentials.person.hsaId ?? LAB_PERSON.hsaId;
    },
    insert: (opts) => serialised(() => insertNow(opts)),
    remove: (reader) => serialised(() => removeNow(readerIndex(reader))),
    status: () => serialised(status),
    pinTriesLeft: async (reader) => {
      const cards = await engine.request({ op: 'status' });
      return cards?.[readerIndex(reader)]?.pinTriesLeft ?? null;
    },
    pukTriesLeft: async (reader) => {
      const cards = await engine.request({ op: 'status' });
      return cards?.[readerIndex(reader)]?.pukTriesLeft ?? null;
    },
    openscConf,
    credentials: (reader) => slots[readerIndex(reader)]?.credentials ?? null,
    setFault: async (fault, reader) => {
      await engine.request({ op: 'fault', reader: readerIndex(reader), fault });
    },
    stopService: () =>
      serialised(async () => {
        if (service.pcscd && !service.pcscd.startedByLab) {
          throw new Error(`pcscd (pid ${service.pcscd.pid}) was not started by this lab; it cannot stop it`);
        }
        for (const index of ALL_READERS) {
          slots[index] = null;
          await engine.request({ op: 'remove', reader: index });
        }
        await stopService(service);
      }),
    startService: () =>
      serialised(async () => {
        if (stopped) throw new Error('card lab is stopped');
        if (!service.pcscd) await startService(service);
      }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await queue;
      try {
        for (const index of ALL_READERS) await engine.request({ op: 'remove', reader: index }, 2000).catch(() => undefined);
        await engine.terminate();
      } finally {
        slots[0] = slots[1] = slots[2] = null;
        await revocation.stop().catch(() => undefined);
        await stopService(service);
        onStopped();
      }
    },
  };
}

function atrHexCompact(atr: Uint8Array): string {
  return Buffer.from(atr).toString('hex').toUpperCase();
}
