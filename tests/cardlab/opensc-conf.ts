/**
 * The lab's OpenSC configuration: Debian's defaults plus the PUK unblock through PKCS#11 that OpenSC
 * offers for its PIV driver, `user_pin_unblock_style = set_pin_in_unlogged_session`: C_SetPIN in a
 * session nobody logged in to, with the PUK as the old PIN, which OpenSC sends as RESET RETRY COUNTER.
 * (Its `init_pin_in_so_session` style needs C_Login(CKU_SO) with the PUK, which OpenSC sends as a
 * VERIFY of the PUK reference 81: a PIV card refuses that, SP 800-73-4 only lets the PUK reset the
 * PIN. OpenSC's default, `none`, refuses every unblock through PKCS#11.) OpenSC reads this file when
 * OPENSC_CONF names it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CARDLAB_DIR } from './paths.js';

/** Where the lab writes its OpenSC configuration. */
export const OPENSC_CONF_PATH = path.join(CARDLAB_DIR, 'opensc.conf');

const OPENSC_CONF = `# Card lab: OpenSC as on Debian 12, plus the PUK unblock through PKCS#11.
app default {
	framework pkcs15 {
	}
}
app opensc-pkcs11 {
	pkcs11 {
		user_pin_unblock_style = set_pin_in_unlogged_session;
	}
}
`;

/** Write the lab's OpenSC configuration (if it differs) and return its path. */
export async function writeOpenscConf(): Promise<string> {
  await mkdir(CARDLAB_DIR, { recursive: true });
  const current = existsSync(OPENSC_CONF_PATH) ? await readFile(OPENSC_CONF_PATH, 'utf8') : '';
  if (current !== OPENSC_CONF) await writeFile(OPENSC_CONF_PATH, OPENSC_CONF);
  return OPENSC_CONF_PATH;
}
