import type { IDatasource } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation, User } from '../../../common/api/schemas';
import { gridTheme, registerGridModules } from './grid-setup';
import { FirstNameCell, LastLoginCell, PermissionsCell, type UserGridContext } from './user-cells';
import { DEFAULT_COLUMN, userColumns } from './user-columns';

registerGridModules();

// Made-up rows: no one's data is ever in the warm-up.
const ORGANISATION: Organisation = { id: 'warm-up', name: '', kind: 'kommun', eservices: [], ended: false };
const ROWS: User[] = [null, 'x'].map((lastLogin, i) => ({
  id: `warm-up-${i}`,
  givenName: 'A',
  surname: 'B',
  hsaId: 'C',
  email: 'd@e',
  permissions: {},
  endDates: {},
  lastLoginAt: lastLogin && '2020-01-01T00:00:00.000Z',
  inactive: i === 1,
  version: 1,
  createdAt: '2020-01-01T00:00:00.000Z',
  updatedAt: '2020-01-01T00:00:00.000Z',
}));
const DATASOURCE: IDatasource = { getRows: (params) => params.successCallback(ROWS, ROWS.length) };
const CONTEXT: UserGridContext = { openUser: () => undefined, organisation: ORGANISATION };

/**
 * The user list's grid, drawn once out of sight with two made-up rows while the login screen is
 * idle, then removed (`onDone`): the grid after login then finds ag-grid's code compiled and its
 * styles in place, and draws its first rows sooner. Hidden from assistive technology and inert.
 */
export function GridWarmUp({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const columnDefs = useMemo(
    () =>
      userColumns({
        t,
        organisation: ORGANISATION,
        firstNameRenderer: FirstNameCell,
        lastLoginRenderer: LastLoginCell,
        permissionsRenderer: PermissionsCell,
      }),
    [t],
  );
  return (
    <div
      aria-hidden="true"
      inert
      data-testid="grid-warm-up"
      style={{ position: 'fixed', left: -10_000, top: 0, width: 1000, height: 300, visibility: 'hidden' }}
    >
      <AgGridReact<User>
        theme={gridTheme}
        rowModelType="infinite"
        datasource={DATASOURCE}
        cacheBlockSize={ROWS.length}
        infiniteInitialRowCount={1}
        columnDefs={columnDefs}
        defaultColDef={DEFAULT_COLUMN}
        context={CONTEXT}
        onFirstDataRendered={() => requestAnimationFrame(() => onDone())}
        animateRows={false}
      />
    </div>
  );
}
