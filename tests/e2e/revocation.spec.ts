import { expect, test, waitForCardReady } from './support/card-fixtures';

// The login view says, before any PIN, whether the card's certificate is revoked: the lab's OCSP
// responder answers for the card in the reader.
test('the revoked card is shown as återkallat before the PIN', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'revoked' });
  await waitForCardReady(page);
  await expect(page.getByTestId('card-fact-revocation')).toContainText('återkallat (spärrat)', { timeout: 20_000 });
  // The login button is off, and says why (the session in main refuses the same card, certificate-revoked).
  const button = page.getByRole('button', { name: 'Logga in' });
  await expect(button).toBeDisabled();
  await expect(page.getByTestId('login-blocked-reason')).toHaveAttribute('data-code', 'certificate-revoked');
  await expect(button).toHaveAccessibleDescription(/återkallat/);
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
    // A warning, not a blocker: the service asks again at login and decides by its own policy.
    await expect(page.getByRole('button', { name: 'Logga in' })).toBeEnabled();
  } finally {
    await lab.setRevocation({ ocsp: 'up', crl: 'up' });
  }
});
