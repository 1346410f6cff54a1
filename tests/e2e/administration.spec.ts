import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, insertCardAndLogIn, test } from './support/card-fixtures';
import { secondAdministrator } from './admin-second-administrator';
import { expectAccessible } from './support/accessibility';

// The manual's section 4, step by step, against the reference backend (demo seed) with the card
// lab's valid card (Alva Testsson, administrator of Testkommunen).

const count = (page: Page) => page.getByTestId('user-count');

async function shownCount(page: Page): Promise<number> {
  const text = (await count(page).textContent()) ?? '';
  const match = /Visar ([\d\s ]+) av/.exec(text);
  return Number(match![1]!.replace(/\D/g, ''));
}

/** The text of one column in the rendered rows, top to bottom. */
async function columnTexts(page: Page, colId: string): Promise<string[]> {
  const cells = page.locator(`.admin-grid .ag-row [col-id="${colId}"]`);
  const rows = await page
    .locator('.admin-grid .ag-row')
    .evaluateAll((els) => els.map((el) => Number(el.getAttribute('row-index'))).sort((a, b) => a - b));
  const texts = await cells.evaluateAll((els) =>
    els.map((el) => ({ index: Number(el.closest('.ag-row')!.getAttribute('row-index')), text: el.textContent ?? '' })),
  );
  return rows.map((i) => texts.find((t) => t.index === i)?.text ?? '');
}

async function logIn(page: Page, lab: { insert(o: { profile: 'valid' }): Promise<unknown>; pin: string }) {
  await insertCardAndLogIn(page, lab);
  await expect(count(page)).toContainText(/Visar \d/, { timeout: 20_000 });
}

async function openUser(page: Page, hsaId: string): Promise<void> {
  await page.getByLabel('Sök', { exact: true }).fill(hsaId);
  await expect(count(page)).toContainText('Visar 1 av');
  await page.locator('.admin-grid .ag-row [col-id="givenName"] button').first().click();
}

test('the user list: search, sort, Filtrera e-tjänster then Filtrera behörigheter, CSV', async ({ app, lab, backend }) => {
  const { page } = app;
  await logIn(page, lab);
  const bo = await secondAdministrator(backend);
  const users = await bo.users();
  const total = await shownCount(page);
  expect(total).toBe(users.length);
  await expect(count(page)).toHaveText(`Visar ${total.toLocaleString('sv-SE')} av ${total.toLocaleString('sv-SE')} användare`);
  await expectAccessible(page, 'the user list');

  // Sök: any character in any column — an HSA-id, then a piece of an e-mail address.
  const someone = users[7]!;
  const search = page.getByLabel('Sök', { exact: true });
  await search.fill(someone.hsaId.toLowerCase());
  await expect(count(page)).toContainText('Visar 1 av');
  await expect.poll(() => columnTexts(page, 'hsaId')).toEqual([someone.hsaId]);
  const domain = someone.email.split('@')[1]!;
  await search.fill(`@${domain}`);
  // The list asks the server: the count follows once the answer is in.
  await expect.poll(() => shownCount(page)).toBe(users.filter((u) => u.email.includes(`@${domain}`)).length);
  await search.fill('');
  await expect(count(page)).toContainText(`Visar ${total.toLocaleString('sv-SE')} av`);

  // Sortera: the column header, ascending then descending, in Swedish order.
  const surnameHeader = page.getByRole('columnheader', { name: 'Efternamn' });
  await surnameHeader.click();
  await expect(surnameHeader).toHaveAttribute('aria-sort', 'ascending');
  const collator = new Intl.Collator('sv');
  const ascending = users.map((u) => u.surname).sort(collator.compare);
  await expect.poll(async () => (await columnTexts(page, 'surname')).slice(0, 5)).toEqual(ascending.slice(0, 5));
  await surnameHeader.click();
  await expect(surnameHeader).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(async () => (await columnTexts(page, 'surname')).slice(0, 5)).toEqual([...ascending].reverse().slice(0, 5));

  // Keyboard: the grid's cells are reached and moved between with the arrow keys.
  await page.locator('.admin-grid .ag-row[row-index="0"] [col-id="givenName"]').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.admin-grid .ag-row[row-index="1"] [col-id="givenName"]')).toBeFocused();

  // Filtrera e-tjänster, then Filtrera behörigheter (whose choices follow the e-service).
  const permissionFilter = page.getByLabel('Filtrera behörigheter');
  await expect(permissionFilter).toBeDisabled();
  await page.getByLabel('Filtrera e-tjänster').selectOption({ label: 'Ansök om statlig ersättning' });
  await expect(permissionFilter).toBeEnabled();
  const withService = users.filter((u) => (u.permissions['statlig-ersattning'] ?? []).length > 0).length;
  await expect(count(page)).toContainText(`Visar ${withService.toLocaleString('sv-SE')} av`);
  await expect(permissionFilter.locator('option')).toHaveText([
    'Alla behörigheter',
    'Läsa ärenden',
    'Registrera ansökan',
    'Attestera ansökan',
    'Se beslut och utbetalningar',
  ]);
  await permissionFilter.selectOption({ label: 'Attestera ansökan' });
  const attesters = users.filter((u) => (u.permissions['statlig-ersattning'] ?? []).includes('attestera')).length;
  await expect(count(page)).toContainText(`Visar ${attesters.toLocaleString('sv-SE')} av`);
  await expect
    .poll(async () => (await columnTexts(page, 'permissions')).every((text) => text.includes('Attestera ansökan')))
    .toBe(true);
  await page.getByLabel('Filtrera e-tjänster').selectOption({ label: 'Se och ändra ansvar för ensamkommande' });
  await expect(permissionFilter).toHaveValue('');

  // CSV of the filtered list (downloads are observable in the browser driver).
  if (app.mode === 'chromium-bridge') {
    await permissionFilter.selectOption({ label: 'Se ansvar' });
    const shown = users.filter((u) => (u.permissions['ensamkommande'] ?? []).includes('se-ansvar')).length;
    await expect.poll(() => shownCount(page)).toBe(shown);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Exportera lista (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^anvandare-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('"Förnamn";"Efternamn";"HSA-id";"E-post";"Behörigheter";"Senaste inloggning"');
    expect(lines).toHaveLength(shown + 1);
    for (const line of lines.slice(1)) expect(line).toContain('Se ansvar');
  }
});

test('Exportera lista (CSV) with the service gone: the list says so and no file is saved', async ({ app, lab, backend }) => {
  const { page } = app;
  await logIn(page, lab);
  let downloads = 0;
  page.on('download', () => (downloads += 1));
  await backend.stop();
  try {
    await page.getByRole('button', { name: 'Exportera lista (CSV)' }).click();
    await expect(page.getByTestId('export-error')).toHaveText(
      'Listan exporterades inte, ingen fil sparades: Tjänsten gick inte att nå. Kontrollera nätverksanslutningen och försök igen om en stund.',
      { timeout: 45_000 },
    );
    await expect(page.getByRole('button', { name: 'Exportera lista (CSV)' })).toBeEnabled();
    expect(downloads).toBe(0);
  } finally {
    await backend.start();
  }
});

test('Lägg till användare: every validation error, the server refusal on the HSA-id field, then Spara', async ({ app, lab }) => {
  const { page } = app;
  await logIn(page, lab);
  const total = await shownCount(page);
  const addButton = page.getByRole('button', { name: 'Lägg till användare' });
  await addButton.click();
  const dialog = page.getByRole('dialog', { name: 'Lägg till användare' });
  await expect(dialog).toBeVisible();
  const given = dialog.getByLabel('Förnamn');
  await expect(given).toBeFocused();
  await expectAccessible(page, 'the "Lägg till användare" dialog');

  // Spara with nothing filled in: each field says it is mandatory, focus goes to the first.
  await dialog.getByRole('button', { name: 'Spara' }).click();
  await expect(dialog.getByText('Förnamn måste anges')).toBeVisible();
  await expect(dialog.getByText('Efternamn måste anges')).toBeVisible();
  await expect(dialog.getByText('HSA-id måste anges')).toBeVisible();
  await expect(dialog.getByText('E-postadress måste anges')).toBeVisible();
  await expect(given).toBeFocused();
  await expect(given).toHaveAttribute('aria-invalid', 'true');

  // Validated as you type.
  await given.fill('Greta');
  await expect(dialog.getByText('Förnamn måste anges')).toHaveCount(0);
  await dialog.getByLabel('Efternamn').fill('Garbo');
  const hsa = dialog.getByLabel('HSA-id');
  await hsa.fill('SE123');
  await expect(dialog.getByText('HSA-id har fel format (till exempel SE2321000016-A1B2)')).toBeVisible();
  await expect(hsa).toHaveAccessibleDescription(/HSA-id har fel format/);
  const email = dialog.getByLabel('E-post');
  await email.fill('greta@');
  await expect(dialog.getByText('Ogiltig e-postadress')).toBeVisible();
  await email.fill('greta.garbo@testkommunen.se');
  await expect(dialog.getByText('Ogiltig e-postadress')).toHaveCount(0);

  // The server refuses an administrator's HSA-id: the message sits on the HSA-id field.
  await hsa.fill('SE2321000016-B2C3');
  await dialog.getByRole('button', { name: 'Spara' }).click();
  await expect(dialog.getByText('HSA-id:t tillhör en administratör.', { exact: false })).toBeVisible();
  await expect(hsa).toBeFocused();
  await expect(hsa).toHaveAttribute('aria-invalid', 'true');

  // Escape closes without saving, and focus returns to the button.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(addButton).toBeFocused();
  expect(await shownCount(page)).toBe(total);

  await addButton.click();
  await dialog.getByLabel('Förnamn').fill('Greta');
  await dialog.getByLabel('Efternamn').fill('Garbo');
  await dialog.getByLabel('HSA-id').fill('se2321000016-gg01');
  await dialog.getByLabel('E-post').fill('greta.garbo@testkommunen.se');
  await dialog.getByRole('button', { name: 'Spara' }).click();
  await expect(dialog).toHaveCount(0);
  // The new user's view opens, ready for permissions; the list has the user at once.
  await expect(page.getByRole('heading', { level: 2, name: 'Greta Garbo' })).toBeVisible();
  await expect(page.getByText('Greta Garbo har lagts till. Lägg nu till behörigheter för användaren.')).toBeVisible();
  await page.getByRole('button', { name: 'Tillbaka till användare' }).click();
  await expect(count(page)).toContainText(`av ${(total + 1).toLocaleString('sv-SE')} användare`);

  // The same HSA-id again: refused on the HSA-id field.
  await addButton.click();
  await dialog.getByLabel('Förnamn').fill('Greta');
  await dialog.getByLabel('Efternamn').fill('Igen');
  await dialog.getByLabel('HSA-id').fill('SE2321000016-GG01');
  await dialog.getByLabel('E-post').fill('greta2@testkommunen.se');
  await dialog.getByRole('button', { name: 'Spara' }).click();
  await expect(dialog.getByText('HSA-id:t är redan registrerat för en användare.')).toBeVisible();
});

test("the user's view: permissions, Ändra användaruppgifter, Ta bort användare, Ändringslogg", async ({ app, lab, backend }) => {
  const { page } = app;
  await logIn(page, lab);
  const bo = await secondAdministrator(backend);
  const target = (await bo.users()).find((u) => Object.keys(u.permissions).length === 0) ?? (await bo.users())[3]!;
  await bo.setPermissions(target.id, 'statlig-ersattning', ['las-arenden']);
  await bo.setPermissions(target.id, 'ensamkommande', []);
  const total = await shownCount(page);

  await openUser(page, target.hsaId);
  const name = `${target.givenName} ${target.surname}`;
  await expect(page.getByRole('heading', { level: 2, name })).toBeFocused();
  await expect(page.getByRole('heading', { name: 'Aktuella behörigheter' })).toBeVisible();
  await expect(page.locator('.admin-permission-group')).toHaveText(['Ansök om statlig ersättningLäsa ärenden']);
  await expectAccessible(page, "the user's view");

  // Ändra och lägg till behörigheter → e-service → tick → Klar.
  await page.getByRole('button', { name: 'Ändra och lägg till behörigheter' }).click();
  await expect(
    page.getByText('När du klickar på Klar får användaren ett e-postmeddelande om de ändrade behörigheterna.'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Ansök om statlig ersättning' }).click();
  const group = page.getByRole('group', { name: 'Behörigheter i Ansök om statlig ersättning' });
  await expect(group.getByLabel('Läsa ärenden')).toBeChecked();
  await group.getByLabel('Läsa ärenden').uncheck();
  await group.getByLabel('Attestera ansökan').check();
  await group.getByLabel('Registrera ansökan').check();
  await expectAccessible(page, 'Ändra och lägg till behörigheter');
  await page.getByRole('button', { name: 'Klar' }).click();
  await expect(page.getByText(`Behörigheterna har sparats. ${name} får ett e-postmeddelande om ändringen.`)).toBeVisible();
  await expect(page.locator('.admin-permission-group')).toHaveText([
    'Ansök om statlig ersättningRegistrera ansökanAttestera ansökan',
  ]);
  expect((await bo.user(target.id)).permissions['statlig-ersattning']).toEqual(['registrera-ansokan', 'attestera']);

  await page.getByRole('button', { name: 'Ändra och lägg till behörigheter' }).click();
  await page.getByRole('button', { name: 'Se och ändra ansvar för ensamkommande' }).click();
  await page.getByLabel('Se ansvar').check();
  await page.getByRole('button', { name: 'Klar' }).click();
  await expect(page.locator('.admin-permission-group')).toHaveCount(2);

  // Ändra användaruppgifter → "Ändra användare" → Spara.
  const editButton = page.getByRole('button', { name: 'Ändra användaruppgifter' });
  await editButton.click();
  const dialog = page.getByRole('dialog', { name: 'Ändra användare' });
  await expect(dialog.getByLabel('Förnamn')).toHaveValue(target.givenName);
  await expectAccessible(page, 'the "Ändra användare" dialog');
  await dialog.getByLabel('E-post').fill('');
  await expect(dialog.getByText('E-postadress måste anges')).toBeVisible();
  await dialog.getByLabel('E-post').fill('ny.adress@testkommunen.se');
  await dialog.getByRole('button', { name: 'Spara' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(editButton).toBeFocused();
  await expect(page.getByText('Användaruppgifterna har sparats.')).toBeVisible();
  await expect(page.locator('.admin-details')).toContainText('ny.adress@testkommunen.se');

  // The list shows the change at once, and focus returns to the user's row.
  await page.getByRole('button', { name: 'Tillbaka till användare' }).click();
  await expect(page.locator('.admin-grid .ag-row [col-id="email"]').first()).toHaveText('ny.adress@testkommunen.se');
  await expect(page.locator('.admin-grid .ag-row [col-id="permissions"]').first()).toContainText('Se ansvar');
  await expect(page.locator('.admin-grid .ag-row[row-index="0"] [col-id="givenName"]')).toBeFocused();

  // Ändringslogg: the changes, who made them, newest first.
  await page.getByRole('button', { name: 'Ändringslogg' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Ändringslogg' })).toBeVisible();
  const firstRow = page.locator('.admin-table tbody tr').first();
  await expect(firstRow).toContainText('Användaruppgifter ändrade');
  await expect(firstRow).toContainText('ny.adress@testkommunen.se');
  await expect(page.locator('.admin-table tbody tr').nth(1)).toContainText('Behörigheter ändrade');
  await expect(page.locator('.admin-table tbody tr').nth(2)).toContainText('Attestera ansökan');
  await expectAccessible(page, 'Ändringslogg');
  await page.getByRole('button', { name: 'Användare', exact: true }).click();

  // Ta bort användare → confirmation → OK (Escape first: nothing happens).
  await openUser(page, target.hsaId);
  const deleteButton = page.getByRole('button', { name: 'Ta bort användare' });
  await deleteButton.click();
  const confirm = page.getByRole('alertdialog', { name: 'Ta bort användare' });
  await expect(confirm).toContainText(`Vill du ta bort ${name} (${target.hsaId})?`);
  await expect(confirm.getByRole('button', { name: 'Avbryt' })).toBeFocused();
  await expectAccessible(page, 'the delete confirmation');
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(deleteButton).toBeFocused();
  await deleteButton.click();
  await confirm.getByRole('button', { name: 'OK' }).click();
  await expect(page.getByText(`${name} har tagits bort.`)).toBeVisible();
  await expect(count(page)).toContainText(`Visar 0 av ${(total - 1).toLocaleString('sv-SE')} användare`);
  expect((await bo.users()).some((u) => u.id === target.id)).toBe(false);
});

test("a second administrator's change in between is noticed, never overwritten", async ({ app, lab, backend }) => {
  const { page } = app;
  await logIn(page, lab);
  const bo = await secondAdministrator(backend);
  const target = (await bo.users())[11]!;
  await openUser(page, target.hsaId);
  const name = `${target.givenName} ${target.surname}`;
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();

  // Alva opens "Ändra användare"; meanwhile Bo changes the surname.
  await page.getByRole('button', { name: 'Ändra användaruppgifter' }).click();
  const dialog = page.getByRole('dialog', { name: 'Ändra användare' });
  await bo.change(target.id, { surname: 'Bosdotter' });
  await dialog.getByLabel('E-post').fill('alvas.andring@testkommunen.se');
  await dialog.getByRole('button', { name: 'Spara' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'Någon annan har ändrat användaren under tiden. Formuläret visar nu de senaste uppgifterna; gör om din ändring och spara igen.',
  );
  await expect(dialog.getByLabel('Efternamn')).toHaveValue('Bosdotter');
  await expect(dialog.getByLabel('E-post')).toHaveValue(target.email);
  const stored = await bo.user(target.id);
  expect(stored.surname).toBe('Bosdotter');
  expect(stored.email).toBe(target.email);
  // Made again on the fresh data, it goes through and keeps Bo's surname.
  await dialog.getByLabel('E-post').fill('alvas.andring@testkommunen.se');
  await dialog.getByRole('button', { name: 'Spara' }).click();
  await expect(dialog).toHaveCount(0);
  expect(await bo.user(target.id)).toMatchObject({ surname: 'Bosdotter', email: 'alvas.andring@testkommunen.se' });

  // Permissions: Bo grants one while Alva has the boxes open.
  await page.getByRole('button', { name: 'Ändra och lägg till behörigheter' }).click();
  await page.getByRole('button', { name: 'Se och ändra ansvar för ensamkommande' }).click();
  const before = (await bo.user(target.id)).permissions['ensamkommande'] ?? [];
  const bosChoice = before.includes('andra-ansvar') ? before.filter((p) => p !== 'andra-ansvar') : [...before, 'andra-ansvar'];
  await bo.setPermissions(target.id, 'ensamkommande', bosChoice);
  await page.getByLabel('Se personuppgifter').click();
  await page.getByRole('button', { name: 'Klar' }).click();
  await expect(page.getByRole('alert')).toContainText('Någon annan har ändrat användaren under tiden.');
  await expect(page.getByLabel('Ändra ansvar')).toBeChecked({ checked: bosChoice.includes('andra-ansvar') });
  expect((await bo.user(target.id)).permissions['ensamkommande'] ?? []).toEqual(bosChoice);
  await page.getByRole('button', { name: 'Avbryt' }).click();

  // Deleting a user Bo has just changed is refused too, with the fresh data shown.
  await bo.change(target.id, { givenName: 'Bosse' });
  await page.getByRole('button', { name: 'Ta bort användare' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'OK' }).click();
  await expect(page.getByRole('alert')).toContainText('Användaren togs inte bort');
  await expect(page.getByRole('heading', { level: 2, name: 'Bosse Bosdotter' })).toBeVisible();
  expect((await bo.users()).some((u) => u.id === target.id)).toBe(true);

  // And a change Bo made is seen when the user is opened again from the list.
  await bo.change(target.id, { email: 'bos.andring@testkommunen.se' });
  await page.getByRole('button', { name: 'Tillbaka till användare' }).click();
  await page.locator('.admin-grid .ag-row [col-id="givenName"] button').first().click();
  await expect(page.locator('.admin-details')).toContainText('bos.andring@testkommunen.se');
});

test('logging out leaves nothing of the list behind', async ({ app, lab }) => {
  const { page } = app;
  await logIn(page, lab);
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page.locator('.admin-grid')).toHaveCount(0);
  await expect(page.getByTestId('user-count')).toHaveCount(0);
});
