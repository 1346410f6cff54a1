import { startReferenceBackend } from '../fixtures/reference-backend';
import { expect, insertCardAndLogIn, submitLogin, test } from './support/card-fixtures';
import { labAppEnv } from './support/lab-env';
import { launchApp } from './support/launch-app';

// The origin a login signature is bound to (SHA-256(origin) ‖ SHA-256(nonce)) is a setting on both
// sides: the client's `origin` (here BEHORIGHETSADMIN_ORIGIN) and the backend's --origin. Neither spec
// uses the default (https://behorighetsadmin.test), so a value hard-wired on either side shows up here.

const AGENCY_ORIGIN = 'https://behorighet.myndighet.example:8443';

async function startWithOrigins(lab: { caCertificatesPath: string; pkcs11Module: string }, client: string, server: string) {
  const backend = await startReferenceBackend({ caCertificates: lab.caCertificatesPath, args: ['--origin', server] });
  try {
    const app = await launchApp({ env: labAppEnv(lab, backend, { BEHORIGHETSADMIN_ORIGIN: client }) });
    return {
      app,
      close: async () => {
        await app.close();
        await backend.dispose();
      },
    };
  } catch (error) {
    await backend.dispose();
    throw error;
  }
}

test('logs in with a non-default origin set on the client and on the backend', async ({ lab }) => {
  await lab.remove().catch(() => undefined);
  const { app, close } = await startWithOrigins(lab, AGENCY_ORIGIN, AGENCY_ORIGIN);
  try {
    await insertCardAndLogIn(app.page, lab);
    await expect(app.page.getByTestId('header-user')).toContainText('Alva Testsson');
  } finally {
    await close();
  }
});

test('a login whose origin differs from the backend’s is refused as login-origin-mismatch', async ({ lab }) => {
  await lab.remove().catch(() => undefined);
  const { app, close } = await startWithOrigins(lab, 'https://annan.kommun.example', AGENCY_ORIGIN);
  try {
    const { page } = app;
    await lab.insert({ profile: 'valid' });
    await submitLogin(page, lab.pin);
    await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'login-origin-mismatch', { timeout: 20_000 });
    await expect(page.getByTestId('session-header')).toHaveCount(0);
  } finally {
    await close();
  }
});
