import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { LAB_PERSON } from '../cardlab/index';
import { agency, labPersonAdministersRegion } from './support/agency';
import { expect, loginWithCard, insertCardAndLogIn, test } from './support/card-fixtures';

// Issue 19 on the real chain (card lab, reference backend, the program over the bridge): the
// authorised orderer appoints an administrator who then logs in with a card; a person with two
// organisations switches between them; a permission with an end date ends on that date, once.

const ORDERER = { ...LAB_PERSON, givenName: 'Cecilia', surname: 'Beställare', hsaId: 'SE2321000016-C3D4' };
const NEW_ADMIN = { ...LAB_PERSON, givenName: 'Dan', surname: 'Nyberg', hsaId: 'SE2321000016-D4E5' };

const count = (page: Page) => page.getByTestId('user-count');

async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page.getByTestId('session-header')).toBeHidden();
}

/** The HSA-ids in the rendered rows. */
async function shownHsaIds(page: Page): Promise<string[]> {
  await expect(page.locator('.admin-grid .ag-row [col-id="hsaId"]').first()).toBeVisible();
  return page.locator('.admin-grid .ag-row [col-id="hsaId"]').allTextContents();
}

test('the authorised orderer appoints an administrator, who then logs in with a card', async ({ app, lab, backend }) => {
  const { page } = app;
  await agency(
    backend,
    'orderer',
    'add',
    '--org',
    'kommun-testkommunen',
    '--hsa-id',
    ORDERER.hsaId,
    '--given-name',
    ORDERER.givenName,
    '--surname',
    ORDERER.surname,
    '--email',
    'cecilia@testkommunen.se',
  );
  await lab.insert({ profile: 'valid', person: ORDERER });
  await loginWithCard(page, lab.pin);
  await page.getByRole('button', { name: 'Administratörer' }).click();
  const table = page.getByTestId('administrators-table');
  await expect(table.locator('tbody tr').first()).toContainText('Behörig beställare');
  await expect(table).toContainText('Alva Testsson');

  // One role per person and organisation: Alva is an administrator already.
  await page.getByRole('button', { name: 'Utse administratör' }).click();
  const dialog = page.getByRole('dialog', { name: 'Utse administratör' });
  await dialog.getByLabel('Förnamn').fill('Alva');
  await dialog.getByLabel('Efternamn').fill('Testsson');
  await dialog.getByLabel('HSA-id').fill(LAB_PERSON.hsaId);
  await dialog.getByLabel('E-post').fill('alva@testkommunen.se');
  await dialog.getByRole('button', { name: 'Spara' }).click();
  await expect(dialog).toContainText('Personen är redan administratör eller behörig beställare i organisationen.');
  await dialog.getByLabel('Förnamn').fill(NEW_ADMIN.givenName);
  await dialog.getByLabel('Efternamn').fill(NEW_ADMIN.surname);
  await dialog.getByLabel('HSA-id').fill(NEW_ADMIN.hsaId);
  await dialog.getByLabel('E-post').fill('dan@testkommunen.se');
  await dialog.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByText('Dan Nyberg är nu administratör.')).toBeVisible();
  await expect(table.locator(`tr[data-hsa-id="${NEW_ADMIN.hsaId}"]`)).toContainText('Administratör');

  await logOut(page);
  await lab.remove();
  await lab.insert({ profile: 'valid', person: NEW_ADMIN });
  await loginWithCard(page, lab.pin);
  await expect(page.getByTestId('header-user')).toContainText(`Dan Nyberg (${NEW_ADMIN.hsaId})`);
  await expect(page.getByTestId('header-organisation')).toHaveText('Testkommunen');
  await expect(count(page)).toContainText(/Visar \d/, { timeout: 20_000 });
  // An administrator sees who the orderer is, but cannot appoint.
  await page.getByRole('button', { name: 'Administratörer' }).click();
  await expect(page.getByTestId('administrators-table')).toContainText('Cecilia Beställare');
  await expect(page.getByRole('button', { name: 'Utse administratör' })).toHaveCount(0);
});

test('a person with two organisations chooses one after login and switches, seeing only each one’s users', async ({
  app,
  lab,
  backend,
}) => {
  const { page } = app;
  await labPersonAdministersRegion(backend);
  await insertCardAndLogIn(page, lab);
  // Neither used yet: the first is preselected.
  await expect(page.getByRole('heading', { name: 'Välj organisation' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /Testkommunen/ })).toBeChecked();
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(page.getByTestId('header-organisation')).toHaveText('Testkommunen');
  await expect(count(page)).toContainText(/Visar \d/, { timeout: 20_000 });
  const kommun = await shownHsaIds(page);
  expect(kommun.length).toBeGreaterThan(0);
  expect(kommun.every((h) => h.startsWith('SE2321000016-'))).toBe(true);

  await page.getByRole('button', { name: 'Byt organisation' }).click();
  await page.getByRole('radio', { name: /Region Testland/ }).check();
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(page.getByTestId('header-organisation')).toHaveText('Region Testland');
  await expect(count(page)).toContainText(/Visar \d/, { timeout: 20_000 });
  const region = await shownHsaIds(page);
  expect(region.length).toBeGreaterThan(0);
  expect(region.every((h) => h.startsWith('SE2321000131-'))).toBe(true);

  // The next login preselects the one used last.
  await logOut(page);
  await loginWithCard(page, lab.pin);
  await expect(page.getByRole('radio', { name: /Region Testland/ })).toBeChecked();
});

const clockDir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-e2e-expiry-'));
const CLOCK_FILE = path.join(clockDir, 'now');
const MAIL_LOG = path.join(clockDir, 'mail.jsonl');

test.describe('time-limited permissions', () => {
  test.use({
    backendArgs: [
      '--expiry-clock-file',
      CLOCK_FILE,
      '--expiry-interval-ms',
      '300',
      '--outbox-interval-ms',
      '300',
      '--mail-log',
      MAIL_LOG,
    ],
  });
  test.afterAll(() => rmSync(clockDir, { recursive: true, force: true }));

  test('a permission with an end date ends on that date, once, with one audit entry and one mail', async ({
    app,
    lab,
    backend,
  }) => {
    const { page } = app;
    await insertCardAndLogIn(page, lab);
    await expect(count(page)).toContainText(/Visar \d/, { timeout: 20_000 });
    const hsaId = (await shownHsaIds(page))[0]!;
    await page.getByLabel('Sök', { exact: true }).fill(hsaId);
    await expect(count(page)).toContainText('Visar 1 av');
    await page.locator('.admin-grid .ag-row [col-id="givenName"] button').first().click();
    await page.getByRole('button', { name: 'Ändra och lägg till behörigheter' }).click();
    await page.getByRole('button', { name: 'Ansök om statlig ersättning' }).click();
    const group = page.getByRole('group', { name: 'Behörigheter i Ansök om statlig ersättning' });
    await group.getByLabel('Attestera ansökan').check();
    const row = group.locator('.admin-permission-row', { hasText: 'Attestera ansökan' });
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
    // Today is refused in Swedish before anything is sent.
    await row.getByLabel('Slutdatum').fill(today);
    await page.getByRole('button', { name: 'Klar' }).click();
    await expect(page.getByText('Slutdatum för Attestera ansökan måste vara ett datum efter i dag.')).toBeVisible();
    const tomorrow = new Date(`${today}T12:00:00Z`);
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
    const endsOn = tomorrow.toISOString().slice(0, 10);
    await row.getByLabel('Slutdatum').fill(endsOn);
    await page.getByRole('button', { name: 'Klar' }).click();
    await expect(page.locator('.admin-permission-group')).toContainText(`Attestera ansökan (upphör ${endsOn})`);
    // The list flags it: it ends within 14 days.
    await page.getByRole('button', { name: 'Tillbaka till användare' }).click();
    await expect(page.locator('.admin-grid .ag-row [col-id="permissions"]').first()).toContainText(
      `Upphör ${endsOn}: Attestera ansökan`,
    );

    const db = new Database(backend.dbFile, { readonly: true, fileMustExist: true, timeout: 5_000 });
    const userId = db.prepare('select id, email from users where hsa_id = ?').get(hsaId) as { id: string; email: string };
    const endedRows = () =>
      (
        db
          .prepare(`select count(*) as n from audit_log where action = 'user.permission-ended' and target_id = ?`)
          .get(userId.id) as { n: number }
      ).n;
    const mails = () =>
      readFileSync(MAIL_LOG, { encoding: 'utf8', flag: 'a+' })
        .split('\n')
        .filter((l) => l.includes('En behörighet har upphört'))
        .map((l) => JSON.parse(l) as { to: string; body: string });
    try {
      // The day before: nothing happens (several runs of the job).
      writeFileSync(CLOCK_FILE, `${today}T12:00:00+01:00`);
      await page.waitForTimeout(1_500);
      expect(endedRows()).toBe(0);
      // 00:30 Swedish time on the end date.
      writeFileSync(CLOCK_FILE, `${endsOn}T00:30:00+01:00`);
      await expect.poll(endedRows, { timeout: 15_000 }).toBe(1);
      await expect.poll(() => mails().length, { timeout: 15_000 }).toBe(1);
      // Many more runs later: still once.
      await page.waitForTimeout(2_000);
      expect(endedRows()).toBe(1);
      expect(mails()).toEqual([
        expect.objectContaining({ to: userId.email, body: expect.stringContaining('”Attestera ansökan”') }),
      ]);
    } finally {
      db.close();
    }
    // The program shows it gone (the user view reads the user again).
    await page.getByLabel('Sök', { exact: true }).fill(hsaId);
    await expect(count(page)).toContainText('Visar 1 av');
    await page.locator('.admin-grid .ag-row [col-id="givenName"] button').first().click();
    await expect(page.locator('.admin-permission-group')).not.toContainText('Attestera ansökan');
  });
});
