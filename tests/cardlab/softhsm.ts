/**
 * SoftHSM2 tokens provisioned from the lab's PKI, for fast PKCS#11 tests without pcscd or a card.
 * SoftHSM2 never locks a PIN and reports no tries left: PIN-lock behaviour needs the virtual card.
 */
import type { RevocationEndpoints } from './revocation-responder.js';
import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SOFTHSM2_MODULE, SOFTHSM_DIR } from './paths.js';
import { LAB_PERSON, LAB_PUK, type CardProfileName, type LabPerson } from './profiles.js';
import { ensureTestPki, type CardCredentials, type IssuedCredential } from './test-pki.js';

const run = promisify(execFile);

/** CKA_ID of the authentication key, its public key and certificate (same as OpenSC's PIV 9A). */
export const AUTH_OBJECT_ID = '01';
/** CKA_ID of the signature key, its public key and certificate (same as OpenSC's PIV 9C). */
export const SIGN_OBJECT_ID = '02';

export interface ProvisionSoftHsmOptions {
  profile: CardProfileName;
  person?: LabPerson;
  /** Token label (max 32 characters). Default `lab-<profile>`. */
  label?: string;
  /** Issue the certificates naming this OCSP responder and CRL, and register them there. */
  revocation?: RevocationEndpoints;
}

/** A provisioned SoftHSM2 token. */
export interface SoftHsmToken {
  modulePath: string;
  /**
   * Value for SOFTHSM2_CONF. SoftHSM reads it once, in C_Initialize: set `process.env.SOFTHSM2_CONF`
   * before pkcs11js C_Initialize of libsofthsm2, and C_Finalize before switching to another token's conf.
   */
  softhsmConf: string;
  tokenLabel: string;
  /** Slot id SoftHSM assigned to the token. */
  slotId: number;
  pin: string;
  soPin: string;
  credentials: CardCredentials;
  /** Directory holding the conf and the token files. */
  dir: string;
  /** Delete the token's directory. */
  dispose(): Promise<void>;
}

async function softhsmUtil(conf: string, args: string[]): Promise<string> {
  const { stdout } = await run('softhsm2-util', args, { env: { ...process.env, SOFTHSM2_CONF: conf }, timeout: 20_000 });
  return stdout;
}

async function writeObject(
  conf: string,
  token: { label: string; pin: string },
  file: string,
  type: 'cert' | 'privkey' | 'pubkey',
  id: string,
  label: string,
  usage: string[],
): Promise<void> {
  await run(
    'pkcs11-tool',
    [
      '--module',
      SOFTHSM2_MODULE,
      '--token-label',
      token.label,
      '--login',
      '--pin',
      token.pin,
      '--write-object',
      file,
      '--type',
      type,
      '--id',
      id,
      '--label',
      label,
      ...usage,
    ],
    { env: { ...process.env, SOFTHSM2_CONF: conf }, timeout: 20_000 },
  );
}

async function importCredential(
  conf: string,
  dir: string,
  token: { label: string; pin: string },
  cred: IssuedCredential,
  id: string,
  label: string,
): Promise<void> {
  const base = path.join(dir, `import-${id}`);
  const spki = createPublicKey(cred.certificatePem).export({ format: 'der', type: 'spki' });
  await writeFile(`${base}.cert.der`, cred.certificateDer);
  await writeFile(`${base}.key.der`, cred.privateKeyPkcs8Der, { mode: 0o600 });
  await writeFile(`${base}.pub.der`, spki);
  try {
    await writeObject(conf, token, `${base}.key.der`, 'privkey', id, label, ['--usage-sign']);
    await writeObject(conf, token, `${base}.pub.der`, 'pubkey', id, label, ['--usage-sign']);
    await writeObject(conf, token, `${base}.cert.der`, 'cert', id, label, []);
  } finally {
    await rm(`${base}.key.der`, { force: true });
  }
}

/**
 * Make a SoftHSM2 token holding a lab card's credentials: private key, public key and certificate for
 * authentication (label "Authentication", CKA_ID 01) and signature ("Signature", CKA_ID 02).
 * Each call makes its own token directory and conf under `.cardlab/softhsm/`.
 */
export async function provisionSoftHsmToken(opts: ProvisionSoftHsmOptions): Promise<SoftHsmToken> {
  const pki = await ensureTestPki();
  const credentials = await pki.issueCard(opts.profile, opts.person ?? LAB_PERSON, opts.revocation);
  const tokenLabel = (opts.label ?? `lab-${opts.profile}`).slice(0, 32);
  await mkdir(SOFTHSM_DIR, { recursive: true });
  const dir = await mkdtemp(path.join(SOFTHSM_DIR, `${opts.profile}-`));
  const softhsmConf = path.join(dir, 'softhsm2.conf');
  try {
    await mkdir(path.join(dir, 'tokens'));
    await writeFile(
      softhsmConf,
      `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
    );
    const pin = credentials.pin;
    const soPin = LAB_PUK;
    const out = await softhsmUtil(softhsmConf, [
      '--init-token',
      '--free',
      '--label',
      tokenLabel,
      '--pin',
      pin,
      '--so-pin',
      soPin,
    ]);
    const slotMatch = /reassigned to slot (\d+)/.exec(out);
    if (!slotMatch) throw new Error(`softhsm2-util did not report a slot: ${out}`);
    const token = { label: tokenLabel, pin };
    if (credentials.authentication) {
      await importCredential(softhsmConf, dir, token, credentials.authentication, AUTH_OBJECT_ID, 'Authentication');
    }
    if (credentials.signature) {
      await importCredential(softhsmConf, dir, token, credentials.signature, SIGN_OBJECT_ID, 'Signature');
    }
    return {
      modulePath: SOFTHSM2_MODULE,
      softhsmConf,
      tokenLabel,
      slotId: Number(slotMatch[1]),
      pin,
      soPin,
      credentials,
      dir,
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
