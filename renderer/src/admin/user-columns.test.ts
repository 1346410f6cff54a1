import type { ColDef, ValueFormatterParams, ValueGetterParams } from 'ag-grid-community';
import { describe, expect, it } from 'vitest';
import type { User } from '../../../common/api/schemas';
import { makeUser, ORGANISATION } from '../../../tests/renderer/admin-fakes';
import { DEFAULT_COLUMN, USER_COLUMN_IDS, userColumnTexts, userColumns } from './user-columns';

const t = (key: string) => `«${key}»`;
const Renderer = () => null;
const columns = userColumns({ t, organisation: ORGANISATION, firstNameRenderer: Renderer, lastLoginRenderer: Renderer });
const column = (id: string) => columns.find((c) => c.colId === id)! as ColDef<User>;

const getter = (col: ColDef<User>, data: User) =>
  typeof col.valueGetter === 'function' ? col.valueGetter({ data } as ValueGetterParams<User>) : data[col.field as keyof User];

describe('user list columns', () => {
  it('are first name, last name, HSA-id, e-mail, permissions, last login, with translated headers', () => {
    expect(columns.map((c) => c.colId)).toEqual([...USER_COLUMN_IDS]);
    expect(column('givenName').headerName).toBe('«admin.users.columns.givenName»');
    expect(column('lastLogin').headerName).toBe('«admin.users.columns.lastLogin»');
  });

  it("with several organisations, an organisation column comes first, naming each user's organisation", () => {
    const names = new Map([
      ['kommun-testkommunen', 'Testkommunen'],
      ['region-testland', 'Region Testland'],
    ]);
    const all = userColumns({
      t,
      organisation: ORGANISATION,
      firstNameRenderer: Renderer,
      lastLoginRenderer: Renderer,
      organisationNames: names,
    });
    expect(all.map((c) => c.colId)).toEqual(['organisation', ...USER_COLUMN_IDS]);
    const org = all[0]!;
    expect(org.headerName).toBe('«admin.users.columns.organisation»');
    expect(org.sortable).toBe(false);
    expect(getter(org, makeUser({ id: 'r', organisationId: 'region-testland' }))).toBe('Region Testland');
    expect(getter(org, makeUser({ id: 'u', organisationId: 'okänd' }))).toBe('okänd');
    expect(getter(org, makeUser({ id: 'n' }))).toBe('');
  });

  it('every column sorts; none has its own filter menu (the toolbar filters)', () => {
    expect(DEFAULT_COLUMN.sortable).toBe(true);
    expect(DEFAULT_COLUMN.filter).toBe(false);
    for (const c of columns) expect(c.sortable).not.toBe(false);
  });

  it('the first name opens the user: its renderer, and Enter/Space kept from the grid', () => {
    const first = column('givenName');
    expect(first.cellRenderer).toBe(Renderer);
    const keep = (key: string) => first.suppressKeyboardEvent!({ event: { key }, editing: false } as never);
    expect(keep('Enter')).toBe(true);
    expect(keep(' ')).toBe(true);
    expect(keep('ArrowDown')).toBe(false);
  });

  it('permissions read as a summary, which the search and sort see too', () => {
    const user = makeUser({ id: 'x', permissions: { ensamkommande: ['se-ansvar'] } });
    expect(getter(column('permissions'), user)).toBe('Se och ändra ansvar för ensamkommande: Se ansvar');
  });

  it('last login sorts by time, shows the date and the inactive flag, and is searched as shown', () => {
    const col = column('lastLogin');
    const old = makeUser({ id: 'o', lastLoginAt: new Date(2022, 4, 1, 12).toISOString(), inactive: true });
    const never = makeUser({ id: 'n', lastLoginAt: null });
    expect(getter(col, old)).toBe(old.lastLoginAt);
    expect(getter(col, never)).toBe('');
    const formatted = (col.valueFormatter as (p: ValueFormatterParams<User>) => string)({
      data: old,
    } as ValueFormatterParams<User>);
    expect(formatted).toBe('2022-05-01 («admin.users.inactive»)');
    const texts = { never: 'Aldrig inloggad', inactive: 'Inaktiv' };
    expect(userColumnTexts(never, ORGANISATION, texts).at(-1)).toBe('Aldrig inloggad');
  });

  it('text columns sort in Swedish order', () => {
    const compare = column('surname').comparator as (a: string, b: string, ...rest: never[]) => number;
    const sorted = ['Öberg', 'Zorn', 'Åberg', 'Andersson'].sort((a, b) => compare(a, b));
    expect(sorted).toEqual(['Andersson', 'Zorn', 'Åberg', 'Öberg']);
  });
});

describe('what the search sees', () => {
  it('is every column as shown, in column order', () => {
    const user = makeUser({
      id: 'x',
      givenName: 'Åsa',
      permissions: { ensamkommande: ['se-ansvar'] },
      lastLoginAt: null,
      inactive: true,
    });
    expect(userColumnTexts(user, ORGANISATION, { never: 'Aldrig inloggad', inactive: 'Inaktiv' })).toEqual([
      'Åsa',
      'Andersson',
      'SE2321000016-X',
      'x@testkommunen.se',
      'Se och ändra ansvar för ensamkommande: Se ansvar',
      'Aldrig inloggad (Inaktiv)',
    ]);
  });
});
