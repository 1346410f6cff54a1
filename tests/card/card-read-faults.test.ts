import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CardSnapshot } from '../../common/card/card-state';
import type { CardProcessSupervisor } from '../../main/card/card-process-supervisor';
import { provisionSoftHsmToken, startCardLab, type CardLab } from '../cardlab/index';
import { startSupervisor } from './card-test-support';

// Issue 14: the card process's read path when something goes wrong — "Läs in kortet på nytt" on the
// same card, and an unrecognised card beside a good one.
let lab: CardLab;
let card: CardProcessSupervisor | null = null;
let logLines: Record<string, unknown>[] = [];

/** A pino logger that keeps every line, as main's logger would write it. */
function capturingLogger(): pino.Logger {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: 'debug' }, stream);
}

function start(): CardProcessSupervisor {
  logLines = [];
  card = startSupervisor(
    { modulePath: lab.pkcs11Module, trustAnchorPaths: [lab.pki.rootCa.certificatePath, lab.pki.intermediateCa.certificatePath] },
    { logger: capturingLogger() },
  );
  return card;
}

async function ready(supervisor: CardProcessSupervisor): Promise<void> {
  const up = await supervisor.waitFor(
    (s) => s.process === 'running' && s.pcsc.service === 'running' && s.pcsc.readers.length >= lab.readers.length,
    20_000,
  );
  if (!up) throw new Error('the card process never listed the lab readers');
}

const hsaIdsOf = (snapshot: CardSnapshot) => snapshot.tokens.map((token) => token.authCertificate?.hsaId ?? null);

beforeAll(async () => {
  lab = await startCardLab();
}, 120_000);

afterEach(async () => {
  card?.stop();
  card = null;
  await lab.remove(0).catch(() => undefined);
  await lab.remove(1).catch(() => undefined);
});

afterAll(async () => {
  await lab?.stop();
});

describe('card process read faults on the card lab', () => {
  it('"Läs in kortet på nytt" on the same card brings its token back, and later cards are read too', async () => {
    const supervisor = start();
    await ready(supervisor);
    await lab.insert({ profile: 'valid' });
    const first = await supervisor.waitFor((s) => s.tokens.length > 0, 15_000);
    expect(first).not.toBeNull();
    const sha256 = first!.tokens[0]!.authCertificate!.sha256;

    const reread = await supervisor.reread();
    expect(reread.ok).toBe(true);
    const back = await supervisor.waitFor((s) => s.tokens.some((token) => token.authCertificate?.sha256 === sha256), 2_000);
    expect(back?.tokens.map((token) => token.authCertificate?.sha256)).toContain(sha256);
    expect(back?.module.status).toBe('loaded');

    // And the next card inserted after the re-read is read as well.
    await lab.insert({ profile: 'ecc' });
    const ecc = await supervisor.waitFor((s) => s.tokens.some((token) => token.authCertificate?.keyAlgorithm === 'ec'), 15_000);
    expect(ecc?.tokens[0]?.authCertificate?.keyAlgorithm).toBe('ec');
  });

  it('an unrecognised card in one reader never hides the SITHS card in the other', async () => {
    await lab.insert({ profile: 'unknown-card', reader: 0 });
    await lab.insert({ profile: 'valid', reader: 1 });
    // Started with both cards in: the module is initialised with the unrecognised card present.
    const supervisor = start();
    await ready(supervisor);
    const both = await supervisor.waitFor(
      (s) => s.pcsc.readers.filter((reader) => reader.cardPresent).length === 2 && s.tokens.length > 0,
      15_000,
    );
    expect(hsaIdsOf(both!)).toEqual([lab.hsaId]);
    expect(both!.tokens[0]!.slotDescription.startsWith(lab.readers[1]!)).toBe(true);
    expect(both!.pcsc.readers.find((reader) => reader.name === lab.readers[0])).toMatchObject({
      cardPresent: true,
      cardKind: 'unknown',
    });
    // A slot OpenSC lists for the unrecognised card is reported for that reader only.
    for (const failed of both!.slotErrors ?? []) expect(failed.slotDescription.startsWith(lab.readers[0]!)).toBe(true);
    // The same after "Läs in kortet på nytt" (a fresh C_Initialize with both cards in).
    expect((await supervisor.reread()).ok).toBe(true);
    const again = await supervisor.waitFor((s) => s.tokens.length > 0, 2_000);
    expect(hsaIdsOf(again!)).toEqual([lab.hsaId]);
  });

  it('survives pcscd going away with cards in the readers, reports the service unavailable, and recovers', async () => {
    // SoftHSM as the module keeps this about the PC/SC side: OpenSC itself may block while pcscd
    // shuts down, which the watchdog handles (card-process-watchdog.test.ts).
    const token = await provisionSoftHsmToken({ profile: 'valid', label: 'pcscd-gone' });
    try {
      logLines = [];
      card = startSupervisor(
        { modulePath: token.modulePath, env: { SOFTHSM2_CONF: token.softhsmConf } },
        { logger: capturingLogger() },
      );
      const supervisor = card;
      await ready(supervisor);
      await lab.insert({ profile: 'valid', reader: 0 });
      await lab.insert({ profile: 'ecc', reader: 1 });
      expect(
        await supervisor.waitFor((s) => s.pcsc.readers.filter((reader) => reader.cardPresent).length === 2, 15_000),
      ).not.toBeNull();
      const processStates: CardSnapshot['process'][] = [];
      supervisor.onSnapshot((snapshot) => processStates.push(snapshot.process));

      await lab.stopService();
      try {
        const down = await supervisor.waitFor((s) => s.pcsc.service === 'unavailable', 10_000);
        expect(down?.pcsc).toEqual({ service: 'unavailable', readers: [], ignoredReaders: [] });
        // The token of the module that does not depend on PC/SC is still there.
        expect(down?.tokens.map((entry) => entry.label)).toEqual(['pcscd-gone']);
      } finally {
        await lab.startService();
      }
      const up = await supervisor.waitFor(
        (s) => s.pcsc.service === 'running' && s.pcsc.readers.length >= lab.readers.length,
        15_000,
      );
      expect(up?.pcsc.readers.map((reader) => reader.name)).toEqual(expect.arrayContaining([...lab.readers]));
      await lab.insert({ profile: 'valid', reader: 0 });
      expect(await supervisor.waitFor((s) => s.pcsc.readers.some((reader) => reader.cardPresent), 15_000)).not.toBeNull();
      // The same card process all along: it never crashed and was never restarted.
      expect(processStates).not.toContain('restarting');
      expect(logLines.filter((line) => line.event === 'card-process-exited' || line.event === 'card-process-hung')).toEqual([]);
    } finally {
      card?.stop();
      card = null;
      await token.dispose();
    }
  });
});
