import Database from 'better-sqlite3';
import { expect, loginWithCard, insertCardAndLogIn, submitLogin, test, waitForCardReady } from './support/card-fixtures';

// The administrator's first minute: card status, PIN, signed challenge, session, troubleshooting,
// against the card lab (OpenSC over the virtual card) and the reference backend.

/** Sessions the backend holds for an administrator (the token itself is never visible to tests). */
function activeSessions(dbFile: string, hsaId: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE administrator_hsa_id = ?').get(hsaId) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

test('logs in with the valid card and shows organisation, name and "Logga ut"', async ({ app, lab }) => {
  const { page } = app;
  await expect(page.getByTestId('card-status')).toHaveAttribute('data-status', 'insert-card', { timeout: 20_000 });
  await lab.insert({ profile: 'valid' });
  await waitForCardReady(page);
  await expect(page.getByTestId('card-status')).toContainText('SE2321000016-A1B2');
  await expect(page.getByTestId('card-fact-validity')).toContainText('Certifikatet gäller till');
  await loginWithCard(page, lab.pin);
  await expect(page.getByTestId('header-organisation')).toHaveText('Testkommunen');
  await expect(page.getByTestId('header-user')).toContainText('Alva Testsson');
  await expect(page.getByRole('button', { name: 'Logga ut' })).toBeVisible();
});

test('logs in after "Läs in kortet på nytt" on the same card', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await waitForCardReady(page);
  await page.getByRole('button', { name: 'Felsökning och diagnostik' }).click();
  await page.getByRole('button', { name: 'Läs in kortet på nytt' }).click();
  await expect(page.getByTestId('diagnostics-notice')).toContainText('Kortet är inläst på nytt', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Tillbaka' }).click();
  await loginWithCard(page, lab.pin);
  await expect(page.getByTestId('header-user')).toContainText('Alva Testsson');
});

test('a wrong PIN shows the tries left, and the third locks the card', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await waitForCardReady(page);
  await page.getByRole('button', { name: 'Logga in' }).click();
  const dialog = page.getByRole('dialog');
  const pin = page.getByLabel('PIN-kod för legitimering');
  await pin.fill('000000');
  await dialog.getByRole('button', { name: 'Logga in' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Fel PIN-kod');
  await expect(pin).toHaveValue('');
  await pin.fill('000000');
  await dialog.getByRole('button', { name: 'Logga in' }).click();
  await expect(dialog.getByRole('alert')).toContainText('1 försök kvar');
  await expect(dialog.getByRole('note')).toContainText('Ett försök kvar');
  await pin.fill('000000');
  await dialog.getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'pin-locked');
  await expect(page.getByTestId('login-error')).toContainText('PIN-koden är låst');
  await expect(page.getByTestId('card-fact-pin')).toContainText('PIN-koden är låst');
  await expect(page.getByRole('button', { name: 'Logga in' })).toBeDisabled();
  expect(await lab.pinTriesLeft()).toBe(0);
});

test('the expired card is stopped before the PIN, with the reason', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'expired' });
  await waitForCardReady(page);
  await expect(page.getByTestId('card-fact-validity')).toContainText('Certifikatet gick ut');
  await expect(page.getByRole('button', { name: 'Logga in' })).toBeDisabled();
  await expect(page.getByTestId('troubleshooting').locator('[data-step="validity"]')).toHaveAttribute('data-check', 'problem');
});

test('the untrusted card is stopped before the PIN, with the reason', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'untrusted' });
  await waitForCardReady(page);
  await expect(page.getByTestId('card-fact-trust')).toContainText('inte utfärdat av en betrodd utfärdare');
  await expect(page.getByRole('button', { name: 'Logga in' })).toBeDisabled();
});

test('removing the card logs out at once', async ({ app, lab }) => {
  const { page } = app;
  await insertCardAndLogIn(page, lab);
  await lab.remove();
  await expect(page.getByTestId('logout-reason')).toContainText('kortet togs ut', { timeout: 15_000 });
  await expect(page.getByTestId('session-header')).toHaveCount(0);
});

test('"Logga ut" ends the session on the backend too', async ({ app, lab, backend }) => {
  const { page } = app;
  await insertCardAndLogIn(page, lab);
  expect(activeSessions(backend.dbFile, lab.hsaId)).toBe(1);
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page.getByTestId('logout-reason')).toContainText('Du är utloggad');
  await expect.poll(() => activeSessions(backend.dbFile, lab.hsaId)).toBe(0);
});

test('with the backend down the login says so and shows the troubleshooting steps; once it is back the card logs in', async ({
  app,
  lab,
  backend,
}) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await waitForCardReady(page);
  await backend.stop();
  await submitLogin(page, lab.pin);
  await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'backend-unreachable');
  await expect(page.getByTestId('login-error')).toContainText('Tjänsten gick inte att nå');
  const steps = page.getByTestId('troubleshooting').locator('li');
  await expect(steps).toHaveCount(8);
  await expect(steps.first()).toContainText('Försök igen om ett par minuter');
  await expect(page.getByTestId('troubleshooting').locator('[data-step="service"]')).toHaveAttribute('data-check', 'problem');
  await expect(page.getByTestId('troubleshooting').locator('[data-step="seated"]')).toHaveAttribute('data-check', 'ok');
  // The PIN was not used up: the card signed, the backend was not there.
  expect(await lab.pinTriesLeft()).toBe(3);
  await backend.start();
  await page.getByRole('button', { name: 'Försök igen' }).click();
  await page.getByLabel('PIN-kod för legitimering').fill(lab.pin);
  await page.getByRole('dialog').getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByTestId('session-header')).toBeVisible({ timeout: 20_000 });
});

test('no PIN in any log, page state or message from main after it reaches the card process', async ({ app, lab }) => {
  const { page } = app;
  const fromMain: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', (frame) => fromMain.push(String(frame.payload))));
  await page.reload();
  await lab.insert({ profile: 'valid' });
  // A wrong PIN first (it travels through errors and retries), then the right one.
  await submitLogin(page, '987654');
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText('Fel PIN-kod');
  await page.getByLabel('PIN-kod för legitimering').fill(lab.pin);
  await page.getByRole('dialog').getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByTestId('session-header')).toBeVisible({ timeout: 20_000 });

  const pageState = await page.evaluate(() =>
    JSON.stringify({
      html: document.documentElement.outerHTML,
      local: { ...localStorage },
      session: { ...sessionStorage },
      inputs: Array.from(document.querySelectorAll('input'), (input) => input.value),
    }),
  );
  for (const pin of [lab.pin, '987654']) {
    const exact = new RegExp(`(?<!\\d)${pin}(?!\\d)`);
    expect(app.mainLog()).not.toMatch(exact);
    expect(pageState).not.toMatch(exact);
    expect(fromMain.join('\n')).not.toMatch(exact);
  }
  expect(app.mainLog()).toContain('logged-in');
});
