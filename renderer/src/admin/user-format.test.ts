import { describe, expect, it } from 'vitest';
import { makeUser, ORGANISATION } from '../../../tests/renderer/admin-fakes';
import {
  defuseCsvCell,
  endingSoon,
  formatDate,
  fullName,
  lastLoginText,
  permissionGroups,
  permissionSummary,
} from './user-format';

const texts = { never: 'Aldrig inloggad', inactive: 'Inaktiv' };

describe('permission summary', () => {
  it('names e-services and permissions in catalogue order', () => {
    const user = makeUser({
      id: 'a',
      permissions: { ensamkommande: ['andra-ansvar'], 'statlig-ersattning': ['attestera', 'las-arenden'] },
    });
    expect(permissionSummary(user, ORGANISATION)).toBe(
      'Ansök om statlig ersättning: Läsa ärenden, Attestera ansökan; Se och ändra ansvar för ensamkommande: Ändra ansvar',
    );
  });

  it('is empty without permissions and skips empty e-services', () => {
    expect(permissionSummary(makeUser({ id: 'b', permissions: { ensamkommande: [] } }), ORGANISATION)).toBe('');
  });

  it('keeps an unknown permission id visible rather than dropping it', () => {
    const groups = permissionGroups(makeUser({ id: 'c', permissions: { ensamkommande: ['okand'] } }), ORGANISATION);
    expect(groups).toEqual([
      {
        eserviceId: 'ensamkommande',
        eserviceName: 'Se och ändra ansvar för ensamkommande',
        permissions: [{ id: 'okand', name: 'okand' }],
      },
    ]);
  });

  it('is recomputed for a new user object (the store replaces objects on change)', () => {
    const before = makeUser({ id: 'd', permissions: { ensamkommande: ['se-ansvar'] } });
    expect(permissionSummary(before, ORGANISATION)).toContain('Se ansvar');
    const after = { ...before, permissions: { ensamkommande: ['andra-ansvar'] } };
    expect(permissionSummary(after, ORGANISATION)).toContain('Ändra ansvar');
    expect(permissionSummary(after, ORGANISATION)).not.toContain('Se ansvar');
  });
});

describe('dates and last login', () => {
  it('formats ISO timestamps as Swedish dates in local time', () => {
    const iso = new Date(2024, 2, 5, 13, 0).toISOString();
    expect(formatDate(iso)).toBe('2024-03-05');
    expect(formatDate(null)).toBe('');
    expect(formatDate('not a date')).toBe('');
  });

  it('shows never-logged-in and the inactive flag', () => {
    const iso = new Date(2023, 0, 2, 12).toISOString();
    expect(lastLoginText(makeUser({ id: 'a', lastLoginAt: null }), texts)).toBe('Aldrig inloggad');
    expect(lastLoginText(makeUser({ id: 'a', lastLoginAt: iso }), texts)).toBe('2023-01-02');
    expect(lastLoginText(makeUser({ id: 'a', lastLoginAt: iso, inactive: true }), texts)).toBe('2023-01-02 (Inaktiv)');
    expect(lastLoginText(makeUser({ id: 'a', lastLoginAt: null, inactive: true }), texts)).toBe('Aldrig inloggad (Inaktiv)');
  });

  it('joins the full name', () => {
    expect(fullName({ givenName: 'Åsa', surname: 'Öberg' })).toBe('Åsa Öberg');
  });
});

describe('CSV cells', () => {
  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(defuseCsvCell('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(defuseCsvCell('+46')).toBe(`'+46`);
    expect(defuseCsvCell('-1')).toBe(`'-1`);
    expect(defuseCsvCell('@SUM')).toBe(`'@SUM`);
    expect(defuseCsvCell('Anna')).toBe('Anna');
    expect(defuseCsvCell('')).toBe('');
  });
});

describe('endingSoon', () => {
  it('names the permissions that end within 14 days, soonest first, and not those ended or later', () => {
    const user = makeUser({
      id: 'e1',
      permissions: { 'statlig-ersattning': ['las-arenden', 'registrera-ansokan', 'attestera'], ensamkommande: ['se-ansvar'] },
      endDates: {
        // 14 days on (the last day flagged), 13 days on, and today (ended already).
        'statlig-ersattning': { 'las-arenden': '2026-03-24', 'registrera-ansokan': '2026-03-23', attestera: '2026-03-10' },
        ensamkommande: { 'se-ansvar': '2026-03-12' },
      },
    });
    expect(endingSoon(user, ORGANISATION, '2026-03-10')).toEqual([
      { eserviceName: 'Se och ändra ansvar för ensamkommande', name: 'Se ansvar', endsOn: '2026-03-12' },
      { eserviceName: 'Ansök om statlig ersättning', name: 'Registrera ansökan', endsOn: '2026-03-23' },
      { eserviceName: 'Ansök om statlig ersättning', name: 'Läsa ärenden', endsOn: '2026-03-24' },
    ]);
    expect(endingSoon(user, ORGANISATION, '2026-02-01')).toEqual([]);
    expect(endingSoon(user, ORGANISATION, '2026-03-09').map((p) => p.name)).toEqual([
      'Attestera ansökan',
      'Se ansvar',
      'Registrera ansökan',
    ]);
  });
});
