import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs11TokenAccess } from '../../main/card-process/pkcs11-token-access';
import { TrustStore } from '../../main/card-process/trust-store';
import { ensureTestPki, provisionSoftHsmToken, type SoftHsmToken } from '../cardlab/index';
import { startSupervisor } from './card-test-support';

// Issue 14: each slot is read on its own. SoftHSM2 always lists one spare slot with an uninitialised
// token beside the real ones; opening a session there fails (CKR_TOKEN_NOT_RECOGNIZED or similar),
// and that must never hide the token next to it.
let token: SoftHsmToken;
let access: Pkcs11TokenAccess | null = null;

beforeAll(async () => {
  token = await provisionSoftHsmToken({ profile: 'valid', label: 'slots-valid' });
  // SoftHSM reads its configuration once, in C_Initialize.
  process.env.SOFTHSM2_CONF = token.softhsmConf;
}, 60_000);

afterAll(async () => {
  access?.close();
  await token?.dispose();
});

describe('reading every slot on its own (SoftHSM2)', () => {
  it('reads the provisioned token and reports the spare slot apart', async () => {
    const pki = await ensureTestPki();
    access = new Pkcs11TokenAccess({
      modulePath: token.modulePath,
      trustStore: TrustStore.fromPemFiles([pki.rootCa.certificatePath, pki.intermediateCa.certificatePath]),
      now: () => new Date(),
    });
    expect(access.open().status).toBe('loaded');
    const { tokens, slotErrors } = access.readSlots();
    expect(tokens.map((entry) => entry.label)).toEqual(['slots-valid']);
    expect(tokens[0]!.authCertificate).toMatchObject({
      hsaId: token.credentials.person.hsaId,
      isAuthentication: true,
      trusted: true,
    });
    // The spare slot is there, reported for itself with a code from the closed vocabulary and the native name.
    expect(slotErrors).toHaveLength(1);
    expect(slotErrors[0]!.slotId).not.toBe(tokens[0]!.slotId);
    expect(slotErrors[0]!.error.details?.ckr).toMatch(/^CKR_/);
  });

  it('the card process shows the token, reports the spare slot, and logs why through main with the PKCS#11 name', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const supervisor = startSupervisor(
      { modulePath: token.modulePath, env: { SOFTHSM2_CONF: token.softhsmConf } },
      { logger: pino({ level: 'debug' }, stream) },
    );
    try {
      const snapshot = await supervisor.waitFor((s) => s.process === 'running' && s.tokens.length > 0, 20_000);
      expect(snapshot?.tokens.map((entry) => entry.label)).toEqual(['slots-valid']);
      expect(snapshot?.slotErrors).toEqual([
        expect.objectContaining({
          error: expect.objectContaining({ details: expect.objectContaining({ ckr: expect.stringMatching(/^CKR_/) }) }),
        }),
      ]);
      const logged = lines.find((line) => line.event === 'card-slot-read-failed');
      expect(logged).toMatchObject({ component: 'card-process', level: 40, ckr: snapshot!.slotErrors![0]!.error.details!.ckr });
      // No PIN is ever in a card-process line (none is typed here; the lines carry codes only).
      for (const line of lines.filter((entry) => entry.component === 'card-process'))
        expect(Object.keys(line)).not.toContain('pin');
    } finally {
      supervisor.stop();
    }
  });
});
