import type { ColDef, ICellRendererParams, SuppressKeyboardEventParams } from 'ag-grid-community';
import type { ComponentType } from 'react';
import type { Organisation, User } from '../../../common/api/schemas';
import { compareSwedish } from './user-filter';
import { lastLoginText, permissionSummary, type LastLoginTexts } from './user-format';

export type Translate = (key: string, options?: Record<string, unknown>) => string;

export type UserCellRenderer = ComponentType<ICellRendererParams<User>>;

export interface UserColumnOptions {
  t: Translate;
  organisation: Organisation;
  /** Renders the first name as a button that opens the user's view. */
  firstNameRenderer: UserCellRenderer;
  /** Renders the last login date with the "Inaktiv" flag. */
  lastLoginRenderer: UserCellRenderer;
  /** Renders the permissions with a flag for those ending within 14 days (default: the text only). */
  permissionsRenderer?: UserCellRenderer;
  /**
   * The list of several organisations (source 004): an "Organisation" column first, naming each
   * user's organisation (organisation id → name). The server cannot sort on it; the filter picks one.
   */
  organisationNames?: ReadonlyMap<string, string>;
}

export const USER_COLUMN_IDS = ['givenName', 'surname', 'hsaId', 'email', 'permissions', 'lastLogin'] as const;
export type UserColumnId = (typeof USER_COLUMN_IDS)[number];

/** Enter and Space on a first-name cell open the user; the grid keeps every other key. */
function suppressOpenKeys(params: SuppressKeyboardEventParams<User>): boolean {
  const key = params.event.key;
  return !params.editing && (key === 'Enter' || key === ' ');
}

/**
 * The user list's columns, as a pure function of the texts and the organisation (whose catalogue
 * names the permissions). Every column sorts; text columns in Swedish order; the search and the
 * CSV see the same text the cell shows.
 */
export function userColumns({
  t,
  organisation,
  firstNameRenderer,
  lastLoginRenderer,
  permissionsRenderer,
  organisationNames,
}: UserColumnOptions): ColDef<User>[] {
  const texts = { never: t('admin.users.neverLoggedIn'), inactive: t('admin.users.inactive') };
  const organisationColumn: ColDef<User>[] = organisationNames
    ? [
        {
          colId: 'organisation',
          headerName: t('admin.users.columns.organisation'),
          valueGetter: (params) => organisationName(params.data, organisationNames),
          sortable: false,
          minWidth: 170,
        },
      ]
    : [];
  return [
    ...organisationColumn,
    {
      colId: 'givenName',
      field: 'givenName',
      headerName: t('admin.users.columns.givenName'),
      comparator: compareSwedish,
      cellRenderer: firstNameRenderer,
      suppressKeyboardEvent: suppressOpenKeys,
      minWidth: 130,
    },
    {
      colId: 'surname',
      field: 'surname',
      headerName: t('admin.users.columns.surname'),
      comparator: compareSwedish,
      minWidth: 130,
    },
    { colId: 'hsaId', field: 'hsaId', headerName: t('admin.users.columns.hsaId'), comparator: compareSwedish, minWidth: 200 },
    { colId: 'email', field: 'email', headerName: t('admin.users.columns.email'), comparator: compareSwedish, minWidth: 220 },
    {
      colId: 'permissions',
      headerName: t('admin.users.columns.permissions'),
      valueGetter: (params) => (params.data ? permissionSummary(params.data, organisation) : ''),
      ...(permissionsRenderer ? { cellRenderer: permissionsRenderer } : {}),
      comparator: compareSwedish,
      flex: 2,
      minWidth: 260,
    },
    {
      colId: 'lastLogin',
      headerName: t('admin.users.columns.lastLogin'),
      // Sorts by timestamp (ISO strings order as times do); never-logged-in sorts first.
      valueGetter: (params) => params.data?.lastLoginAt ?? '',
      valueFormatter: (params) => (params.data ? lastLoginText(params.data, texts) : ''),
      cellRenderer: lastLoginRenderer,
      minWidth: 220,
    },
  ];
}

/** The user's organisation by name (its id when the name is unknown), '' for none. */
export function organisationName(user: User | undefined, names: ReadonlyMap<string, string>): string {
  const id = user?.organisationId;
  return id === undefined ? '' : (names.get(id) ?? id);
}

/** Defaults for every column: sortable, resizable, no per-column filter UI (the toolbar filters). */
/** Each column's text as the list shows it, in column order: what the search field searches. */
export function userColumnTexts(user: User, organisation: Organisation, texts: LastLoginTexts): string[] {
  return [
    user.givenName,
    user.surname,
    user.hsaId,
    user.email,
    permissionSummary(user, organisation),
    lastLoginText(user, texts),
  ];
}

export const DEFAULT_COLUMN: ColDef<User> = {
  sortable: true,
  resizable: true,
  flex: 1,
  filter: false,
  suppressHeaderMenuButton: true,
};
