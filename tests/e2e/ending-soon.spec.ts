import type { Page } from '@playwright/test';
import { expect, insertCardAndLogIn, test } from './support/card-fixtures';

// Issue 19, source 003: the list shows the permissions that end within 14 days — a filter the
// server applies (GET /users?ending=soon) and the flag in the permission column — on the real
// chain (card lab, reference backend with the demo data, the program over the bridge).

const count = (page: Page) => page.getByTestId('user-count');
const rows = (page: Page) => page.locator('.admin-grid .ag-row');

/** "Visar N av M användare" as numbers. */
async function counts(page: Page): Promise<{ shown: number; total: number }> {
  const text = (await count(page).textContent()) ?? '';
  const m = /Visar (?:minst )?([\d\s\u00a0]+) av ([\d\s\u00a0]+) användare/.exec(text);
  if (!m) throw new Error(`no count in "${text}"`);
  const n = (s: string) => Number(s.replace(/[\s\u00a0]/g, ''));
  return { shown: n(m[1]!), total: n(m[2]!) };
}

test('"Upphör inom 14 dagar" shows only the users whose permissions end soon, each flagged', async ({ app, lab }) => {
  const { page } = app;
  await insertCardAndLogIn(page, lab);
  await expect(count(page)).toContainText(/Visar \d/, { timeout: 20_000 });
  const all = await counts(page);

  // Give one user a permission that ends in five days.
  const hsaId = (await rows(page).locator('[col-id="hsaId"]').first().textContent())!.trim();
  await page.getByLabel('Sök', { exact: true }).fill(hsaId);
  await expect(count(page)).toContainText('Visar 1 av');
  await rows(page).locator('[col-id="givenName"] button').first().click();
  await page.getByRole('button', { name: 'Ändra och lägg till behörigheter' }).click();
  await page.getByRole('button', { name: 'Ansök om statlig ersättning' }).click();
  const group = page.getByRole('group', { name: 'Behörigheter i Ansök om statlig ersättning' });
  await group.getByLabel('Attestera ansökan').check();
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
  const inFive = new Date(`${today}T12:00:00Z`);
  inFive.setUTCDate(inFive.getUTCDate() + 5);
  const endsOn = inFive.toISOString().slice(0, 10);
  await group.locator('.admin-permission-row', { hasText: 'Attestera ansökan' }).getByLabel('Slutdatum').fill(endsOn);
  await page.getByRole('button', { name: 'Klar' }).click();
  await expect(page.locator('.admin-permission-group')).toContainText(`Attestera ansökan (upphör ${endsOn})`);
  await page.getByRole('button', { name: 'Tillbaka till användare' }).click();
  await page.getByRole('button', { name: 'Rensa filter och sökning' }).click();
  await expect(count(page)).toContainText(`av ${all.total.toLocaleString('sv-SE')} användare`);

  // The filter: fewer users than the whole list, every one of them flagged, ours among them.
  const filter = page.getByRole('checkbox', { name: 'Upphör inom 14 dagar' });
  await filter.check();
  await expect.poll(async () => (await counts(page)).shown, { timeout: 15_000 }).toBeLessThan(all.total);
  const ending = await counts(page);
  expect(ending.shown).toBeGreaterThanOrEqual(1);
  expect(ending.total).toBe(all.total);
  await expect(rows(page).first()).toBeVisible();
  const shown = await rows(page).count();
  expect(shown).toBe(Math.min(ending.shown, shown));
  for (let i = 0; i < shown; i++) {
    await expect(rows(page).nth(i).locator('[col-id="permissions"] .admin-badge--ending').first()).toBeVisible();
  }
  await page.getByLabel('Sök', { exact: true }).fill(hsaId);
  await expect(count(page)).toContainText('Visar 1 av');
  await expect(rows(page).first().locator('[col-id="permissions"]')).toContainText(`Upphör ${endsOn}: Attestera ansökan`);

  // Unticked (with the search cleared), the whole list again.
  await page.getByLabel('Sök', { exact: true }).fill('');
  await filter.uncheck();
  await expect(count(page)).toContainText(`Visar ${all.total.toLocaleString('sv-SE')} av`);
});
