import { expect, test, waitForCardReady } from './support/card-fixtures';

// The login view says, before any PIN, whether the card's certificate is revoked: the lab's OCSP
// responder answers for the card in the reader.
test('the revoked card is shown as återkallat before the PIN', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'revoked' });
  await waitForCardReady(page);
  await expect(page.getByTestId('card-fact-revocation')).toContainText('återkallat (spärrat)', { timeout: 20_000 });
});

test('with the responder and the CRL down, the login view says the status cannot be checked, naming the responder', async ({
  app,
  lab,
}) => {
  const { page } = app;
  await lab.setRevocation({ ocsp: 'down', crl: 'down' });
  try {
    await lab.insert({ profile: 'valid' });
    await waitForCardReady(page);
    const fact = page.getByTestId('card-fact-revocation');
    await expect(fact).toContainText('kan inte kontrolleras', { timeout: 20_000 });
    await expect(fact).toContainText(lab.revocation.ocspUrl);
  } finally {
    await lab.setRevocation({ ocsp: 'up', crl: 'up' });
  }
});
