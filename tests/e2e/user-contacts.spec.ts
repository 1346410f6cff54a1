import Database from 'better-sqlite3';
import { LAB_PERSON } from '../cardlab/index';
import { expect, submitLogin, test } from './support/card-fixtures';

// Issue 19, source 004: "Användare … kan se vilka som är behörig beställare och administratörer hos
// sin arbetsgivare". A user (not an administrator) who logs in with their card is refused, and the
// refusal names their organisation's authorised orderer and administrators (the demo data's).

test('a user who logs in with their card sees who their organisation’s orderer and administrators are', async ({
  app,
  lab,
  backend,
}) => {
  const { page } = app;
  const db = new Database(backend.dbFile, { readonly: true, fileMustExist: true, timeout: 5_000 });
  const user = (() => {
    try {
      return db
        .prepare(
          `select hsa_id, given_name, surname from users where organisation_id = 'kommun-testkommunen' order by hsa_id limit 1`,
        )
        .get() as { hsa_id: string; given_name: string; surname: string };
    } finally {
      db.close();
    }
  })();
  await lab.insert({
    profile: 'valid',
    person: { ...LAB_PERSON, hsaId: user.hsa_id, givenName: user.given_name, surname: user.surname },
  });
  await submitLogin(page, lab.pin);

  await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'login-not-authorised', { timeout: 20_000 });
  const contacts = page.getByRole('region', { name: 'Vem du kan vända dig till' });
  await expect(contacts).toContainText('Du är registrerad som användare, inte som administratör.');
  const entries = contacts.getByRole('listitem');
  await expect(entries).toHaveText([
    'Olle Beställarsson, behörig beställare i Testkommunen: olle.bestallarsson@testkommunen.se',
    'Alva Testsson, administratör i Testkommunen: alva.testsson@testkommunen.se',
    'Bo Testsson, administratör i Testkommunen: bo.testsson@testkommunen.se',
  ]);
  await expect(page.getByTestId('session-header')).toBeHidden();
});
