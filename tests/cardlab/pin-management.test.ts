/**
 * PIN tries, PIN change and PUK unblock on the lab card, through pcscd and OpenSC's own pkcs11-tool
 * (no code of ours between the tool and the card).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCardLab, type CardLab } from './lab.js';
import { LAB_PUK } from './profiles.js';
import { pkcs11Tool, pkcs11ToolRv, tokenFlags } from './tool-runner.js';

let lab: CardLab;

beforeAll(async () => {
  lab = await startCardLab({ lockTimeoutMs: 240_000 });
}, 250_000);

afterAll(async () => {
  await lab?.stop();
});

async function flags(): Promise<string> {
  return tokenFlags((await pkcs11Tool(lab.pkcs11Module, ['-L'])).stdout);
}

async function login(pin: string): Promise<string> {
  return pkcs11ToolRv(await pkcs11Tool(lab.pkcs11Module, ['--login', '--pin', pin, '-O']));
}

async function changePin(oldPin: string, newPin: string): Promise<string> {
  return pkcs11ToolRv(await pkcs11Tool(lab.pkcs11Module, ['--login', '--pin', oldPin, '--change-pin', '--new-pin', newPin]));
}

/** C_SetPIN(PUK, new PIN) in a session nobody logged in to: OpenSC's PIV unblock. */
async function unblock(puk: string, newPin: string, env?: Record<string, string>): Promise<string> {
  return pkcs11ToolRv(await pkcs11Tool(lab.pkcs11Module, ['--unlock-pin', '--puk', puk, '--new-pin', newPin], undefined, env));
}

describe('PIN tries, PIN change and PUK unblock on the lab card', () => {
  it.each([3, 2, 1])('a card inserted with %i PIN tries has that counter; OpenSC flags agree', async (tries) => {
    await lab.insert({ profile: 'valid', pinTriesLeft: tries });
    expect(await lab.pinTriesLeft()).toBe(tries);
    const f = await flags();
    if (tries === 1) expect(f).toContain('final user PIN try');
    else expect(f).not.toContain('final user PIN try');
    expect(f).not.toContain('user PIN locked');
  });

  it('two-tries-left and puk-blocked profiles set the counters', async () => {
    await lab.insert({ profile: 'two-tries-left' });
    expect(await lab.pinTriesLeft()).toBe(2);
    expect(await lab.pukTriesLeft()).toBe(3);
    await lab.insert({ profile: 'puk-blocked' });
    expect(await lab.pinTriesLeft()).toBe(0);
    expect(await lab.pukTriesLeft()).toBe(0);
    expect(await flags()).toContain('user PIN locked');
  });

  it('C_SetPIN after login changes the PIN (CHANGE REFERENCE DATA): the old PIN stops working', async () => {
    await lab.insert({ profile: 'valid' });
    expect(await changePin(lab.pin, '246802')).toBe('CKR_OK');
    expect(await login(lab.pin)).toBe('CKR_PIN_INCORRECT');
    expect(await login('246802')).toBe('CKR_OK');
    expect(await lab.pinTriesLeft()).toBe(3);
  });

  it('a new PIN outside the token length rules is refused before the card spends a try', async () => {
    await lab.insert({ profile: 'valid' });
    expect(await changePin(lab.pin, '123')).toBe('CKR_PIN_LEN_RANGE');
    expect(await lab.pinTriesLeft()).toBe(3);
    expect(await login(lab.pin)).toBe('CKR_OK');
  });

  it('OpenSC refuses the PUK unblock under its default configuration; the PUK counter is untouched', async () => {
    await lab.insert({ profile: 'locked' });
    expect(await unblock(LAB_PUK, '654321')).not.toBe('CKR_OK');
    expect(await lab.pinTriesLeft()).toBe(0);
    expect(await lab.pukTriesLeft()).toBe(3);
  });

  it('PUK unblock (RESET RETRY COUNTER): a wrong PUK costs a PUK try, the right one sets a new PIN and 3 tries', async () => {
    const env = { OPENSC_CONF: lab.openscConf };
    await lab.insert({ profile: 'locked' });
    expect(await unblock('87654321', '654321', env)).toBe('CKR_PIN_INCORRECT');
    expect(await lab.pukTriesLeft()).toBe(2);
    expect(await lab.pinTriesLeft()).toBe(0);
    expect(await unblock(LAB_PUK, '654321', env)).toBe('CKR_OK');
    expect(await lab.pinTriesLeft()).toBe(3);
    expect(await lab.pukTriesLeft()).toBe(3);
    expect(await flags()).not.toContain('user PIN locked');
    expect(await login('654321')).toBe('CKR_OK');
  });

  it('puk-blocked: even the right PUK is refused and both counters stay at 0', async () => {
    await lab.insert({ profile: 'puk-blocked' });
    const rv = await unblock(LAB_PUK, '654321', { OPENSC_CONF: lab.openscConf });
    expect(rv).not.toBe('CKR_OK');
    expect(await lab.pinTriesLeft()).toBe(0);
    expect(await lab.pukTriesLeft()).toBe(0);
  });
});
