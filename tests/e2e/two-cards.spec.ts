import type { Page } from '@playwright/test';
import { LAB_PERSON } from '../cardlab/index';
import { expect, loginWithCard, test, waitForCardReady } from './support/card-fixtures';

// Issue 18, several readers and cards, on the real chain (two lab readers, OpenSC, the reference
// backend with its demo administrators, the program over the bridge): every card present is listed,
// the user chooses, a card in the other reader changes nothing in a session, pulling the session's
// card ends it.

const RUT = {
  ...LAB_PERSON,
  givenName: 'Rut',
  surname: 'Regionsson',
  hsaId: 'SE2321000131-R1A1',
  organisation: 'Region Testland',
};
const BO = { ...LAB_PERSON, givenName: 'Bo', surname: 'Testsson', hsaId: 'SE2321000016-B2C3' };

const choiceOf = (page: Page, reader: string) => page.locator(`[data-testid="card-choice"][data-reader="${reader}"]`);

test.afterEach(async ({ lab }) => {
  // The fixture empties the first reader only.
  await lab.remove(1).catch(() => undefined);
});

test('två kort i två läsare: båda listas, det andra väljs och den personen loggar in; ett kort i den andra läsaren ändrar inget; det egna kortet uttaget avslutar sessionen', async ({
  app,
  lab,
}) => {
  const { page } = app;
  await lab.insert({ profile: 'valid', reader: 0 });
  await lab.insert({ profile: 'valid', reader: 1, person: RUT });

  const chooser = page.getByTestId('card-chooser');
  await expect(chooser).toContainText('Det finns 2 kort i kortläsarna', { timeout: 20_000 });
  const alva = page.getByRole('radio', { name: `Alva Testsson (${LAB_PERSON.hsaId})` });
  const rut = page.getByRole('radio', { name: `Rut Regionsson (${RUT.hsaId})` });
  await expect(alva).toBeVisible({ timeout: 20_000 });
  await expect(rut).toBeVisible({ timeout: 20_000 });
  for (const [reader, hsaId] of [
    [lab.readers[0]!, LAB_PERSON.hsaId],
    [lab.readers[1]!, RUT.hsaId],
  ] as const) {
    const card = choiceOf(page, reader);
    await expect(card).toContainText(`HSA-id: ${hsaId}`);
    await expect(card).toContainText(`Läsare: ${reader}`);
    await expect(card.getByTestId('card-choice-validity')).toContainText('Certifikatet gäller till');
    await expect(card.getByTestId('card-choice-status')).toHaveText('Kan användas för inloggning');
  }
  // Both can log in: nothing is chosen for the user.
  await expect(alva).not.toBeChecked();
  await expect(rut).not.toBeChecked();
  await expect(page.getByTestId('card-choice-required')).toHaveText('Välj vilket kort du vill logga in med.');
  await expect(page.getByRole('button', { name: 'Logga in' })).toBeDisabled();

  await rut.check();
  await waitForCardReady(page);
  await expect(page.getByTestId('card-status')).toContainText(RUT.hsaId);
  await expect(page.getByTestId('card-status')).toContainText(`Läsare: ${lab.readers[1]}`);
  await loginWithCard(page, lab.pin);
  await expect(page.getByTestId('header-user')).toContainText(`Rut Regionsson (${RUT.hsaId})`);
  await expect(page.getByTestId('header-organisation')).toHaveText('Region Testland');
  // The PIN went to the chosen card only.
  expect((await lab.status()).readers.map((reader) => reader.card?.pinVerified)).toEqual([false, true]);

  // Another card into the other reader: the program reads it (its certificate's revocation is
  // checked), and the session goes on as it was.
  const revocationChecks = () => (app.mainLog().match(/revocation-checked/g) ?? []).length;
  const checksBefore = revocationChecks();
  await lab.remove(0);
  await lab.insert({ profile: 'valid', reader: 0, person: BO });
  await expect.poll(revocationChecks, { timeout: 20_000 }).toBeGreaterThan(checksBefore);
  await expect(page.getByTestId('session-header')).toBeVisible();
  await expect(page.getByTestId('header-user')).toContainText(`Rut Regionsson (${RUT.hsaId})`);
  await expect(page.getByTestId('user-count')).toContainText(/Visar \d/, { timeout: 20_000 });

  // Pulling the session's card ends the session, as with one reader.
  await lab.remove(1);
  await expect(page.getByTestId('logout-reason')).toContainText('kortet togs ut', { timeout: 15_000 });
  await expect(page.getByTestId('session-header')).toBeHidden();
  // Back at login, the card left in the other reader is the only one: no list, that card.
  await waitForCardReady(page);
  await expect(page.getByTestId('card-status')).toContainText(BO.hsaId);
  await expect(page.getByTestId('card-chooser')).toBeHidden();
});

test('ett giltigt kort bredvid ett utgånget: det giltiga är förvalt och det utgångna säger varför', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'expired', reader: 0 });
  await lab.insert({ profile: 'valid', reader: 1, person: BO });

  const expired = choiceOf(page, lab.readers[0]!);
  await expect(expired.getByTestId('card-choice-status')).toHaveText(
    'Kan inte användas för inloggning: certifikatet har gått ut.',
    { timeout: 20_000 },
  );
  await expect(expired.getByTestId('card-choice-validity')).toContainText('Certifikatet gick ut');
  await expect(choiceOf(page, lab.readers[1]!)).toHaveAttribute('data-default', 'true');
  await expect(page.getByRole('radio', { name: `Bo Testsson (${BO.hsaId})` })).toBeChecked();
  await loginWithCard(page, lab.pin);
  await expect(page.getByTestId('header-user')).toContainText(`Bo Testsson (${BO.hsaId})`);
});
