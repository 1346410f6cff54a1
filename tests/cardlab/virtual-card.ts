/**
 * A virtual card in a vsmartcard vpcd reader: a TCP client of the reader's port. Connecting inserts
 * the card, closing the socket removes it. Messages both ways are a 2-byte big-endian length and the
 * payload; 1-byte payloads from the reader are control codes, longer ones command APDUs.
 */
import net from 'node:net';
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
  private socket: net.Socket | null = null;
  private buffer = Buffer.alloc(0);
  private fault: CardFault | null = null;
  private stalled = false;
  private closed: Promise<void> = Promise.resolve();
  private poweredWaiters: Array<() => void> = [];
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
  }

  /** Whether the socket to the reader is open. */
  get connected(): boolean {
    return this.socket !== null;
  }

  /** Connect to the reader on 127.0.0.1 (the card is inserted once this resolves). */
  connect(timeoutMs = 5000): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: this.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`virtual card: no connection to vpcd on 127.0.0.1:${this.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`virtual card: cannot connect to vpcd on 127.0.0.1:${this.port}: ${err.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.on('error', () => undefined); // 'close' follows and does the cleanup
        this.socket = socket;
        this.buffer = Buffer.alloc(0);
        this.closed = new Promise((done) => socket.once('close', () => done()));
        socket.on('data', (chunk) => this.onData(chunk));
        socket.once('close', () => {
          this.socket = null;
          this.powered = false;
          this.onClose?.();
        });
        resolve();
      });
    });
  }

  /** Wait until the reader has powered the card (pcscd noticed it), or the timeout; true if powered. */
  waitPowered(timeoutMs: number): Promise<boolean> {
    if (this.powered) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.poweredWaiters = this.poweredWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      this.poweredWaiters.push(done);
    });
  }

  /** Pull the card: close the socket at once, even while a command is being processed. */
  async disconnect(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    socket.destroy();
    await this.closed;
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
      if (!this.socket) return;
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
      if (this.trace) process.stderr.write(`[cardlab ${this.port}] fault: ${action} on ${hex(msg.subarray(0, 4))}\n`);
      if (action === 'disconnect') {
        this.socket?.destroy();
      } else {
        this.stalled = true;
      }
      return;
    }
    const response = this.applet.process(msg);
    this.apduCount++;
    if (this.trace) process.stderr.write(`[cardlab ${this.port}] ${Date.now() % 100000} > ${hex(msg)}\n[cardlab ${this.port}] < ${hex(response)}\n`);
    this.send(response);
  }

  private onControl(code: number): void {
    if (this.trace) process.stderr.write(`[cardlab ${this.port}] ${Date.now() % 100000} ctrl ${code}\n`);
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
        for (const w of this.poweredWaiters.splice(0)) w();
        return;
      default:
        return;
    }
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
    this.socket?.write(Buffer.concat([header, payload]));
  }
}
