import Database from 'better-sqlite3';
import { expect, loginWithCard, insertCardAndLogIn, submitLogin, test, waitForCardReady } from './support/card-fixtures';
import { launchApp } from './support/launch-app';
import { labAppEnv } from './support/lab-env';

// Faults a workstation does to the program mid-session, with the real stack: each ends in a clear
// message and a state the user can go on from, with no access left behind.

test('pcscd killed mid-session: the session ends with a message, and after it is back the card logs in again', async ({
  app,
  lab,
}) => {
  const { page } = app;
  await insertCardAndLogIn(page, lab);
  await lab.stopService();
  try {
    await expect(page.getByTestId('session-header')).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByTestId('logout-reason')).toBeVisible();
    await expect(page.getByTestId('card-status')).toHaveAttribute('data-status', 'no-service', { timeout: 15_000 });
  } finally {
    await lab.startService();
  }
  await insertCardAndLogIn(page, lab);
  await expect(page.getByTestId('header-organisation')).toHaveText('Testkommunen');
});

test('another card swapped in mid-session ends the session; the new card must log in itself', async ({ app, lab }) => {
  const { page } = app;
  await insertCardAndLogIn(page, lab);
  // insert() pulls the card and puts another one in.
  await lab.insert({
    profile: 'valid',
    person: { givenName: 'Bo', surname: 'Testsson', hsaId: 'SE2321000016-B2C3', organisation: 'Testkommunen' },
  });
  await expect(page.getByTestId('session-header')).toHaveCount(0, { timeout: 15_000 });
  await waitForCardReady(page);
  await expect(page.getByTestId('card-status')).toContainText('SE2321000016-B2C3');
  await loginWithCard(page, lab.pin);
  await expect(page.getByTestId('header-user')).toContainText('Bo Testsson');
});

test('the card pulled while the PIN is being checked gives "card removed", and the program goes on', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await waitForCardReady(page);
  await lab.setFault({ on: 'sign', action: 'disconnect' });
  await submitLogin(page, lab.pin);
  await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'card-removed', { timeout: 15_000 });
  await expect(page.getByTestId('session-header')).toHaveCount(0);
  await lab.setFault(null);
  await insertCardAndLogIn(page, lab);
});

test('the session expiring mid-edit loses no input: the form keeps its values and saves after logging in again', async ({
  app,
  lab,
  backend,
}) => {
  const { page } = app;
  await insertCardAndLogIn(page, lab);
  await page.getByRole('button', { name: 'Lägg till användare' }).click();
  const form = page.getByRole('dialog', { name: 'Lägg till användare' });
  await form.getByLabel('Förnamn').fill('Greta');
  await form.getByLabel('Efternamn').fill('Sessionsdotter');
  await form.getByLabel('HSA-id').fill('SE2321000016-EXP1');
  await form.getByLabel('E-post').fill('greta.sessionsdotter@testkommunen.se');

  // The backend ends every session (as its idle timeout would) while the form is open.
  const db = new Database(backend.dbFile);
  db.prepare('DELETE FROM sessions').run();
  db.close();
  await form.getByRole('button', { name: 'Spara' }).click();

  const relogin = page.getByTestId('relogin-dialog');
  await expect(relogin).toBeVisible({ timeout: 15_000 });
  await expect(relogin).toContainText('Sessionen har gått ut');
  await relogin.getByRole('button', { name: 'Logga in' }).click();
  await page.getByLabel('PIN-kod för legitimering').fill(lab.pin);
  await page.getByRole('dialog', { name: 'Ange PIN-kod' }).getByRole('button', { name: 'Logga in' }).click();
  await expect(relogin).toBeHidden({ timeout: 20_000 });

  await expect(form.getByLabel('Förnamn')).toHaveValue('Greta');
  await expect(form.getByLabel('HSA-id')).toHaveValue('SE2321000016-EXP1');
  await form.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByText('Greta Sessionsdotter har lagts till')).toBeVisible({ timeout: 15_000 });
  const check = new Database(backend.dbFile, { readonly: true });
  const row = check.prepare('SELECT given_name FROM users WHERE hsa_id = ?').get('SE2321000016-EXP1') as
    { given_name: string } | undefined;
  check.close();
  expect(row?.given_name).toBe('Greta');
});

test('pulling the card while asked to log in again gives up the kept window', async ({ app, lab, backend }) => {
  const { page } = app;
  await insertCardAndLogIn(page, lab);
  // The list's first page is read in the session; only then does the session end.
  await expect(page.getByTestId('user-count')).not.toBeEmpty();
  const db = new Database(backend.dbFile);
  db.prepare('DELETE FROM sessions').run();
  db.close();
  await page.getByRole('button', { name: 'Lägg till användare' }).click();
  const form = page.getByRole('dialog', { name: 'Lägg till användare' });
  await form.getByLabel('Förnamn').fill('X');
  await form.getByLabel('Efternamn').fill('Y');
  await form.getByLabel('HSA-id').fill('SE2321000016-EXP2');
  await form.getByLabel('E-post').fill('x.y@testkommunen.se');
  await form.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByTestId('relogin-dialog')).toBeVisible({ timeout: 15_000 });
  await lab.remove();
  await expect(page.getByTestId('relogin-dialog')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByRole('dialog', { name: 'Lägg till användare' })).toHaveCount(0);
  await expect(page.getByTestId('logout-reason')).toContainText('kortet togs ut');
});

test('with the "lock" card-removal policy, pulling the card locks the window; the card and PIN open it again', async ({
  lab,
  backend,
}) => {
  const app = await launchApp({ env: labAppEnv(lab, backend, { BEHORIGHETSADMIN_CARD_REMOVAL: 'lock' }) });
  try {
    const { page } = app;
    await insertCardAndLogIn(page, lab);
    await lab.remove();
    await expect(page.getByTestId('logout-reason')).toContainText('Programmet är låst', { timeout: 15_000 });
    await expect(page.getByTestId('logout-reason')).toContainText('Alva Testsson');
    await expect(page.getByTestId('session-header')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Lägg till användare' })).toHaveCount(0);
    await insertCardAndLogIn(page, lab);
    await expect(page.getByTestId('header-user')).toContainText('Alva Testsson');
  } finally {
    await app.close();
  }
});
