import { IMPOSTOR_READER_INDEX, LAB_PERSON } from '../cardlab/index';
import { expect, test, waitForCardReady } from './support/card-fixtures';

// Impostor readers (issue 18): a reader named like Windows' TPM virtual smart cards ("Microsoft Virtual
// Smart Card 00 00" in the lab) holds a valid card. The login view never offers it; diagnostics name
// the reader as ignored, and why, instead of dropping it silently.

const IMPOSTOR_PERSON = { ...LAB_PERSON, givenName: 'Ingrid', hsaId: 'SE2321000016-I9I9' };

test.afterEach(async ({ lab }) => {
  await lab.remove(IMPOSTOR_READER_INDEX).catch(() => undefined);
});

test('en läsare med namn som ett virtuellt smartkort visas aldrig vid inloggningen men nämns i felsökningen', async ({
  app,
  lab,
}) => {
  const { page } = app;
  await lab.insert({ profile: 'valid', reader: IMPOSTOR_READER_INDEX, person: IMPOSTOR_PERSON });
  await lab.insert({ profile: 'valid', reader: 0 });
  await waitForCardReady(page);
  const status = page.getByTestId('card-status');
  await expect(status).toContainText(`Läsare: ${lab.readers[0]}`);
  await expect(page.locator('body')).not.toContainText('Microsoft Virtual Smart Card');
  await expect(page.locator('body')).not.toContainText(IMPOSTOR_PERSON.hsaId);

  // The only card a login could use goes: the impostor's valid card does not take its place.
  await lab.remove(0);
  await expect(status).toHaveAttribute('data-status', 'insert-card', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Logga in' })).toBeDisabled();
  await expect(page.locator('body')).not.toContainText(IMPOSTOR_PERSON.hsaId);

  await page.getByRole('button', { name: 'Felsökning och diagnostik' }).click();
  const reader = page.getByTestId('check-reader');
  await expect(reader.getByTestId('check-notes')).toContainText(
    `Kortläsaren "${lab.impostorReader}" används inte: namnet matchar "Microsoft Virtual Smart Card*"`,
    { timeout: 20_000 },
  );
  await expect(reader.getByTestId('check-notes')).toContainText('Windows Hello och virtuella smartkort');
  await expect(page.getByTestId('check-card')).toHaveAttribute('data-status', 'fail');
});
