import { expect, loginWithCard, test, waitForCardReady } from './support/card-fixtures';

// Faults a workstation does to the program mid-session, with the real stack: each ends in a clear
// message and a state the user can go on from, with no access left behind.

test('pcscd killed mid-session: the session ends with a message, and after it is back the card logs in again', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await loginWithCard(page, lab.pin);
  await lab.stopService();
  try {
    await expect(page.getByTestId('session-header')).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByTestId('logout-reason')).toBeVisible();
    await expect(page.getByTestId('card-status')).toHaveAttribute('data-status', 'no-service', { timeout: 15_000 });
  } finally {
    await lab.startService();
  }
  await lab.insert({ profile: 'valid' });
  await loginWithCard(page, lab.pin);
  await expect(page.getByTestId('header-organisation')).toHaveText('Testkommunen');
});

test('another card swapped in mid-session ends the session; the new card must log in itself', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await loginWithCard(page, lab.pin);
  // insert() pulls the card and puts another one in.
  await lab.insert({ profile: 'valid', person: { givenName: 'Bo', surname: 'Testsson', hsaId: 'SE2321000016-B2C3', organisation: 'Testkommunen' } });
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
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.getByLabel('PIN-kod för legitimering').fill(lab.pin);
  await page.getByRole('dialog').getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'card-removed', { timeout: 15_000 });
  await expect(page.getByTestId('session-header')).toHaveCount(0);
  await lab.setFault(null);
  await lab.insert({ profile: 'valid' });
  await loginWithCard(page, lab.pin);
});
