import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root (two levels above this file). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Root of all generated lab material; gitignored. Override with CARDLAB_DIR. */
export const CARDLAB_DIR = process.env.CARDLAB_DIR ? path.resolve(process.env.CARDLAB_DIR) : path.join(REPO_ROOT, '.cardlab');

export const PKI_DIR = path.join(CARDLAB_DIR, 'pki');
export const SOFTHSM_DIR = path.join(CARDLAB_DIR, 'softhsm');
export const PCSCD_CONFIG_DIR = path.join(CARDLAB_DIR, 'pcscd');
export const RUN_DIR = path.join(CARDLAB_DIR, 'run');
export const CONTROL_FILE = path.join(RUN_DIR, 'control.json');

/** OpenSC's PKCS#11 module on Debian. */
export const OPENSC_PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
/** SoftHSM2's PKCS#11 module on Debian. */
export const SOFTHSM2_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
/** vsmartcard's IFD handler for pcscd. */
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
