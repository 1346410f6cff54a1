import type { Page } from '@playwright/test';
import { labPersonAdministersRegion } from './support/agency';
import { expect, insertCardAndLogIn, test } from './support/card-fixtures';

// Issue 19, source 004 ("flera arbetsgivarkoder"): a person who administers several organisations
// lists all of them at once, with the organisation as a column, and filters on one of them — on
// the real chain (card lab, reference backend with the demo data, the program over the bridge).

const count = (page: Page) => page.getByTestId('user-count');
const cells = (page: Page, col: string) => page.locator(`.admin-grid .ag-row [col-id="${col}"]`);

test('"Alla organisationer" lists the users of every organisation the person administers, with the organisation column and filter', async ({
  app,
  lab,
  backend,
}) => {
  const { page } = app;
  await labPersonAdministersRegion(backend);
  await insertCardAndLogIn(page, lab);
  await page.getByRole('radio', { name: /Testkommunen/ }).check();
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(count(page)).toContainText(/Visar \d/, { timeout: 20_000 });
  // One organisation: no organisation column.
  await expect(cells(page, 'hsaId').first()).toBeVisible();
  await expect(cells(page, 'organisation')).toHaveCount(0);
  const kommunTotal = Number(((await count(page).textContent()) ?? '').replace(/\D+/g, ' ').trim().split(' ').pop());

  const choice = page.getByLabel('Organisationer');
  await choice.selectOption({ label: 'Alla organisationer' });
  await expect(page.getByRole('columnheader', { name: 'Organisation' })).toBeVisible();
  await expect(count(page)).not.toContainText(`av ${kommunTotal.toLocaleString('sv-SE')} användare`);
  // Sorted on the HSA-id both ways: the kommun's (SE2321000016-) first, the region's (SE2321000131-) first.
  await page.getByRole('columnheader', { name: 'HSA-id' }).click();
  await expect(cells(page, 'organisation').first()).toHaveText('Testkommunen');
  await page.getByRole('columnheader', { name: 'HSA-id' }).click();
  await expect(cells(page, 'organisation').first()).toHaveText('Region Testland');
  await expect(cells(page, 'hsaId').first()).toContainText('SE2321000131-');
  // A region user can be read here, changed after switching to the region: no button on the name.
  await expect(cells(page, 'givenName').first().getByRole('button')).toHaveCount(0);

  // The organisation filter: only the region's users.
  await choice.selectOption({ label: 'Region Testland' });
  await expect(cells(page, 'organisation').first()).toHaveText('Region Testland');
  const orgs = await cells(page, 'organisation').allTextContents();
  expect(orgs.length).toBeGreaterThan(0);
  expect(new Set(orgs)).toEqual(new Set(['Region Testland']));
  const hsaIds = await cells(page, 'hsaId').allTextContents();
  expect(hsaIds.every((h) => h.startsWith('SE2321000131-'))).toBe(true);

  // Back to the organisation logged in to: its own list, no column.
  await choice.selectOption({ label: 'Testkommunen' });
  await expect(cells(page, 'organisation')).toHaveCount(0);
  await expect(count(page)).toContainText(`av ${kommunTotal.toLocaleString('sv-SE')} användare`);
});
