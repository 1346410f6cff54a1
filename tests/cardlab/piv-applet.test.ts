import { createPublicKey, createHash, verify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PivApplet } from './piv-applet.js';
import { parseTlvs } from './tlv.js';
import { ensureTestPki, type CardCredentials } from './test-pki.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const sw = (r: Uint8Array): string => Buffer.from(r.subarray(-2)).toString('hex').toUpperCase();
const data = (r: Uint8Array): Buffer => Buffer.from(r.subarray(0, -2));
const pinApdu = (pin: string): Uint8Array => {
  const padded = Buffer.alloc(8, 0xff);
  padded.write(pin, 'ascii');
  return Buffer.concat([hex('00 20 00 80 08'), padded]);
};

const SELECT_PIV = hex('00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00');
const VERIFY_STATUS = hex('00 20 00 80');

/** GET DATA of an object, following 61 xx with GET RESPONSE like a host does. */
function getData(applet: PivApplet, tag: string): { body: Buffer; sw: string; exchanges: number } {
  const tagBytes = hex(tag);
  let r = applet.process(
    Buffer.concat([hex('00 CB 3F FF'), Uint8Array.of(tagBytes.length + 2, 0x5c, tagBytes.length), tagBytes, hex('00')]),
  );
  let body = data(r);
  let exchanges = 1;
  while (sw(r).startsWith('61')) {
    r = applet.process(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, r[r.length - 1]!));
    body = Buffer.concat([body, data(r)]);
    exchanges++;
  }
  return { body, sw: sw(r), exchanges };
}

/** PKCS#1 v1.5 type 1 block of a SHA-256 DigestInfo for a 2048-bit key. */
function pkcs1Block(message: Buffer): Buffer {
  const digestInfo = Buffer.concat([
    hex('3031300d060960864801650304020105000420'),
    createHash('sha256').update(message).digest(),
  ]);
  return Buffer.concat([
    Buffer.from([0x00, 0x01]),
    Buffer.alloc(256 - 3 - digestInfo.length, 0xff),
    Buffer.from([0x00]),
    digestInfo,
  ]);
}

/** GENERAL AUTHENTICATE sent as two chained short APDUs (CLA 10 then 00), as OpenSC does for 256-byte blocks. */
function generalAuthenticate(applet: PivApplet, alg: number, key: number, challenge: Buffer): { body: Buffer; sw: string } {
  const inner = Buffer.concat([
    hex('82 00'),
    challenge.length > 127
      ? Buffer.from([0x81, 0x82, challenge.length >> 8, challenge.length & 0xff])
      : Buffer.from([0x81, challenge.length]),
    challenge,
  ]);
  const lenBytes =
    inner.length > 255
      ? Buffer.from([0x82, inner.length >> 8, inner.length & 0xff])
      : inner.length > 127
        ? Buffer.from([0x81, inner.length])
        : Buffer.from([inner.length]);
  const template = Buffer.concat([Buffer.from([0x7c]), lenBytes, inner]);
  const first = template.subarray(0, Math.min(255, template.length));
  const rest = template.subarray(first.length);
  let r: Uint8Array;
  if (rest.length > 0) {
    r = applet.process(Buffer.concat([Buffer.from([0x10, 0x87, alg, key, first.length]), first]));
    expect(sw(r)).toBe('9000');
    r = applet.process(Buffer.concat([Buffer.from([0x00, 0x87, alg, key, rest.length]), rest, Buffer.from([0x00])]));
  } else {
    r = applet.process(Buffer.concat([Buffer.from([0x00, 0x87, alg, key, first.length]), first, Buffer.from([0x00])]));
  }
  let body = data(r);
  while (sw(r).startsWith('61')) {
    r = applet.process(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, r[r.length - 1]!));
    body = Buffer.concat([body, data(r)]);
  }
  return { body, sw: sw(r) };
}

function signatureFrom(body: Buffer): Buffer {
  const [outer] = parseTlvs(body);
  expect(outer?.tag).toBe(0x7c);
  const resp = parseTlvs(outer!.value).find((t) => t.tag === 0x82);
  expect(resp).toBeDefined();
  return Buffer.from(resp!.value);
}

let valid: CardCredentials;
let ecc: CardCredentials;
let noAuth: CardCredentials;

beforeAll(async () => {
  const pki = await ensureTestPki();
  [valid, ecc, noAuth] = await Promise.all([pki.issueCard('valid'), pki.issueCard('ecc'), pki.issueCard('no-auth-cert')]);
});

describe('PIV applet', () => {
  it('answers SELECT of the PIV application (with or without version) and refuses other AIDs', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 3 });
    const r = applet.process(SELECT_PIV);
    expect(sw(r)).toBe('9000');
    expect(data(r).toString('hex')).toBe('61114f0600001000010079074f05a000000308');
    expect(sw(applet.process(hex('00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00')))).toBe('9000');
    expect(sw(applet.process(hex('00 A4 04 00 06 A0 00 00 00 01 01 00')))).toBe('6A82');
  });

  it('returns the authentication certificate in a 53/70/71/FE object, chained with 61 xx', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 3 });
    const { body, sw: status, exchanges } = getData(applet, '5F C1 05');
    expect(status).toBe('9000');
    expect(exchanges).toBeGreaterThan(1);
    const [obj] = parseTlvs(body);
    expect(obj?.tag).toBe(0x53);
    const inner = parseTlvs(obj!.value);
    expect(inner.map((t) => t.tag)).toEqual([0x70, 0x71, 0xfe]);
    expect(Buffer.from(inner[0]!.value).equals(Buffer.from(valid.authentication!.certificateDer))).toBe(true);
    expect(getData(applet, '5F C1 0A').sw).toBe('9000');
    expect(getData(applet, '5F C1 0B').sw).toBe('6A82');
    expect(getData(applet, '5F C1 01').sw).toBe('6A82');
  });

  it('has no authentication certificate object on a no-auth-cert card', () => {
    const applet = new PivApplet({ credentials: noAuth, pinTriesLeft: 3 });
    expect(getData(applet, '5F C1 05').sw).toBe('6A82');
    expect(getData(applet, '5F C1 0A').sw).toBe('9000');
  });

  it('serves discovery (PIN policy), CHUID with FASC-N and GUID, and key history', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 3 });
    const discovery = getData(applet, '7E');
    expect(discovery.body.toString('hex')).toContain('5f2f024000');
    const chuid = parseTlvs(parseTlvs(getData(applet, '5F C1 02').body)[0]!.value);
    expect(chuid.find((t) => t.tag === 0x30)?.value.length).toBe(25);
    expect(chuid.find((t) => t.tag === 0x34)?.value.length).toBe(16);
    expect(getData(applet, '5F C1 0C').sw).toBe('9000');
  });

  it('counts wrong PINs down 63 C2, 63 C1, then blocks with 69 83; the right PIN resets the counter', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 3 });
    expect(sw(applet.process(VERIFY_STATUS))).toBe('63C3');
    expect(sw(applet.process(pinApdu('000000')))).toBe('63C2');
    expect(sw(applet.process(pinApdu('123456')))).toBe('9000');
    expect(applet.pinTriesLeft).toBe(3);
    expect(sw(applet.process(VERIFY_STATUS))).toBe('9000');
    expect(sw(applet.process(pinApdu('000000')))).toBe('63C2');
    expect(sw(applet.process(pinApdu('000000')))).toBe('63C1');
    expect(sw(applet.process(pinApdu('000000')))).toBe('6983');
    expect(applet.pinTriesLeft).toBe(0);
    expect(sw(applet.process(pinApdu('123456')))).toBe('6983');
    expect(sw(applet.process(VERIFY_STATUS))).toBe('6983');
  });

  it('starts blocked for the locked counter and with one try for one-try-left', () => {
    const locked = new PivApplet({ credentials: valid, pinTriesLeft: 0 });
    expect(sw(locked.process(VERIFY_STATUS))).toBe('6983');
    expect(sw(locked.process(pinApdu('123456')))).toBe('6983');
    const oneTry = new PivApplet({ credentials: valid, pinTriesLeft: 1 });
    expect(sw(oneTry.process(VERIFY_STATUS))).toBe('63C1');
    expect(sw(oneTry.process(pinApdu('111111')))).toBe('6983');
  });

  it('unblocks with the PUK (RESET RETRY COUNTER)', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 0 });
    const newPin = Buffer.alloc(8, 0xff);
    newPin.write('654321');
    const r = applet.process(Buffer.concat([hex('00 2C 00 80 10'), Buffer.from('12345678'), newPin]));
    expect(sw(r)).toBe('9000');
    expect(sw(applet.process(pinApdu('654321')))).toBe('9000');
  });

  it('answers VERIFY without data on the PUK reference 81 with the PUK counter (63 Cx, 69 83 when blocked)', () => {
    expect(sw(new PivApplet({ credentials: valid, pinTriesLeft: 3 }).process(hex('00 20 00 81')))).toBe('63C3');
    expect(sw(new PivApplet({ credentials: valid, pinTriesLeft: 0, pukTriesLeft: 1 }).process(hex('00 20 00 81')))).toBe('63C1');
    expect(sw(new PivApplet({ credentials: valid, pinTriesLeft: 0, pukTriesLeft: 0 }).process(hex('00 20 00 81')))).toBe('6983');
  });

  it('changes the PIN with CHANGE REFERENCE DATA; a new PIN that is not 6-8 digits is refused without spending a try', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 3 });
    const block = (pin: string): Buffer => {
      const b = Buffer.alloc(8, 0xff);
      b.write(pin, 'ascii');
      return b;
    };
    const change = (oldPin: string, newPin: string): string =>
      sw(applet.process(Buffer.concat([hex('00 24 00 80 10'), block(oldPin), block(newPin)])));
    expect(change('123456', '1234')).toBe('6A80');
    expect(change('123456', '12345a')).toBe('6A80');
    expect(applet.pinTriesLeft).toBe(3);
    expect(change('000000', '654321')).toBe('63C2');
    expect(change('123456', '654321')).toBe('9000');
    expect(sw(applet.process(pinApdu('123456')))).toBe('63C2');
    expect(sw(applet.process(pinApdu('654321')))).toBe('9000');
  });

  it('counts wrong PUKs down and blocks the PUK; a blocked PUK refuses even the right PUK', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 0 });
    const newPin = Buffer.alloc(8, 0xff);
    newPin.write('654321');
    const reset = (puk: string): string => sw(applet.process(Buffer.concat([hex('00 2C 00 80 10'), Buffer.from(puk), newPin])));
    expect(reset('00000000')).toBe('63C2');
    expect(reset('00000000')).toBe('63C1');
    expect(applet.pukTriesLeft).toBe(1);
    expect(reset('00000000')).toBe('6983');
    expect(reset('12345678')).toBe('6983');
    expect(applet.pukTriesLeft).toBe(0);
    expect(applet.pinTriesLeft).toBe(0);
  });

  it('refuses to sign before VERIFY and signs a PKCS#1 block with the 9A key after', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 3 });
    const message = Buffer.from('challenge');
    expect(generalAuthenticate(applet, 0x07, 0x9a, pkcs1Block(message)).sw).toBe('6982');
    expect(sw(applet.process(pinApdu('123456')))).toBe('9000');
    const { body, sw: status } = generalAuthenticate(applet, 0x07, 0x9a, pkcs1Block(message));
    expect(status).toBe('9000');
    const signature = signatureFrom(body);
    expect(signature.length).toBe(256);
    const publicKey = createPublicKey(valid.authentication!.certificatePem);
    expect(verify('sha256', message, publicKey, signature)).toBe(true);
    // Wrong algorithm byte for an RSA key.
    expect(generalAuthenticate(applet, 0x11, 0x9a, createHash('sha256').update(message).digest()).sw).toBe('6A86');
  });

  it('signs a SHA-256 hash with ECDSA P-256 (DER signature) on the ecc card', () => {
    const applet = new PivApplet({ credentials: ecc, pinTriesLeft: 3 });
    expect(sw(applet.process(pinApdu('123456')))).toBe('9000');
    const message = Buffer.from('ecc challenge');
    const { body, sw: status } = generalAuthenticate(applet, 0x11, 0x9a, createHash('sha256').update(message).digest());
    expect(status).toBe('9000');
    const publicKey = createPublicKey(ecc.authentication!.certificatePem);
    expect(verify('sha256', message, publicKey, signatureFrom(body))).toBe(true);
  });

  it('forgets the verified PIN on reset', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 3 });
    applet.process(pinApdu('123456'));
    expect(applet.pinVerified).toBe(true);
    applet.reset();
    expect(applet.pinVerified).toBe(false);
    expect(sw(applet.process(VERIFY_STATUS))).toBe('63C3');
  });

  it('has no PIV application on the unknown card', () => {
    const applet = new PivApplet({ credentials: valid, pinTriesLeft: 3, noPivApplication: true });
    expect(sw(applet.process(SELECT_PIV))).toBe('6A82');
    expect(sw(applet.process(hex('00 CB 3F FF 05 5C 03 5F C1 05 00')))).toBe('6D00');
  });
});
