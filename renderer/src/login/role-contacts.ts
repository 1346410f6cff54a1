import type { AppError } from '../../../common/errors/error-codes';

/** One authorised orderer or administrator a refused user can turn to (source 004). */
export interface RoleContact {
  organisation: string;
  role: 'administrator' | 'authorised-orderer';
  givenName: string;
  surname: string;
  email: string;
}

/**
 * The contacts a refused login carries (main flattens them into the error's details as
 * contact.N.organisation, .role, .givenName, .surname, .email), in order; incomplete ones are left out.
 */
export function roleContacts(error: AppError | null): RoleContact[] {
  if (error?.code !== 'login-not-authorised' || !error.details) return [];
  const details = error.details;
  const contacts: RoleContact[] = [];
  for (let i = 0; details[`contact.${i}.organisation`] !== undefined; i++) {
    const get = (key: string) => details[`contact.${i}.${key}`];
    const role = get('role');
    const [organisation, givenName, surname, email] = [get('organisation'), get('givenName'), get('surname'), get('email')];
    if (role !== 'administrator' && role !== 'authorised-orderer') continue;
    if (organisation === undefined || givenName === undefined || surname === undefined || email === undefined) continue;
    contacts.push({ organisation, role, givenName, surname, email });
  }
  return contacts;
}
