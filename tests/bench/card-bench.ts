// Card layer benchmark on the card lab: card inserted → event at a subscriber of the card service,
// and the time a sign call spends in our stack beyond the token's own time.
// Run: npm run bench:card [-- --rounds N]
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import pkcs11js from 'pkcs11js';
import { startCardLab } from '../cardlab/index';
import { startSupervisor } from '../card/card-test-support';
import { median, percentile, randomPause, reportFigures, type BenchFigure } from './bench-report';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' } } });
const ROUNDS = Number(values.rounds);

async function main(): Promise<void> {
  const lab = await startCardLab();
  const card = startSupervisor({ modulePath: lab.pkcs11Module, trustAnchorPaths: [lab.pki.caCertificatesPath] });
  const figures: BenchFigure[] = [];
  try {
    await card.waitFor((s) => s.pcsc.service === 'running' && s.pcsc.readers.length >= 2, 20_000);

    // Insertion latency: from asking the lab to insert to the snapshot reaching our subscriber.
    // Two clocks: from the card connecting to the reader (which includes the vpcd driver's own
    // polling of its socket, up to ~400 ms), and from PC/SC reporting the card (the lab's own
    // watcher in this process) to our subscriber, which is our stack's share.
    const insertMs: number[] = [];
    const afterPcscMs: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      await lab.remove();
      await card.waitFor((s) => !s.pcsc.readers.some((r) => r.cardPresent), 10_000);
      await randomPause();
      const started = performance.now();
      let seenAt = 0;
      const seen = card
        .waitFor((s) => s.pcsc.readers.some((r) => r.cardPresent), 10_000)
        .then((s) => ((seenAt = performance.now()), s));
      await lab.insert({ profile: 'valid' });
      const pcscAt = performance.now();
      if (!(await seen)) throw new Error('insertion not seen');
      insertMs.push(seenAt - started);
      afterPcscMs.push(Math.max(0, seenAt - pcscAt));
    }
    figures.push({
      metric: 'card inserted → event at subscriber (raw, random timing), p50',
      value: median(insertMs),
      unit: 'ms',
      target: null,
    });
    figures.push({
      // Raw, with random timing: bounded by the virtual reader's own poll, not by our code.
      metric: 'card inserted → event at subscriber (raw, random timing), p95',
      value: percentile(insertMs, 95),
      unit: 'ms',
      target: null,
    });
    figures.push({
      metric: 'PC/SC reports the card → event at subscriber (our share), p95',
      value: percentile(afterPcscMs, 95),
      unit: 'ms',
      target: '<= 250',
    });

    // Sign: our stack (IPC to the card process, certificate check, login, sign, logout) vs the same
    // PKCS#11 calls made directly in this process against the same card.
    const snapshot = await card.waitFor((s) => (s.tokens[0]?.authCertificate ?? null) !== null, 10_000);
    const token = snapshot!.tokens[0]!;
    const data = createHash('sha256').update('bench').digest();
    const ours: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const started = performance.now();
      const result = await card.sign({
        slotId: token.slotId,
        certificateSha256: token.authCertificate!.sha256,
        data,
        pin: lab.pin,
      });
      if (!result.ok) throw new Error(`sign failed: ${result.error.code}`);
      ours.push(performance.now() - started);
    }
    const direct: number[] = [];
    const module = new pkcs11js.PKCS11();
    module.load(lab.pkcs11Module);
    module.C_Initialize();
    try {
      const slot = module.C_GetSlotList(true)[0]!;
      for (let round = 0; round < ROUNDS; round += 1) {
        const started = performance.now();
        const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
        module.C_Login(session, pkcs11js.CKU_USER, lab.pin);
        module.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
        const [key] = module.C_FindObjects(session, 1);
        module.C_FindObjectsFinal(session);
        module.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key!);
        module.C_Sign(session, data, Buffer.alloc(512));
        module.C_Logout(session);
        module.C_CloseSession(session);
        direct.push(performance.now() - started);
      }
    } finally {
      module.C_Finalize();
      module.close();
    }
    figures.push({ metric: 'sign through our stack, median', value: median(ours), unit: 'ms', target: null });
    figures.push({ metric: 'same PKCS#11 calls direct (token time), median', value: median(direct), unit: 'ms', target: null });
    figures.push({ metric: 'sign overhead beyond the token', value: median(ours) - median(direct), unit: 'ms', target: '<= 50' });
  } finally {
    card.stop();
    await lab.stop();
  }
  reportFigures('card', figures);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
