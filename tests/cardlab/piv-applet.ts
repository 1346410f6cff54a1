/**
 * The card side of the lab: a PIV application (NIST SP 800-73-4) answering command APDUs, enough for
 * OpenSC's PIV driver. Transport-free: `VirtualCard` feeds it APDUs from the vpcd socket.
 */
import { constants, createHash, createPrivateKey, privateEncrypt } from 'node:crypto';
import { signP256Hash } from './p256.js';
import { parseTlvs, tlv } from './tlv.js';
import { PIN_MAX_TRIES, PUK_MAX_TRIES, type KeyAlgorithm } from './profiles.js';
import type { CardCredentials, IssuedCredential } from './test-pki.js';

/** PIV application identifier (with version bytes 01 00). */
export const PIV_AID = Uint8Array.from([0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00]);

export const INS = {
  select: 0xa4,
  getData: 0xcb,
  verify: 0x20,
  changeReferenceData: 0x24,
  resetRetryCounter: 0x2c,
  generalAuthenticate: 0x87,
  getResponse: 0xc0,
} as const;

export const SW = {
  ok: 0x9000,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  blocked: 0x6983,
  wrongData: 0x6a80,
  fileNotFound: 0x6a82,
  wrongP1P2: 0x6a86,
  refDataNotFound: 0x6a88,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
  noPreciseDiagnosis: 0x6f00,
} as const;

/** A card's fixed content plus its mutable PIN state. */
export interface PivAppletOptions {
  credentials: CardCredentials;
  /** Retry counter at insertion (0 = blocked). */
  pinTriesLeft: number;
  /** PUK retry counter at insertion (0 = blocked). Default PUK_MAX_TRIES. */
  pukTriesLeft?: number;
  /** No PIV application: every SELECT fails (the `unknown-card` profile). */
  noPivApplication?: boolean;
}

/** A parsed command APDU. */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  /** Expected response length; undefined when the command has no Le. */
  le: number | undefined;
}

/** Parse short and extended command APDUs (ISO 7816-4 cases 1-4). */
export function parseApdu(apdu: Uint8Array): CommandApdu | null {
  if (apdu.length < 4) return null;
  const [cla, ins, p1, p2] = [apdu[0]!, apdu[1]!, apdu[2]!, apdu[3]!];
  const empty = new Uint8Array(0);
  if (apdu.length === 4) return { cla, ins, p1, p2, data: empty, le: undefined };
  if (apdu.length === 5) return { cla, ins, p1, p2, data: empty, le: apdu[4] || 256 };
  if (apdu[4] !== 0) {
    const lc = apdu[4]!;
    const data = apdu.subarray(5, 5 + lc);
    if (apdu.length === 5 + lc) return { cla, ins, p1, p2, data, le: undefined };
    if (apdu.length === 6 + lc) return { cla, ins, p1, p2, data, le: apdu[5 + lc] || 256 };
    return null;
  }
  // Extended length.
  const n = (apdu[5]! << 8) | apdu[6]!;
  if (apdu.length === 7) return { cla, ins, p1, p2, data: empty, le: n || 65536 };
  const data = apdu.subarray(7, 7 + n);
  if (apdu.length === 7 + n) return { cla, ins, p1, p2, data, le: undefined };
  if (apdu.length === 9 + n) return { cla, ins, p1, p2, data, le: (apdu[7 + n]! << 8) | apdu[8 + n]! || 65536 };
  return null;
}

const APPLICATION_PROPERTY_TEMPLATE = tlv(
  0x61,
  tlv(0x4f, Uint8Array.of(0x00, 0x00, 0x10, 0x00, 0x01, 0x00)),
  tlv(0x79, tlv(0x4f, PIV_AID.subarray(0, 5))),
);

// PIN usage policy 40 00: only the PIV application PIN, no global PIN.
const DISCOVERY_OBJECT = tlv(0x7e, tlv(0x4f, PIV_AID), tlv(0x5f2f, Uint8Array.of(0x40, 0x00)));

// No retired keys.
const KEY_HISTORY_OBJECT = tlv(0x53, tlv(0xc1, Uint8Array.of(0)), tlv(0xc2, Uint8Array.of(0)), tlv(0xfe));

// A FASC-N with agency code 9999 ("no FASC-N"): OpenSC then derives the serial number from the GUID.
const FASC_N = Buffer.from('d4e739da739ced39ce739d836858210842108421c84210c3eb', 'hex');

const PIV_TAG = {
  chuid: 0x5fc102,
  authenticationCert: 0x5fc105,
  signatureCert: 0x5fc10a,
  keyHistory: 0x5fc10c,
} as const;

const KEY_REF = { authentication: 0x9a, signature: 0x9c } as const;
/** Key references of the PIV application PIN and of the PUK (SP 800-73-4 part 1, table 4). */
const PIN_REF = { pin: 0x80, puk: 0x81 } as const;
const ALG = { rsa2048: 0x07, eccP256: 0x11 } as const;

function algorithmByte(alg: KeyAlgorithm): number {
  return alg === 'rsa-2048' ? ALG.rsa2048 : ALG.eccP256;
}

function certObject(cred: IssuedCredential): Uint8Array {
  return tlv(0x53, tlv(0x70, cred.certificateDer), tlv(0x71, Uint8Array.of(0x00)), tlv(0xfe));
}

/** Per-card GUID derived from the certificates, so every issued card has its own token serial. */
function cardGuid(credentials: CardCredentials): Uint8Array {
  const h = createHash('sha256');
  h.update(credentials.person.hsaId);
  if (credentials.authentication) h.update(credentials.authentication.certificateDer);
  if (credentials.signature) h.update(credentials.signature.certificateDer);
  return h.digest().subarray(0, 16);
}

/**
 * A PIN or PUK block as SP 800-73-4 wants it: 6 to 8 ASCII digits (the PUK: 8 bytes of any value)
 * padded with FF to 8 bytes.
 */
function validPinBlock(block: Uint8Array): boolean {
  if (block.length !== 8) return false;
  let len = 0;
  while (len < 8 && block[len] !== 0xff) len++;
  if (len < 6) return false;
  for (let i = 0; i < 8; i++) {
    const b = block[i]!;
    if (i < len ? b < 0x30 || b > 0x39 : b !== 0xff) return false;
  }
  return true;
}

function padPin(pin: string): Uint8Array {
  const out = new Uint8Array(8).fill(0xff);
  out.set(Buffer.from(pin, 'ascii'));
  return out;
}

interface Reply {
  data?: Uint8Array;
  sw: number;
}

/** The PIV application of one virtual card. */
export class PivApplet {
  readonly credentials: CardCredentials;
  private readonly noPiv: boolean;
  private readonly objects: Map<number, Uint8Array>;
  private pin: Uint8Array;
  private puk: Uint8Array;
  private triesLeft: number;
  private pukTries: number;
  private verified = false;
  private pending: Uint8Array | null = null;
  private chain: { ins: number; p1: number; p2: number; data: Uint8Array[] } | null = null;

  constructor(opts: PivAppletOptions) {
    this.credentials = opts.credentials;
    this.noPiv = opts.noPivApplication ?? false;
    this.pin = padPin(opts.credentials.pin);
    this.puk = padPin(opts.credentials.puk ?? '12345678');
    this.triesLeft = opts.pinTriesLeft;
    this.pukTries = opts.pukTriesLeft ?? PUK_MAX_TRIES;
    const chuid = tlv(
      0x53,
      tlv(0x30, FASC_N),
      tlv(0x34, cardGuid(opts.credentials)),
      tlv(0x35, Buffer.from('20401231', 'ascii')),
      tlv(0x3e),
      tlv(0xfe),
    );
    this.objects = new Map<number, Uint8Array>([
      [0x7e, DISCOVERY_OBJECT],
      [PIV_TAG.chuid, chuid],
      [PIV_TAG.keyHistory, KEY_HISTORY_OBJECT],
    ]);
    if (opts.credentials.authentication) {
      this.objects.set(PIV_TAG.authenticationCert, certObject(opts.credentials.authentication));
    }
    if (opts.credentials.signature) {
      this.objects.set(PIV_TAG.signatureCert, certObject(opts.credentials.signature));
    }
  }

  /** PIN retry counter (0 = blocked). */
  get pinTriesLeft(): number {
    return this.triesLeft;
  }

  /** PUK retry counter (0 = blocked: the PIN can no longer be unblocked with it). */
  get pukTriesLeft(): number {
    return this.pukTries;
  }

  /** Whether the PIN is verified in the current card session. */
  get pinVerified(): boolean {
    return this.verified;
  }

  /** Power cycle / warm reset: the security status and any pending response are cleared. */
  reset(): void {
    this.verified = false;
    this.pending = null;
    this.chain = null;
  }

  /** Process one command APDU and return the response APDU (data + SW1 SW2). */
  process(raw: Uint8Array): Uint8Array {
    const apdu = parseApdu(raw);
    if (!apdu) return encode({ sw: SW.wrongLength });
    if (apdu.ins === INS.getResponse && !this.noPiv) return this.getResponse(apdu);
    this.pending = null;
    if ((apdu.cla & 0xef) !== 0x00) return encode({ sw: SW.claNotSupported });

    if (apdu.cla & 0x10) {
      if (this.chain && (this.chain.ins !== apdu.ins || this.chain.p1 !== apdu.p1 || this.chain.p2 !== apdu.p2)) {
        this.chain = null;
      }
      this.chain ??= { ins: apdu.ins, p1: apdu.p1, p2: apdu.p2, data: [] };
      this.chain.data.push(Uint8Array.from(apdu.data));
      return encode({ sw: SW.ok });
    }
    if (this.chain) {
      const sameCommand = this.chain.ins === apdu.ins && this.chain.p1 === apdu.p1 && this.chain.p2 === apdu.p2;
      if (sameCommand) apdu.data = Buffer.concat([...this.chain.data, apdu.data]);
      this.chain = null;
    }
    return this.respond(this.dispatch(apdu), apdu.le);
  }

  private dispatch(apdu: CommandApdu): Reply {
    if (this.noPiv) return { sw: apdu.ins === INS.select ? SW.fileNotFound : SW.insNotSupported };
    switch (apdu.ins) {
      case INS.select:
        return this.select(apdu);
      case INS.getData:
        return this.getData(apdu);
      case INS.verify:
        return this.verify(apdu);
      case INS.changeReferenceData:
        return this.changeReferenceData(apdu);
      case INS.resetRetryCounter:
        return this.resetRetryCounter(apdu);
      case INS.generalAuthenticate:
        return this.generalAuthenticate(apdu);
      default:
        return { sw: SW.insNotSupported };
    }
  }

  private respond(reply: Reply, le: number | undefined): Uint8Array {
    const data = reply.data ?? new Uint8Array(0);
    if (reply.sw !== SW.ok || data.length === 0) return encode(reply);
    const max = Math.min(le ?? 256, 256);
    if (data.length <= max) return encode(reply);
    this.pending = data.subarray(max);
    return encode({ data: data.subarray(0, max), sw: 0x6100 | Math.min(this.pending.length, 0xff) });
  }

  private getResponse(apdu: CommandApdu): Uint8Array {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return encode({ sw: SW.noPreciseDiagnosis });
    return this.respond({ data: pending, sw: SW.ok }, apdu.le);
  }

  private select(apdu: CommandApdu): Reply {
    if (apdu.p1 !== 0x04) return { sw: SW.fileNotFound };
    const aid = apdu.data;
    const matches = aid.length >= 5 && aid.length <= PIV_AID.length && aid.every((b, i) => b === PIV_AID[i]);
    if (!matches) return { sw: SW.fileNotFound };
    return { data: APPLICATION_PROPERTY_TEMPLATE, sw: SW.ok };
  }

  private getData(apdu: CommandApdu): Reply {
    if (apdu.p1 !== 0x3f || apdu.p2 !== 0xff) return { sw: SW.wrongP1P2 };
    let tags;
    try {
      tags = parseTlvs(apdu.data);
    } catch {
      return { sw: SW.wrongData };
    }
    const tagList = tags.find((t) => t.tag === 0x5c);
    if (!tagList) return { sw: SW.wrongData };
    const tag = tagList.value.reduce((acc, b) => acc * 256 + b, 0);
    const object = this.objects.get(tag);
    return object ? { data: object, sw: SW.ok } : { sw: SW.fileNotFound };
  }

  private checkPin(candidate: Uint8Array): Reply {
    if (this.triesLeft === 0) return { sw: SW.blocked };
    if (candidate.length !== 8) return { sw: SW.wrongData };
    if (Buffer.from(candidate).equals(Buffer.from(this.pin))) {
      this.triesLeft = PIN_MAX_TRIES;
      this.verified = true;
      return { sw: SW.ok };
    }
    this.verified = false;
    this.triesLeft -= 1;
    return { sw: this.triesLeft === 0 ? SW.blocked : 0x63c0 | this.triesLeft };
  }

  private verify(apdu: CommandApdu): Reply {
    if (apdu.p2 === PIN_REF.puk && apdu.p1 === 0x00 && apdu.data.length === 0) {
      // Retry counter of the PUK, as ISO 7816-4 cards answer it (not in SP 800-73-4: a strict PIV
      // card answers 6A 88 here, and the app then says "unknown").
      return { sw: this.pukTries === 0 ? SW.blocked : 0x63c0 | this.pukTries };
    }
    if (apdu.p2 !== PIN_REF.pin) return { sw: SW.refDataNotFound };
    if (apdu.p1 === 0xff) {
      this.verified = false;
      return { sw: SW.ok };
    }
    if (apdu.p1 !== 0x00) return { sw: SW.wrongP1P2 };
    if (apdu.data.length === 0) {
      if (this.triesLeft === 0) return { sw: SW.blocked };
      return { sw: this.verified ? SW.ok : 0x63c0 | this.triesLeft };
    }
    return this.checkPin(apdu.data);
  }

  /** CHANGE REFERENCE DATA of the PIN (old PIN + new PIN) or of the PUK (old PUK + new PUK). */
  private changeReferenceData(apdu: CommandApdu): Reply {
    if (apdu.p1 !== 0x00 || (apdu.p2 !== PIN_REF.pin && apdu.p2 !== PIN_REF.puk)) return { sw: SW.wrongP1P2 };
    if (apdu.data.length !== 16) return { sw: SW.wrongData };
    const current = apdu.data.subarray(0, 8);
    const next = apdu.data.subarray(8);
    if (apdu.p2 === PIN_REF.puk) {
      const result = this.checkPuk(current);
      if (result.sw === SW.ok) this.puk = Uint8Array.from(next);
      return result;
    }
    // The card checks the new PIN's format before it spends a try on the old one.
    if (this.triesLeft > 0 && !validPinBlock(next)) return { sw: SW.wrongData };
    const result = this.checkPin(current);
    if (result.sw === SW.ok) this.pin = Uint8Array.from(next);
    return result;
  }

  private checkPuk(candidate: Uint8Array): Reply {
    if (this.pukTries === 0) return { sw: SW.blocked };
    if (!Buffer.from(candidate).equals(Buffer.from(this.puk))) {
      this.pukTries -= 1;
      return { sw: this.pukTries === 0 ? SW.blocked : 0x63c0 | this.pukTries };
    }
    this.pukTries = PUK_MAX_TRIES;
    return { sw: SW.ok };
  }

  /** RESET RETRY COUNTER: PUK + new PIN; unblocks the PIN and sets it. */
  private resetRetryCounter(apdu: CommandApdu): Reply {
    if (apdu.p1 !== 0x00 || apdu.p2 !== PIN_REF.pin) return { sw: SW.wrongP1P2 };
    if (apdu.data.length !== 16) return { sw: SW.wrongData };
    const next = apdu.data.subarray(8);
    if (this.pukTries > 0 && !validPinBlock(next)) return { sw: SW.wrongData };
    const result = this.checkPuk(apdu.data.subarray(0, 8));
    if (result.sw !== SW.ok) return result;
    this.pin = Uint8Array.from(next);
    this.triesLeft = PIN_MAX_TRIES;
    this.verified = false;
    return { sw: SW.ok };
  }

  private generalAuthenticate(apdu: CommandApdu): Reply {
    const credential =
      apdu.p2 === KEY_REF.authentication
        ? this.credentials.authentication
        : apdu.p2 === KEY_REF.signature
          ? this.credentials.signature
          : null;
    if (!credential) return { sw: SW.refDataNotFound };
    if (apdu.p1 !== algorithmByte(this.credentials.keyAlgorithm)) return { sw: SW.wrongP1P2 };
    if (!this.verified) return { sw: SW.securityNotSatisfied };
    let challenge: Uint8Array | undefined;
    try {
      const [template] = parseTlvs(apdu.data);
      if (template?.tag !== 0x7c) return { sw: SW.wrongData };
      const inner = parseTlvs(template.value);
      if (!inner.some((t) => t.tag === 0x82 && t.value.length === 0)) return { sw: SW.wrongData };
      challenge = inner.find((t) => t.tag === 0x81)?.value;
    } catch {
      return { sw: SW.wrongData };
    }
    if (!challenge) return { sw: SW.wrongData };
    let signature: Uint8Array;
    if (this.credentials.keyAlgorithm === 'rsa-2048') {
      if (challenge.length !== 256) return { sw: SW.wrongData };
      const key = createPrivateKey({ key: Buffer.from(credential.privateKeyPkcs8Der), format: 'der', type: 'pkcs8' });
      // The host sends the already padded block: the card does the raw RSA private-key operation.
      signature = privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, challenge);
    } else {
      signature = signP256Hash(credential.privateKeyPkcs8Der, challenge);
    }
    return { data: tlv(0x7c, tlv(0x82, signature)), sw: SW.ok };
  }
}

function encode(reply: Reply): Uint8Array {
  const data = reply.data ?? new Uint8Array(0);
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = reply.sw >> 8;
  out[data.length + 1] = reply.sw & 0xff;
  return out;
}
