import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { launchApp, type LaunchedApp } from './support/launch-app';

// The settings view with a system policy: policy values are locked, the user's own are editable,
// and an invalid policy entry is reported at start with the file, the key and what is wrong.

let dir: string;
let app: LaunchedApp | null = null;

test.beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-settings-e2e-'));
});

test.afterEach(async () => {
  await app?.close();
  app = null;
  rmSync(dir, { recursive: true, force: true });
});

async function launchWithPolicy(policy: Record<string, unknown>): Promise<LaunchedApp> {
  const policyFile = path.join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(policy));
  app = await launchApp({
    env: { BEHORIGHETSADMIN_POLICY_FILE: policyFile, BEHORIGHETSADMIN_USER_DATA: path.join(dir, 'user') },
  });
  return app;
}

test('a policy-locked value is shown as locked and cannot be edited; a user value can be saved', async () => {
  const { page } = await launchWithPolicy({ cardRemoval: 'lock' });
  await page.getByRole('button', { name: 'Inställningar' }).click();
  await expect(page.getByRole('heading', { name: 'Inställningar' })).toBeVisible();

  const locked = page.getByTestId('setting-cardRemoval');
  await expect(locked).toHaveAttribute('data-locked', 'true');
  await expect(locked).toContainText('Systempolicy');
  await expect(locked).toContainText('Låst av systempolicyn');
  await expect(locked.getByLabel('När kortet tas ut')).toBeDisabled();
  await expect(locked.getByLabel('När kortet tas ut')).toHaveValue('lock');
  await expect(locked.getByRole('button', { name: /Spara/ })).toHaveCount(0);

  const proxy = page.getByTestId('setting-proxy');
  await expect(proxy).toHaveAttribute('data-locked', 'false');
  await expect(proxy).toContainText('Standard');
  await proxy.getByRole('textbox', { name: 'Proxy' }).fill('direct');
  await proxy.getByRole('button', { name: 'Spara: Proxy' }).click();
  await expect(page.getByTestId('setting-proxy')).toHaveAttribute('data-source', 'user');
  await expect(page.getByTestId('setting-proxy')).toContainText('Användare');
  await expect(page.getByTestId('setting-proxy').getByRole('status')).toHaveText(
    'Sparat. Ändringen gäller när programmet startas om.',
  );
  expect(JSON.parse(readFileSync(path.join(dir, 'user', 'settings.json'), 'utf8'))).toEqual({ proxy: 'direct' });
});

test('an invalid policy starts the program anyway, to a notice naming the file, the key and what is wrong', async () => {
  const { page } = await launchWithPolicy({ cardRemoval: 'sleep' });
  const notice = page.getByTestId('config-issues');
  await expect(notice).toContainText('Inställningarna innehåller fel');
  await expect(notice).toContainText(path.join(dir, 'policy.json'));
  await expect(notice).toContainText('Inställning: cardRemoval');
  await expect(notice).toContainText('"cardRemoval" har värdet "sleep", men ska vara "logout" (logga ut) eller "lock" (lås)');
  await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
  await page.getByRole('button', { name: 'Visa inställningarna' }).click();
  await expect(page.getByTestId('setting-cardRemoval')).toHaveAttribute('data-locked', 'true');
  await expect(page.getByTestId('setting-cardRemoval').getByLabel('När kortet tas ut')).toHaveValue('logout');
});
