import { describe, expect, it } from 'vitest';
import { makeUser, ORGANISATION } from '../../../tests/renderer/admin-fakes';
import { USER_COLUMN_IDS } from './user-columns';
import { CSV_SEPARATOR, csvCellText, csvFileName } from './user-csv';

const texts = { never: 'Aldrig inloggad', inactive: 'Inaktiv' };

describe('CSV export', () => {
  it('exports each column as the list shows it', () => {
    const user = makeUser({
      id: 'a1',
      givenName: 'Åsa',
      surname: 'Öberg',
      permissions: { 'statlig-ersattning': ['attestera'] },
      lastLoginAt: new Date(2023, 10, 30, 8).toISOString(),
      inactive: true,
    });
    const row = USER_COLUMN_IDS.map((id) => csvCellText(id, user, ORGANISATION, texts));
    expect(row).toEqual([
      'Åsa',
      'Öberg',
      'SE2321000016-A1',
      'a1@testkommunen.se',
      'Ansök om statlig ersättning: Attestera ansökan',
      '2023-11-30 (Inaktiv)',
    ]);
  });

  it('defuses formula injection in free-text names', () => {
    const user = makeUser({ id: 'x', givenName: '=cmd|" /C calc"!A0', surname: '@SUM(1)' });
    expect(csvCellText('givenName', user, ORGANISATION, texts)).toBe(`'=cmd|" /C calc"!A0`);
    expect(csvCellText('surname', user, ORGANISATION, texts)).toBe(`'@SUM(1)`);
  });

  it('gives nothing for a row without data or an unknown column', () => {
    expect(csvCellText('givenName', undefined, ORGANISATION, texts)).toBe('');
    expect(csvCellText('other', makeUser({ id: 'y' }), ORGANISATION, texts)).toBe('');
  });

  it('uses the Swedish separator and a dated file name', () => {
    expect(CSV_SEPARATOR).toBe(';');
    expect(csvFileName('anvandare', new Date(2025, 0, 9))).toBe('anvandare-2025-01-09.csv');
  });
});
