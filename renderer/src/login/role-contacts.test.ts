import { describe, expect, it } from 'vitest';
import { roleContacts } from './role-contacts';

const olle = {
  'contact.0.organisation': 'Testkommunen',
  'contact.0.role': 'authorised-orderer',
  'contact.0.givenName': 'Olle',
  'contact.0.surname': 'Beställarsson',
  'contact.0.email': 'olle@testkommunen.se',
};

describe('roleContacts', () => {
  it("reads a refused user's contacts from the error's details, in order", () => {
    const details = {
      status: '401',
      apiCode: 'not-authorised',
      ...olle,
      'contact.1.organisation': 'Testkommunen',
      'contact.1.role': 'administrator',
      'contact.1.givenName': 'Alva',
      'contact.1.surname': 'Testsson',
      'contact.1.email': 'alva@testkommunen.se',
    };
    expect(roleContacts({ code: 'login-not-authorised', details })).toEqual([
      {
        organisation: 'Testkommunen',
        role: 'authorised-orderer',
        givenName: 'Olle',
        surname: 'Beställarsson',
        email: 'olle@testkommunen.se',
      },
      {
        organisation: 'Testkommunen',
        role: 'administrator',
        givenName: 'Alva',
        surname: 'Testsson',
        email: 'alva@testkommunen.se',
      },
    ]);
  });

  it('gives none for another error, none without details, and leaves out an unknown role', () => {
    expect(roleContacts({ code: 'certificate-expired', details: olle })).toEqual([]);
    expect(roleContacts({ code: 'login-not-authorised' })).toEqual([]);
    expect(roleContacts(null)).toEqual([]);
    expect(roleContacts({ code: 'login-not-authorised', details: { ...olle, 'contact.0.role': 'king' } })).toEqual([]);
  });
});
