import { test as base, expect, type Page } from '@playwright/test';
import { startCardLab, type CardLab } from '../../cardlab/index';
import { launchApp, type LaunchedApp } from './launch-app';
import { labAppEnv } from './lab-env';
import { startReferenceBackend, type ReferenceBackend } from '../../fixtures/reference-backend';

export interface CardStack {
  app: LaunchedApp;
  backend: ReferenceBackend;
}

/**
 * Fixtures for specs that need the whole chain: the card lab (one per worker: pcscd, readers,
 * OpenSC), a fresh reference backend with the demo data per test, and the program wired to both.
 */
export const test = base.extend<{ backendArgs: string[]; backend: ReferenceBackend; app: LaunchedApp }, { lab: CardLab }>({
  /** Further flags for the reference backend (test.use({ backendArgs: [...] })). */
  backendArgs: [[], { option: true }],
  lab: [
    // Playwright requires a destructuring pattern here even when no fixture is used.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const lab = await startCardLab();
      try {
        await use(lab);
      } finally {
        await lab.stop();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  backend: async ({ lab, backendArgs }, use) => {
    const backend = await startReferenceBackend({ caCertificates: lab.pki.caCertificatesPath, args: backendArgs });
    try {
      await use(backend);
    } finally {
      await backend.dispose();
    }
  },
  app: async ({ lab, backend }, use) => {
    await lab.remove().catch(() => undefined);
    const app = await launchApp({ env: labAppEnv(lab, backend) });
    try {
      await use(app);
    } finally {
      await app.close();
    }
  },
});

export { expect };

/** Waits until the login view shows the card as ready to log in. */
export async function waitForCardReady(page: Page): Promise<void> {
  await expect(page.getByTestId('card-status')).toHaveAttribute('data-status', 'card-ready', { timeout: 20_000 });
}

/**
 * The login's steps with the card in the reader: waits for the card, "Logga in", the PIN and the
 * dialog's "Logga in". What follows (the header, or a refusal) is the caller's to check.
 */
export async function submitLogin(page: Page, pin: string): Promise<void> {
  await waitForCardReady(page);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.getByLabel('PIN-kod för legitimering').fill(pin);
  await page.getByRole('dialog').getByRole('button', { name: 'Logga in' }).click();
}

/** Logs in with the card in the reader (card inserted → PIN → logged in): waits for the header. */
export async function loginWithCard(page: Page, pin: string): Promise<void> {
  await submitLogin(page, pin);
  await expect(page.getByTestId('session-header')).toBeVisible({ timeout: 20_000 });
}

/** The lab's valid card (Alva Testsson) goes into the reader, then logs in with its PIN. */
export async function insertCardAndLogIn(
  page: Page,
  lab: { insert(card: { profile: 'valid' }): Promise<unknown>; pin: string },
): Promise<void> {
  await lab.insert({ profile: 'valid' });
  await loginWithCard(page, lab.pin);
}
