import type { Organisation, User } from '../../../common/api/schemas';
import type { UserColumnId } from './user-columns';
import { defuseCsvCell, lastLoginText, permissionSummary, type LastLoginTexts } from './user-format';

/** Swedish spreadsheet programs expect ';' (the comma is the decimal separator). */
export const CSV_SEPARATOR = ';';

/** The text of one exported cell: what the grid shows, with formulas defused. */
export function csvCellText(colId: string, user: User | undefined, organisation: Organisation, texts: LastLoginTexts): string {
  if (!user) return '';
  const id = colId as UserColumnId;
  let text: string;
  switch (id) {
    case 'givenName':
    case 'surname':
    case 'hsaId':
    case 'email':
      text = user[id];
      break;
    case 'permissions':
      text = permissionSummary(user, organisation);
      break;
    case 'lastLogin':
      text = lastLoginText(user, texts);
      break;
    default:
      text = '';
  }
  return defuseCsvCell(text);
}

/** File name for the export: "anvandare-2025-03-01.csv". */
export function csvFileName(base: string, now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${base}-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.csv`;
}
