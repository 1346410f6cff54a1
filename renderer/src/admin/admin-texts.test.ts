import { describe, expect, it } from 'vitest';
import en from '../i18n/admin.en.json';
import sv from '../i18n/admin.sv.json';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('administration texts', () => {
  it('has the same keys in Swedish and English', () => {
    expect(keys(en).sort()).toEqual(keys(sv).sort());
  });

  it("uses the manual's Swedish labels verbatim", () => {
    expect(sv.users.add).toBe('Lägg till användare');
    expect(sv.users.filterEservices).toBe('Filtrera e-tjänster');
    expect(sv.users.filterPermissions).toBe('Filtrera behörigheter');
    expect(sv.user.current).toBe('Aktuella behörigheter');
    expect(sv.user.editPermissions).toBe('Ändra och lägg till behörigheter');
    expect(sv.permissions.done).toBe('Klar');
    expect(sv.user.editDetails).toBe('Ändra användaruppgifter');
    expect(sv.editUser.title).toBe('Ändra användare');
    expect(sv.common.save).toBe('Spara');
    expect(sv.user.delete).toBe('Ta bort användare');
    expect(sv.delete.ok).toBe('OK');
    expect(sv.user.back).toBe('Tillbaka till användare');
  });
});
