/**
 * The lab through the real stack: pcscd + vpcd + our virtual card, read by OpenSC's own tools
 * (pkcs11-tool) and checked with openssl, with no code of ours in between.
 */
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_PIV_ATR, LAB_UNKNOWN_ATR } from './card-atrs.js';
import { startCardLab, type CardLab } from './lab.js';
import { LAB_PERSON, type CardProfileName } from './profiles.js';
import { parseSlots, pkcs11Tool, runTool, tokenFlags } from './tool-runner.js';

const READER0 = 'Virtual PCD 00 00';
const READER1 = 'Virtual PCD 00 01';
const DAY = 86_400_000;
const hexAtr = (atr: Uint8Array): string => Buffer.from(atr).toString('hex').toUpperCase();

let lab: CardLab;
let tmp: string;
let dataFile: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cardlab-test-'));
  dataFile = path.join(tmp, 'data');
  await writeFile(dataFile, 'Behörighetsadmin card lab challenge');
  // Other people's lab tests may hold the machine's readers for a while: wait for them.
  lab = await startCardLab({ profile: 'valid', lockTimeoutMs: 240_000 });
}, 250_000);

afterAll(async () => {
  await lab?.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function list(): Promise<{ slots: Record<string, string>; flags: string; out: string }> {
  const r = await pkcs11Tool(lab.pkcs11Module, ['-L']);
  expect(r.code, r.stderr).toBe(0);
  return { slots: parseSlots(r.stdout), flags: tokenFlags(r.stdout), out: r.stdout };
}

async function login(pin: string): Promise<string> {
  const r = await pkcs11Tool(lab.pkcs11Module, ['--login', '--pin', pin, '-O']);
  return r.code === 0 ? 'CKR_OK' : (/rv = (CKR_\w+)/.exec(r.stderr)?.[1] ?? r.stderr);
}

/** Read the certificate with CKA_ID `id` from the token and return its PEM file path. */
async function readCert(id: string, name: string): Promise<string> {
  const der = path.join(tmp, `${name}.der`);
  const r = await pkcs11Tool(lab.pkcs11Module, ['--read-object', '--type', 'cert', '--id', id, '-o', der]);
  expect(r.code, r.stderr).toBe(0);
  const pem = path.join(tmp, `${name}.pem`);
  const conv = await runTool('openssl', ['x509', '-inform', 'der', '-in', der, '-out', pem]);
  expect(conv.code, conv.stderr).toBe(0);
  return pem;
}

async function certField(pem: string, flag: '-enddate' | '-startdate' | '-issuer'): Promise<string> {
  const r = await runTool('openssl', ['x509', '-in', pem, '-noout', flag, '-nameopt', 'RFC2253']);
  return r.stdout.trim().replace(/^\w+=/, '');
}

/** Sign the data file on the token with key `id` and verify it with openssl and the token's certificate. */
async function signAndVerify(mechanism: string, extra: string[] = []): Promise<{ sign: number; verify: string }> {
  const sig = path.join(tmp, `sig-${mechanism}`);
  const r = await pkcs11Tool(lab.pkcs11Module, [
    '--login',
    '--pin',
    lab.pin,
    '--sign',
    '-m',
    mechanism,
    '--id',
    '01',
    '-i',
    dataFile,
    '-o',
    sig,
    ...extra,
  ]);
  expect(r.code, r.stderr).toBe(0);
  const certPem = await readCert('01', `signer-${mechanism}`);
  const pub = path.join(tmp, `pub-${mechanism}.pem`);
  await writeFile(pub, (await runTool('openssl', ['x509', '-in', certPem, '-pubkey', '-noout'])).stdout);
  const v = await runTool('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig, dataFile]);
  return { sign: r.ms, verify: v.stdout.trim() };
}

async function insert(profile: CardProfileName): Promise<void> {
  await lab.insert({ profile });
}

describe('card lab through pcscd and OpenSC', () => {
  it('valid: pkcs11-tool lists the token in the lab reader and the authentication certificate with the HSA-id', async () => {
    expect(lab.readers).toEqual([READER0, READER1]);
    const { slots } = await list();
    expect(slots[READER0]).toBe('Alva Testsson');
    expect(slots[READER1]).toBe('(empty)');
    const objects = await pkcs11Tool(lab.pkcs11Module, ['-O']);
    expect(objects.stdout).toMatch(/label:\s+Certificate for PIV Authentication[\s\S]*?serialNumber=SE2321000016-A1B2/);
    const certPem = await readCert('01', 'valid-auth');
    expect(await readFile(certPem, 'utf8')).toBe(lab.credentials(0)!.authentication!.certificatePem);
    const status = await lab.status();
    expect(status.readers[0]!.pcscAtr).toBe(hexAtr(LAB_PIV_ATR));
    expect(status.readers[0]!.card).toMatchObject({ profile: 'valid', pinTriesLeft: 3, connected: true });
    expect(lab.hsaId).toBe('SE2321000016-A1B2');
  });

  it('valid: --login --sign gives an RSA signature that openssl verifies with the certificate', async () => {
    const { verify: result } = await signAndVerify('SHA256-RSA-PKCS');
    expect(result).toBe('Verified OK');
  });

  it('ecc: an ECDSA P-256 signature that openssl verifies', async () => {
    await insert('ecc');
    const objects = await pkcs11Tool(lab.pkcs11Module, ['-O']);
    expect(objects.stdout).toContain('EC_PARAMS:  06082a8648ce3d030107');
    const { verify: result } = await signAndVerify('ECDSA-SHA256', ['--signature-format', 'openssl']);
    expect(result).toBe('Verified OK');
  });

  it('three wrong PINs lock the card: CKR_PIN_INCORRECT twice, then CKR_PIN_LOCKED', async () => {
    await insert('valid');
    const results = [await login('000000'), await login('000000')];
    expect(await lab.pinTriesLeft()).toBe(1);
    expect(tokenFlags((await pkcs11Tool(lab.pkcs11Module, ['-L'])).stdout)).toContain('final user PIN try');
    results.push(await login('000000'));
    expect(results).toEqual(['CKR_PIN_INCORRECT', 'CKR_PIN_INCORRECT', 'CKR_PIN_LOCKED']);
    expect(await lab.pinTriesLeft()).toBe(0);
    expect(await login(lab.pin)).toBe('CKR_PIN_LOCKED');
    expect((await list()).flags).toContain('user PIN locked');
  });

  it('a correct PIN after a wrong one resets the counter', async () => {
    await insert('valid');
    expect(await login('000000')).toBe('CKR_PIN_INCORRECT');
    expect(await lab.pinTriesLeft()).toBe(2);
    expect(await login(lab.pin)).toBe('CKR_OK');
    expect(await lab.pinTriesLeft()).toBe(3);
  });

  it('locked: starts locked, the right PIN gives CKR_PIN_LOCKED', async () => {
    await insert('locked');
    expect(await lab.pinTriesLeft()).toBe(0);
    expect((await list()).flags).toContain('user PIN locked');
    expect(await login(lab.pin)).toBe('CKR_PIN_LOCKED');
  });

  it('one-try-left: final-try flag, and one wrong PIN locks it', async () => {
    await insert('one-try-left');
    expect((await list()).flags).toContain('final user PIN try');
    expect(await login('000000')).toBe('CKR_PIN_LOCKED');
    expect(await lab.pinTriesLeft()).toBe(0);
  });

  it('remove makes the token disappear from the slot list; insert brings it back', async () => {
    await insert('valid');
    expect((await list()).slots[READER0]).toBe('Alva Testsson');
    await lab.remove();
    expect((await list()).slots[READER0]).toBe('(empty)');
    expect((await lab.status()).readers[0]!.pcscCardPresent).toBe(false);
    await lab.insert({ profile: 'valid' });
    expect((await list()).slots[READER0]).toBe('Alva Testsson');
  });

  it('no-auth-cert: the token has the signature certificate only', async () => {
    await insert('no-auth-cert');
    const objects = (await pkcs11Tool(lab.pkcs11Module, ['-O'])).stdout;
    expect(objects).toContain('Certificate for Digital Signature');
    expect(objects).not.toContain('label:      Certificate for PIV Authentication');
  });

  it('expired, not-yet-valid, expiring-soon: the token carries certificates with those validity dates', async () => {
    await insert('expired');
    const expiredEnd = new Date(await certField(await readCert('01', 'expired'), '-enddate')).getTime();
    expect(Date.now() - expiredEnd).toBeGreaterThan(0.9 * DAY);
    expect(Date.now() - expiredEnd).toBeLessThan(2 * DAY);

    await insert('not-yet-valid');
    const nyvStart = new Date(await certField(await readCert('01', 'nyv'), '-startdate')).getTime();
    expect(nyvStart).toBeGreaterThan(Date.now());

    await insert('expiring-soon');
    const soonEnd = new Date(await certField(await readCert('01', 'soon'), '-enddate')).getTime();
    expect(Math.floor((soonEnd - Date.now()) / DAY)).toBe(10);
  });

  it('untrusted: the token certificate is issued by the untrusted CA and fails verification to the trust anchor', async () => {
    await insert('untrusted');
    const pem = await readCert('01', 'untrusted');
    expect(await certField(pem, '-issuer')).toBe('CN=Test Untrusted Person ID CA,O=Test Untrusted,C=SE');
    const v = await runTool('openssl', [
      'verify',
      '-CAfile',
      lab.trustAnchorPath,
      '-untrusted',
      lab.pki.intermediateCa.certificatePath,
      pem,
    ]);
    expect(v.code).not.toBe(0);
  });

  it('unknown-card: its own ATR, and OpenSC does not recognise a token', async () => {
    await insert('unknown-card');
    const status = await lab.status();
    expect(status.readers[0]!.pcscAtr).toBe(hexAtr(LAB_UNKNOWN_ATR));
    expect(hexAtr(LAB_UNKNOWN_ATR)).not.toBe(hexAtr(LAB_PIV_ATR));
    expect((await list()).slots[READER0]).toBe('(token not recognized)');
  });

  it('a second card for another administrator in the second reader', async () => {
    await insert('valid');
    await lab.insert({
      profile: 'valid',
      reader: 1,
      person: { ...LAB_PERSON, givenName: 'Bertil', hsaId: 'SE2321000016-B2C3' },
    });
    const { slots } = await list();
    expect(slots).toMatchObject({ [READER0]: 'Alva Testsson', [READER1]: 'Bertil Testsson' });
    await lab.remove(1);
    expect((await list()).slots[READER1]).toBe('(empty)');
  });

  it('two cards at once, each its own profile and person, the second inserted by its reader name', async () => {
    await insert('valid');
    const bertil = { ...LAB_PERSON, givenName: 'Bertil', surname: 'Andersson', hsaId: 'SE2321000016-B2C3' };
    await lab.insert({ profile: 'expired', reader: READER1, person: bertil });
    try {
      const status = await lab.status();
      expect(
        status.readers.map((reader) => [reader.name, reader.pcscCardPresent, reader.card?.profile, reader.card?.person.hsaId]),
      ).toEqual([
        [READER0, true, 'valid', LAB_PERSON.hsaId],
        [READER1, true, 'expired', bertil.hsaId],
      ]);
      expect(lab.credentials(READER1)?.person).toEqual(bertil);
      expect((await list()).slots).toMatchObject({ [READER0]: 'Alva Testsson', [READER1]: 'Bertil Andersson' });
      // Each token carries its own card's certificate: the second reader's ended a day ago.
      const der = path.join(tmp, 'second-reader.der');
      const read = await pkcs11Tool(lab.pkcs11Module, [
        '--slot-description',
        READER1,
        '--read-object',
        '--type',
        'cert',
        '--id',
        '01',
        '-o',
        der,
      ]);
      expect(read.code, read.stderr).toBe(0);
      const subject = await runTool('openssl', [
        'x509',
        '-inform',
        'der',
        '-in',
        der,
        '-noout',
        '-subject',
        '-enddate',
        '-nameopt',
        'RFC2253',
      ]);
      expect(subject.stdout).toContain(`serialNumber=${bertil.hsaId}`);
      const notAfter = Date.parse(/notAfter=(.*)$/m.exec(subject.stdout)![1]!);
      expect(notAfter).toBeLessThan(Date.now());
      // Pulling one card leaves the other where it is.
      await lab.remove(READER0);
      expect((await list()).slots).toMatchObject({ [READER0]: '(empty)', [READER1]: 'Bertil Andersson' });
      await expect(lab.insert({ profile: 'valid', reader: 'Virtual PCD 00 09' as never })).rejects.toThrow('no such reader');
    } finally {
      await lab.remove(1);
    }
  });

  it('card pulled during the signature: OpenSC reports an error and the reader is empty', async () => {
    await insert('valid');
    await lab.setFault({ on: 'sign', action: 'disconnect' });
    const r = await pkcs11Tool(lab.pkcs11Module, [
      '--login',
      '--pin',
      lab.pin,
      '--sign',
      '-m',
      'SHA256-RSA-PKCS',
      '--id',
      '01',
      '-i',
      dataFile,
      '-o',
      path.join(tmp, 'pulled'),
    ]);
    expect(r.code).not.toBe(0);
    // vpcd turns the lost socket into SCARD_E_NOT_TRANSACTED, which OpenSC reports as a general error.
    expect(r.stderr).toMatch(/C_Sign\w* failed: rv = CKR_(GENERAL_ERROR|DEVICE_ERROR|DEVICE_REMOVED|TOKEN_NOT_PRESENT)/);
    expect((await lab.status()).readers[0]!.card?.connected).toBe(false);
    await lab.remove();
    expect((await list()).slots[READER0]).toBe('(empty)');
  });

  it('card that stops answering: remove() while the command is in flight ends it', async () => {
    await insert('valid');
    await lab.setFault({ on: 'sign', action: 'stall' });
    const pending = pkcs11Tool(lab.pkcs11Module, [
      '--login',
      '--pin',
      lab.pin,
      '--sign',
      '-m',
      'SHA256-RSA-PKCS',
      '--id',
      '01',
      '-i',
      dataFile,
      '-o',
      path.join(tmp, 'stalled'),
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    const removed = Date.now();
    await lab.remove();
    const r = await pending;
    expect(r.code).not.toBe(0);
    expect(Date.now() - removed).toBeLessThan(5000);
  });

  it('card service stopped and started again: no slots, then the lab readers come back empty', async (ctx) => {
    await insert('valid');
    if (!(await lab.status()).pcscd?.startedByLab) ctx.skip(); // a pcscd we did not start is not ours to stop
    await lab.stopService();
    expect((await lab.status()).pcscd).toBeNull();
    const down = await pkcs11Tool(lab.pkcs11Module, ['-L']);
    expect(Object.keys(parseSlots(down.stdout))).toEqual([]);
    await expect(lab.insert({ profile: 'valid' })).rejects.toThrow(/card service \(pcscd\) is stopped/);
    await lab.startService();
    // Every reader of the lab's configuration: its two readers and the impostor's two vpcd slots.
    const impostorSecondSlot = lab.impostorReader.replace(/ 00$/, ' 01');
    expect((await list()).slots).toEqual({
      [READER0]: '(empty)',
      [READER1]: '(empty)',
      [lab.impostorReader]: '(empty)',
      [impostorSecondSlot]: '(empty)',
    });
    await lab.insert({ profile: 'valid' });
    expect((await list()).slots[READER0]).toBe('Alva Testsson');
  });

  it('OpenSC through pkcs11js in this very process (synchronous calls) does not deadlock the card', async () => {
    await insert('valid');
    const p11 = new pkcs11js.PKCS11();
    p11.load(lab.pkcs11Module);
    p11.C_Initialize();
    try {
      const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetSlotInfo(s).slotDescription.trim() === READER0);
      expect(slot).toBeDefined();
      expect(p11.C_GetTokenInfo(slot!).label.trim()).toBe('Alva Testsson');
      const session = p11.C_OpenSession(slot!, pkcs11js.CKF_SERIAL_SESSION);
      p11.C_Login(session, pkcs11js.CKU_USER, lab.pin);
      p11.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from([0x01]) },
      ]);
      const [key] = p11.C_FindObjects(session, 1);
      p11.C_FindObjectsFinal(session);
      const challenge = Buffer.from('in-process');
      p11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key!);
      const signature = p11.C_Sign(session, challenge, Buffer.alloc(256));
      const publicKey = createPublicKey(lab.credentials(0)!.authentication!.certificatePem);
      expect(verify('sha256', challenge, publicKey, signature)).toBe(true);
      p11.C_CloseSession(session);
    } finally {
      p11.C_Finalize();
      p11.close();
    }
  });
});
