import { permissionSummaryText, swedishSortKey, userSearchText } from '../../common/api/user-list';

/** The stored sort and search columns of one user (see migration 0003). */
export interface UserSortKeys {
  sort_given_name: string;
  sort_surname: string;
  sort_email: string;
  sort_permissions: string;
  sort_last_login: string;
  search_text: string;
}

/** Fields that change the name, e-mail and search keys. */
export function fieldSortKeys(u: {
  givenName: string;
  surname: string;
  hsaId: string;
  email: string;
}): Pick<UserSortKeys, 'sort_given_name' | 'sort_surname' | 'sort_email' | 'search_text'> {
  return {
    sort_given_name: swedishSortKey(u.givenName),
    sort_surname: swedishSortKey(u.surname),
    sort_email: swedishSortKey(u.email),
    search_text: userSearchText(u),
  };
}

/** The permission column's key: its text in Swedish order (users without permissions first). */
export function permissionSortKey(permissions: Readonly<Record<string, readonly string[]>>): string {
  return swedishSortKey(permissionSummaryText(permissions));
}

/** Every sort and search column of a user: never logged in sorts first (''), as the grid did. */
export function userSortKeys(
  u: { givenName: string; surname: string; hsaId: string; email: string; lastLoginAt: string | null },
  permissions: Readonly<Record<string, readonly string[]>>,
): UserSortKeys {
  return { ...fieldSortKeys(u), sort_permissions: permissionSortKey(permissions), sort_last_login: u.lastLoginAt ?? '' };
}
