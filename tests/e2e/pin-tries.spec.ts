import { expect, test, waitForCardReady } from './support/card-fixtures';

// PIN tries before the first attempt: the login view, the PIN dialog and the diagnostics show the
// lab card's own retry counter (read over PC/SC) before any PIN is typed.

for (const tries of [3, 2, 1]) {
  test(`visar ${tries} försök kvar innan någon PIN-kod har angetts`, async ({ app, lab }) => {
    const { page } = app;
    await lab.insert({ profile: 'valid', pinTriesLeft: tries });
    await waitForCardReady(page);
    const counter = await lab.pinTriesLeft();
    expect(counter).toBe(tries);
    await expect(page.getByTestId('card-fact-pin')).toContainText(`PIN-koden: ${counter} försök kvar`);

    await page.getByRole('button', { name: 'Logga in' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('pin-tries')).toContainText(`${counter} försök kvar`);
    await expect(dialog.getByTestId('pin-tries')).toHaveAttribute('data-tries-left', String(counter));
    await dialog.getByRole('button', { name: 'Avbryt' }).click();

    await page.getByRole('button', { name: 'Felsökning och diagnostik' }).click();
    await expect(page.getByTestId('check-pin-state').getByTestId('check-message')).toContainText(`${counter} försök kvar`, {
      timeout: 20_000,
    });
    // Looking was no attempt.
    expect(await lab.pinTriesLeft()).toBe(tries);
  });
}

test('ett låst kort med låst PUK-kod hänvisar till organisationens kortadministratör', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'puk-blocked' });
  await waitForCardReady(page);
  await expect(page.getByTestId('card-fact-pin')).toContainText('Bara organisationens kortadministratör');
  await expect(page.getByRole('button', { name: 'Logga in' })).toBeDisabled();
});
