import type { CellKeyDownEvent, GetRowIdParams, GridApi, IRowNode, ProcessCellForExportParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { forwardRef, useCallback, useEffect, useId, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation, User } from '../../../common/api/schemas';
import { gridLocaleText, gridTheme, registerGridModules } from './grid-setup';
import { DEFAULT_COLUMN, userColumnTexts, userColumns } from './user-columns';
import { CSV_SEPARATOR, csvCellText, csvFileName } from './user-csv';
import { FirstNameCell, LastLoginCell, type UserGridContext } from './user-cells';
import {
  chooseEService,
  choosePermission,
  createUserSearchIndex,
  isFilterActive,
  matchesSearch,
  matchesUserFilter,
  NO_FILTER,
  permissionChoices,
  searchTerms,
  type UserFilter,
} from './user-filter';

registerGridModules();

export interface UserListViewProps {
  organisation: Organisation;
  users: User[];
  onOpenUser(id: string): void;
  onAddUser(): void;
  hidden?: boolean;
}

/** What the parent can ask of the list: put focus back on a user's row after the user's view. */
export interface UserListHandle {
  focusUser(id: string | null): void;
}

const getRowId = (params: GetRowIdParams<User>) => params.data.id;

/**
 * The user list (manual 4–4.4): "Lägg till användare", "Filtrera e-tjänster" then "Filtrera
 * behörigheter", a search that matches any character in any column, sorting on every column,
 * the row count, and CSV export of what is shown.
 */
export const UserListView = forwardRef<UserListHandle, UserListViewProps>(function UserListView(
  { organisation, users, onOpenUser, onAddUser, hidden = false },
  ref,
) {
  const { t, i18n } = useTranslation();
  const ids = useId();
  const gridApi = useRef<GridApi<User> | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [filter, setFilter] = useState<UserFilter>(NO_FILTER);
  const [search, setSearch] = useState('');
  const [shown, setShown] = useState<number | null>(null);

  const columnDefs = useMemo(
    () => userColumns({ t, organisation, firstNameRenderer: FirstNameCell, lastLoginRenderer: LastLoginCell }),
    [t, organisation],
  );
  const context = useMemo<UserGridContext>(() => ({ openUser: onOpenUser }), [onOpenUser]);
  const localeText = useMemo(() => gridLocaleText(i18n.language), [i18n.language]);
  const lastLoginTexts = useMemo(() => ({ never: t('admin.users.neverLoggedIn'), inactive: t('admin.users.inactive') }), [t]);

  // The search runs over each user's column texts, computed once per user object: ag-grid's own
  // quick filter re-walks every row's columns and was several times slower on 100,000 rows.
  const searchTextOf = useMemo(
    () => createUserSearchIndex((user) => userColumnTexts(user, organisation, lastLoginTexts)),
    [organisation, lastLoginTexts],
  );
  const terms = useMemo(() => searchTerms(search), [search]);

  // Build the search texts in idle slices after the rows are shown, so the first keystroke does
  // not pay for 100,000 of them at once.
  useEffect(() => {
    let index = 0;
    let handle = 0;
    const warm = (deadline: IdleDeadline) => {
      while (index < users.length && deadline.timeRemaining() > 2) {
        const end = Math.min(users.length, index + 500);
        for (; index < end; index++) searchTextOf(users[index]!);
      }
      if (index < users.length) handle = requestIdleCallback(warm);
    };
    handle = requestIdleCallback(warm);
    return () => cancelIdleCallback(handle);
  }, [users, searchTextOf]);

  // New function references re-run the grid's external filter (ag-grid v36).
  const isExternalFilterPresent = useCallback(() => isFilterActive(filter) || terms.length > 0, [filter, terms]);
  const doesExternalFilterPass = useCallback(
    (node: IRowNode<User>) => !node.data || (matchesUserFilter(node.data, filter) && matchesSearch(searchTextOf(node.data), terms)),
    [filter, terms, searchTextOf],
  );

  const updateCount = useCallback(() => {
    if (gridApi.current) setShown(gridApi.current.getDisplayedRowCount());
  }, []);

  const onCellKeyDown = useCallback(
    (event: CellKeyDownEvent<User>) => {
      const key = (event.event as KeyboardEvent | null | undefined)?.key;
      if ((key === 'Enter' || key === ' ') && event.column.getColId() === 'givenName' && event.data) {
        event.event?.preventDefault();
        onOpenUser(event.data.id);
      }
    },
    [onOpenUser],
  );

  useImperativeHandle(
    ref,
    () => ({
      focusUser(id) {
        const api = gridApi.current;
        const node = id ? api?.getRowNode(id) : undefined;
        if (api && node && node.rowIndex !== null && node.displayed) {
          api.ensureNodeVisible(node);
          api.setFocusedCell(node.rowIndex, 'givenName');
        } else {
          headingRef.current?.focus();
        }
      },
    }),
    [],
  );

  const exportCsv = () => {
    gridApi.current?.exportDataAsCsv({
      fileName: csvFileName(t('admin.users.csvFileName'), new Date()),
      columnSeparator: CSV_SEPARATOR,
      exportedRows: 'filteredAndSorted',
      processCellCallback: (params: ProcessCellForExportParams<User>) =>
        csvCellText(params.column.getColId(), params.node?.data, organisation, lastLoginTexts),
    });
  };

  const permissionOptions = permissionChoices(organisation, filter.eserviceId);
  const searchHintId = `${ids}-search-hint`;
  const filtered = isFilterActive(filter) || search !== '';

  return (
    <section className="admin-users" aria-labelledby={`${ids}-heading`} hidden={hidden}>
      <div className="admin-users__titlebar">
        <h2 id={`${ids}-heading`} ref={headingRef} tabIndex={-1}>
          {t('admin.users.title')}
        </h2>
        <p className="admin-users__count" role="status" aria-live="polite" data-testid="user-count">
          {shown !== null && t('admin.users.count', { shown: shown.toLocaleString('sv-SE'), total: users.length.toLocaleString('sv-SE') })}
        </p>
      </div>
      <div className="admin-toolbar">
        <button type="button" className="admin-button admin-button--primary" onClick={onAddUser}>
          {t('admin.users.add')}
        </button>
        <div className="admin-field admin-field--inline">
          <label htmlFor={`${ids}-eservice`}>{t('admin.users.filterEservices')}</label>
          <select
            id={`${ids}-eservice`}
            value={filter.eserviceId ?? ''}
            onChange={(e) => setFilter((f) => chooseEService(f, e.target.value || null))}
          >
            <option value="">{t('admin.users.allEservices')}</option>
            {organisation.eservices.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </div>
        <div className="admin-field admin-field--inline">
          <label htmlFor={`${ids}-permission`}>{t('admin.users.filterPermissions')}</label>
          <select
            id={`${ids}-permission`}
            value={filter.permissionId ?? ''}
            disabled={filter.eserviceId === null}
            onChange={(e) => setFilter((f) => choosePermission(f, organisation, e.target.value || null))}
          >
            <option value="">{filter.eserviceId === null ? t('admin.users.permissionNeedsEservice') : t('admin.users.allPermissions')}</option>
            {permissionOptions.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="admin-field admin-field--inline admin-toolbar__search">
          <label htmlFor={`${ids}-search`}>{t('admin.users.search')}</label>
          <input
            id={`${ids}-search`}
            type="search"
            value={search}
            aria-describedby={searchHintId}
            onChange={(e) => setSearch(e.target.value)}
          />
          <span id={searchHintId} className="admin-visually-hidden">
            {t('admin.users.searchHint')}
          </span>
        </div>
        {filtered && (
          <button
            type="button"
            className="admin-button"
            onClick={() => {
              setFilter(NO_FILTER);
              setSearch('');
            }}
          >
            {t('admin.users.clearFilters')}
          </button>
        )}
        <button type="button" className="admin-button" onClick={exportCsv}>
          {t('admin.users.exportCsv')}
        </button>
      </div>
      <div className="admin-grid" role="region" aria-label={t('admin.users.gridLabel')}>
        <AgGridReact<User>
          theme={gridTheme}
          localeText={localeText}
          rowData={users}
          columnDefs={columnDefs}
          defaultColDef={DEFAULT_COLUMN}
          getRowId={getRowId}
          context={context}
          isExternalFilterPresent={isExternalFilterPresent}
          doesExternalFilterPass={doesExternalFilterPass}
          onGridReady={(e) => {
            gridApi.current = e.api;
            updateCount();
          }}
          onModelUpdated={updateCount}
          onCellKeyDown={onCellKeyDown}
          suppressDragLeaveHidesColumns
          animateRows={false}
          rowBuffer={10}
          ensureDomOrder={false}
        />
      </div>
    </section>
  );
});
