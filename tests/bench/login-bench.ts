// End-to-end benchmark in Chromium over the test bridge, with the card lab and the reference
// backend: card inserted → state in the renderer, and login (challenge, PIN, sign, verify, session).
// Run: npm run bench:login [-- --rounds N]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startCardLab } from '../cardlab/index';
import { launchApp } from '../e2e/support/launch-app';
import { startReferenceBackend } from '../fixtures/reference-backend';
import { median, percentile, reportFigures, type BenchFigure } from './bench-report';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
const ROUNDS = Number(values.rounds);

async function main(): Promise<void> {
  const lab = await startCardLab();
  const backend = await startReferenceBackend({ trustAnchor: lab.pki.rootCa.certificatePath, intermediate: lab.pki.intermediateCa.certificatePath });
  const app = await launchApp({
    env: {
      BEHORIGHETSADMIN_BACKEND_URL: backend.url,
      BEHORIGHETSADMIN_PKCS11_MODULE: lab.pkcs11Module,
      BEHORIGHETSADMIN_TRUST_ANCHORS: [lab.pki.rootCa.certificatePath, lab.pki.intermediateCa.certificatePath].join(path.delimiter),
      BEHORIGHETSADMIN_LOG_LEVEL: 'warn',
    },
  });
  const figures: BenchFigure[] = [];
  const { page } = app;
  const status = page.getByTestId('card-status');
  try {
    const insertMs: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      await lab.remove();
      await status.and(page.locator('[data-status="insert-card"]')).waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      const started = performance.now();
      const seen = page.waitForFunction(() => document.querySelector('[data-testid="card-status"]')?.getAttribute('data-status') !== 'insert-card', null, {
        polling: 'raf',
        timeout: 15_000,
      });
      await lab.insert({ profile: 'valid' });
      await seen;
      insertMs.push(performance.now() - started);
    }
    figures.push({ metric: 'card inserted → state in the renderer, p50', value: median(insertMs), unit: 'ms', target: null });
    figures.push({ metric: 'card inserted → state in the renderer, p95', value: percentile(insertMs, 95), unit: 'ms', target: '<= 250' });

    const loginMs: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      await status.and(page.locator('[data-status="card-ready"]')).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Logga in' }).click();
      await page.getByLabel('PIN-kod för legitimering').fill(lab.pin);
      const started = performance.now();
      await page.getByRole('dialog').getByRole('button', { name: 'Logga in' }).click();
      await page.getByTestId('session-header').waitFor({ timeout: 15_000 });
      loginMs.push(performance.now() - started);
      await page.getByRole('button', { name: 'Logga ut' }).click();
      await page.getByTestId('logout-reason').waitFor({ timeout: 15_000 });
    }
    figures.push({ metric: 'login end to end (PIN submitted → logged in), p50', value: median(loginMs), unit: 'ms', target: '<= 500' });
    figures.push({ metric: 'login end to end, p95', value: percentile(loginMs, 95), unit: 'ms', target: null });
  } finally {
    await app.close();
    await backend.dispose();
    await lab.stop();
  }
  reportFigures('login', figures);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
