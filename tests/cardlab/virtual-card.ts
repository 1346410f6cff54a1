/**
 * A virtual card in a vsmartcard vpcd reader: a TCP client of the reader's port. Connecting inserts
 * the card, closing the socket removes it. Messages both ways are a 2-byte big-endian length and the
 * payload; 1-byte payloads from the reader are control codes, longer ones command APDUs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { PivApplet } from './piv-applet.js';

/** What makes a card misbehave on purpose, for "card pulled mid-operation" tests. */
export interface CardFault {
  /** Which command triggers it: GENERAL AUTHENTICATE (sign), VERIFY with a PIN, or any APDU. */
  on: 'sign' | 'verify' | 'any';
  /** `disconnect`: the card is pulled (socket closed) instead of answering; `stall`: it never answers. */
  action: 'disconnect' | 'stall';
}

const CTRL = { powerOff: 0x00, powerOn: 0x01, reset: 0x02, getAtr: 0x04 } as const;

export interface VirtualCardOptions {
  port: number;
  atr: Uint8Array;
  applet: PivApplet;
  /** Log APDUs to stderr (also enabled by CARDLAB_TRACE=1). */
  trace?: boolean;
  /** Called when the socket closes for any reason. */
  onClose?: () => void;
  /**
   * `relay` (default when python3 is present): through vpcd-relay.py, which sets TCP_QUICKACK so an
   * APDU takes <1 ms instead of ~44 ms; `tcp`: a direct Node socket.
   */
  transport?: 'relay' | 'tcp';
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase();
}

/** One virtual card connected to one vpcd reader port. */
export class VirtualCard {
  readonly port: number;
  readonly atr: Uint8Array;
  readonly applet: PivApplet;
  private readonly trace: boolean;
  private readonly onClose: (() => void) | undefined;
  private readonly useRelay: boolean;
  private link: Link | null = null;
  private buffer = Buffer.alloc(0);
  private fault: CardFault | null = null;
  private stalled = false;
  /** Whether the reader has powered the card (asked for its ATR) since it connected. */
  powered = false;
  /** Number of command APDUs answered since the card was inserted. */
  apduCount = 0;

  constructor(opts: VirtualCardOptions) {
    this.port = opts.port;
    this.atr = opts.atr;
    this.applet = opts.applet;
    this.trace = opts.trace ?? process.env.CARDLAB_TRACE === '1';
    this.onClose = opts.onClose;
    this.useRelay = opts.transport === 'relay' || (opts.transport === undefined && relayAvailable());
  }

  /** Whether the connection to the reader is open. */
  get connected(): boolean {
    return this.link !== null;
  }

  /** Connect to the reader on 127.0.0.1 (the card is inserted once this resolves). */
  async connect(timeoutMs = 5000): Promise<void> {
    if (this.link) return;
    const link = this.useRelay ? await connectRelay(this.port, timeoutMs) : await connectTcp(this.port, timeoutMs);
    this.link = link;
    this.buffer = Buffer.alloc(0);
    link.onData((chunk) => this.onData(chunk));
    void link.closed.then(() => {
      this.link = null;
      this.powered = false;
      this.onClose?.();
    });
  }

  /** Pull the card: close the socket at once, even while a command is being processed. */
  async disconnect(): Promise<void> {
    const link = this.link;
    if (!link) return;
    link.destroy();
    await link.closed;
  }

  /** Arm a fault for the next matching command; `null` disarms. */
  setFault(fault: CardFault | null): void {
    this.fault = fault;
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 2) {
      const len = this.buffer.readUInt16BE(0);
      if (this.buffer.length < 2 + len) break;
      const msg = Uint8Array.from(this.buffer.subarray(2, 2 + len));
      this.buffer = this.buffer.subarray(2 + len);
      this.onMessage(msg);
      if (!this.link) return;
    }
  }

  private onMessage(msg: Uint8Array): void {
    if (this.stalled) return;
    if (msg.length === 1) {
      this.onControl(msg[0]!);
      return;
    }
    if (this.fault && this.faultMatches(this.fault, msg)) {
      const { action } = this.fault;
      this.fault = null;
      this.log(`fault: ${action} on ${hex(msg.subarray(0, 4))}`);
      if (action === 'disconnect') {
        this.link?.destroy();
      } else {
        this.stalled = true;
      }
      return;
    }
    const response = this.applet.process(msg);
    this.apduCount++;
    this.log(`> ${hex(msg)}`);
    this.log(`< ${hex(response)}`);
    this.send(response);
  }

  private onControl(code: number): void {
    this.log(`control ${code}`);
    switch (code) {
      case CTRL.powerOff:
      case CTRL.reset:
        this.applet.reset();
        return;
      case CTRL.powerOn:
        this.applet.reset();
        return;
      case CTRL.getAtr:
        this.send(this.atr);
        this.powered = true;
        return;
      default:
        return;
    }
  }

  private log(line: string): void {
    if (this.trace) process.stderr.write(`[cardlab ${new Date().toISOString()} port ${this.port}] ${line}\n`);
  }

  private faultMatches(fault: CardFault, apdu: Uint8Array): boolean {
    const ins = apdu[1];
    switch (fault.on) {
      case 'any':
        return true;
      case 'sign':
        return ins === 0x87;
      case 'verify':
        return ins === 0x20 && apdu.length > 5;
    }
  }

  private send(payload: Uint8Array): void {
    const header = Buffer.alloc(2);
    header.writeUInt16BE(payload.length);
    this.link?.write(Buffer.concat([header, payload]));
  }
}

/** A byte pipe to the reader. */
interface Link {
  write(data: Buffer): void;
  onData(handler: (chunk: Buffer) => void): void;
  /** Close at once; `closed` resolves when it is closed. */
  destroy(): void;
  closed: Promise<void>;
}

const RELAY_SCRIPT = fileURLToPath(new URL('./vpcd-relay.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

function relayAvailable(): boolean {
  return existsSync(PYTHON) && existsSync(RELAY_SCRIPT);
}

function connectTcp(port: number, timeoutMs: number): Promise<Link> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`virtual card: no connection to vpcd on 127.0.0.1:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`virtual card: cannot connect to vpcd on 127.0.0.1:${port}: ${err.message}`));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => undefined); // 'close' follows
      resolve({
        write: (data) => void socket.write(data),
        onData: (handler) => void socket.on('data', handler),
        destroy: () => socket.destroy(),
        closed: new Promise((done) => socket.once('close', () => done())),
      });
    });
  });
}

function connectRelay(port: number, timeoutMs: number): Promise<Link> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [RELAY_SCRIPT, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const closed = new Promise<void>((done) => child.once('close', () => done()));
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`virtual card: no connection to vpcd on 127.0.0.1:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`virtual card: cannot start ${RELAY_SCRIPT}: ${err.message}`));
    });
    child.stdin.on('error', () => undefined); // relay gone: 'close' follows
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      if (stderr.startsWith('connected\n')) {
        clearTimeout(timer);
        stderr = '';
        resolve({
          write: (data) => void child.stdin.write(data),
          onData: (handler) => void child.stdout.on('data', handler),
          destroy: () => void child.kill('SIGKILL'),
          closed,
        });
      }
    });
    void closed.then(() => {
      clearTimeout(timer);
      reject(new Error(`virtual card: cannot connect to vpcd on 127.0.0.1:${port}: ${stderr.trim() || 'relay exited'}`));
    });
  });
}
