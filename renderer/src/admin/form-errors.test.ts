import { describe, expect, it } from 'vitest';
import { changedFields, EMPTY_USER_FORM, formErrorsFromAppError, validateUserForm } from './form-errors';

const t = (key: string) => `«${key}»`;
const valid = { givenName: ' Anna ', surname: 'Andersson', hsaId: 'se2321000016-abc1', email: 'anna@kommun.se' };

describe('the user form validates with the server schema', () => {
  it('requires every field, in Swedish', () => {
    const result = validateUserForm(EMPTY_USER_FORM);
    expect(result).toEqual({
      ok: false,
      fields: {
        givenName: 'Förnamn måste anges',
        surname: 'Efternamn måste anges',
        hsaId: 'HSA-id måste anges',
        email: 'E-postadress måste anges',
      },
    });
  });

  it('rejects a malformed HSA-id and e-mail', () => {
    const result = validateUserForm({ ...valid, hsaId: 'SE12-3', email: 'anna@' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.fields.hsaId).toMatch(/fel format/);
      expect(result.fields.email).toBe('Ogiltig e-postadress');
      expect(result.fields.givenName).toBeUndefined();
    }
  });

  it('normalises as the server does (trim, upper-case HSA-id)', () => {
    expect(validateUserForm(valid)).toEqual({
      ok: true,
      user: { givenName: 'Anna', surname: 'Andersson', hsaId: 'SE2321000016-ABC1', email: 'anna@kommun.se' },
    });
  });
});

describe('server refusals land on the right field', () => {
  it('field messages of validation-failed', () => {
    const out = formErrorsFromAppError(
      { code: 'validation-failed', details: { status: '400', 'field.email': 'Ogiltig e-postadress', 'field.other': 'x' } },
      t,
    );
    expect(out).toEqual({ fields: { email: 'Ogiltig e-postadress' }, message: null });
  });

  it('validation-failed without fields is a form message', () => {
    expect(formErrorsFromAppError({ code: 'validation-failed' }, t)).toEqual({
      fields: {},
      message: '«errors.validation-failed»',
    });
  });

  it('HSA-id in use or belonging to an administrator go on the HSA-id field', () => {
    expect(formErrorsFromAppError({ code: 'hsa-id-in-use' }, t)).toEqual({
      fields: { hsaId: '«errors.hsa-id-in-use»' },
      message: null,
    });
    expect(formErrorsFromAppError({ code: 'hsa-id-is-administrator' }, t).fields.hsaId).toBe('«errors.hsa-id-is-administrator»');
  });

  it('a person who already has a role in the organisation goes on the HSA-id field (appointing an administrator)', () => {
    expect(formErrorsFromAppError({ code: 'hsa-id-has-role' }, t)).toEqual({
      fields: { hsaId: '«errors.hsa-id-has-role»' },
      message: null,
    });
    expect(formErrorsFromAppError({ code: 'hsa-id-is-user' }, t).fields.hsaId).toBe('«errors.hsa-id-is-user»');
  });

  it('anything else is a message for the whole form', () => {
    expect(formErrorsFromAppError({ code: 'session-expired' }, t)).toEqual({ fields: {}, message: '«errors.session-expired»' });
  });
});

describe('Ändra användare sends only what changed', () => {
  const current = { givenName: 'Anna', surname: 'Andersson', hsaId: 'SE2321000016-ABC1', email: 'anna@kommun.se' };
  it('nothing when nothing changed (even if retyped in lower case)', () => {
    const next = validateUserForm({ ...current, hsaId: 'se2321000016-abc1' });
    expect(next.ok && changedFields(current, next.user)).toEqual({});
  });
  it('the changed fields only', () => {
    const next = validateUserForm({ ...current, email: 'anna.a@kommun.se' });
    expect(next.ok && changedFields(current, next.user)).toEqual({ email: 'anna.a@kommun.se' });
  });
});
