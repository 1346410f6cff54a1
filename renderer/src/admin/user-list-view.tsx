import type { CellKeyDownEvent, GetRowIdParams, GridApi, IDatasource, SortChangedEvent } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { forwardRef, memo, useCallback, useEffect, useId, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { ESERVICES } from '../../../common/api/catalogue';
import type { Organisation, OrganisationChoice, User } from '../../../common/api/schemas';
import { ENDING_SOON_DAYS } from '../../../common/api/permission-end';
import { FIRST_USER_PAGE, USER_SORT_COLUMNS, type UserSortColumn } from '../../../common/api/user-list';
import type { AppError } from '../../../common/errors/error-codes';
import { errorMessageKey } from '../i18n/error-message';
import type { AdministrationStore } from './administration-store';
import { gridLocaleText, gridTheme, registerGridModules } from './grid-setup';
import { DEFAULT_COLUMN, organisationName, userColumns } from './user-columns';
import { CSV_SEPARATOR, csvCellText, csvFileName } from './user-csv';
import { FirstNameCell, LastLoginCell, PermissionsCell, type UserGridContext } from './user-cells';
import { chooseEService, choosePermission, isFilterActive, NO_FILTER, permissionChoices, type UserFilter } from './user-filter';
import {
  createUserPageSource,
  DEFAULT_SORT,
  isSuperseded,
  pageRequest,
  type UserCounts,
  type UserListQuery,
  type UserPageSource,
} from './user-page-source';

registerGridModules();

export interface UserListViewProps {
  organisation: Organisation;
  /** Every organisation the person holds a role in: with several, the list can show all of them. */
  organisations?: readonly OrganisationChoice[];
  /** The administration store: the grid's pages come through it, and its changes update the rows. */
  store: AdministrationStore;
  onOpenUser(id: string): void;
  onAddUser(): void;
  hidden?: boolean;
}

/** What the parent can ask of the list: put focus back on a user's row after the user's view. */
export interface UserListHandle {
  focusUser(id: string | null): void;
}

const getRowId = (params: GetRowIdParams<User>) => params.data.id;

/** Rows per request: about two screens (the first page's size). The grid keeps at most MAX_BLOCKS of them. */
export const BLOCK_SIZE = FIRST_USER_PAGE.limit;
const MAX_BLOCKS = 10;
/** The grid's first request (no search or filter, the default order): asked along with the organisation. */
export const FIRST_PAGE_REQUEST = pageRequest({ search: '', filter: NO_FILTER, ...DEFAULT_SORT }, BLOCK_SIZE);
/** A search is sent this long after the last keystroke (the field shows each character at once). */
export const SEARCH_DEBOUNCE_MS = 60;

const isSortColumn = (id: string): id is UserSortColumn => (USER_SORT_COLUMNS as readonly string[]).includes(id);

/**
 * The user list (manual 4–4.4): "Lägg till användare", "Filtrera e-tjänster" then "Filtrera
 * behörigheter", a search that matches any character in any column, sorting on every column,
 * the row count, and CSV export of what is shown.
 */
const UserListViewBody = forwardRef<UserListHandle, UserListViewProps>(function UserListView(
  { organisation, organisations = [], store, onOpenUser, onAddUser, hidden = false },
  ref,
) {
  const { t, i18n } = useTranslation();
  const ids = useId();
  const gridApi = useRef<GridApi<User> | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [filter, setFilter] = useState<UserFilter>(NO_FILTER);
  // What the field shows (each character at once) and what was last sent (after a pause).
  const [endingSoon, setEndingSoon] = useState(false);
  // '' this organisation; 'all' every one the person administers; an id: that one of them.
  const [organisationChoice, setOrganisationChoice] = useState('');
  const severalOrganisations = organisations.length > 1;
  const scope = useMemo<UserListQuery['organisations']>(
    () =>
      !severalOrganisations || organisationChoice === ''
        ? undefined
        : organisationChoice === 'all'
          ? 'all'
          : { only: organisationChoice },
    [severalOrganisations, organisationChoice],
  );
  const organisationNames = useMemo(
    () => (scope ? new Map(organisations.map((o) => [o.id, o.name])) : undefined),
    [scope, organisations],
  );
  // Users of other organisations hold permissions in their own organisation's e-services.
  const catalogue = useMemo<Organisation>(
    () =>
      scope
        ? {
            ...organisation,
            eservices: ESERVICES.map((e) => ({
              id: e.id,
              name: e.name,
              permissions: e.permissions.map((p) => ({ id: p.id, name: p.name })),
            })),
          }
        : organisation,
    [scope, organisation],
  );
  const [search, setSearch] = useState('');
  const [sentSearch, setSentSearch] = useState('');
  const [sort, setSort] = useState(DEFAULT_SORT);
  const [counts, setCounts] = useState<UserCounts | null>(null);
  const [exporting, setExporting] = useState(false);
  // Why the last export saved no file (null: it did, or none was tried).
  const [exportError, setExportError] = useState<AppError | null>(null);
  const source = useRef<UserPageSource | null>(null);
  const changes = useStore(store, (s) => s.changes);
  const lastChange = useStore(store, (s) => s.lastChange);

  const columnDefs = useMemo(
    () =>
      userColumns({
        t,
        organisation: catalogue,
        firstNameRenderer: FirstNameCell,
        lastLoginRenderer: LastLoginCell,
        permissionsRenderer: PermissionsCell,
        ...(organisationNames ? { organisationNames } : {}),
      }),
    [t, catalogue, organisationNames],
  );
  const context = useMemo<UserGridContext>(
    () => ({
      openUser: onOpenUser,
      organisation: { ...catalogue, id: organisation.id },
      otherOrganisationHint: t('admin.users.otherOrganisationHint'),
    }),
    [onOpenUser, catalogue, organisation.id, t],
  );
  const localeText = useMemo(() => gridLocaleText(i18n.language), [i18n.language]);
  const lastLoginTexts = useMemo(() => ({ never: t('admin.users.neverLoggedIn'), inactive: t('admin.users.inactive') }), [t]);

  useEffect(() => {
    const timer = setTimeout(() => setSentSearch(search), search === '' ? 0 : SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const query = useMemo<UserListQuery>(
    () => ({ search: sentSearch, filter, endingSoon, ...(scope ? { organisations: scope } : {}), ...sort }),
    [sentSearch, filter, endingSoon, scope, sort],
  );

  // A new search or filter: a new datasource and a fresh grid cache. The order comes with each
  // request (the grid's sort model); a new order or query makes a new page source and cancels the
  // old one, so its late answers are dropped.
  const datasource = useMemo<IDatasource>(() => {
    let current: { key: string; pages: UserPageSource } | null = null;
    return {
      getRows(params) {
        const sorted = params.sortModel[0];
        const order =
          sorted && isSortColumn(sorted.colId)
            ? { sort: sorted.colId, direction: sorted.sort === 'desc' ? ('desc' as const) : ('asc' as const) }
            : DEFAULT_SORT;
        const key = `${order.sort} ${order.direction}`;
        if (current?.key !== key) {
          current?.pages.cancel();
          source.current?.cancel();
          const pages = createUserPageSource(
            (request) => store.getState().fetchPage(request),
            { search: sentSearch, filter, endingSoon, ...(scope ? { organisations: scope } : {}), ...order },
            setCounts,
          );
          current = { key, pages };
          source.current = pages;
        }
        void current.pages.rows(params.startRow, params.endRow).then((result) => {
          if (result.ok) params.successCallback(result.value.rows, result.value.lastRow);
          else if (!isSuperseded(result.error)) params.failCallback();
        });
      },
    };
  }, [store, sentSearch, filter, endingSoon, scope]);
  useEffect(() => () => source.current?.cancel(), []);

  // A change made here shows in the visible rows at once: an edited row is replaced in place; an
  // added or removed user changes positions, so the grid asks again for the blocks it holds.
  useEffect(() => {
    const api = gridApi.current;
    if (!api || !lastChange) return;
    if (lastChange.kind === 'put' && !lastChange.added) {
      const node = api.getRowNode(lastChange.user.id);
      if (node) node.setData(lastChange.user);
      else api.refreshInfiniteCache();
    } else {
      api.refreshInfiniteCache();
    }
  }, [changes, lastChange]);

  const onSortChanged = useCallback((event: SortChangedEvent<User>) => {
    const sorted = event.api.getColumnState().find((c) => c.sort);
    const colId = sorted?.colId;
    setSort(colId && isSortColumn(colId) ? { sort: colId, direction: sorted.sort === 'desc' ? 'desc' : 'asc' } : DEFAULT_SORT);
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

  // The whole filtered list, page by page from the server, into a file: each page's text goes
  // into the Blob at once, so the page's users do not stay on the heap.
  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const columns = columnDefs.map((c) => c.colId!);
      const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
      let blob = new Blob([
        '\uFEFF',
        columns.map((c, i) => quote(String(columnDefs[i]!.headerName ?? c))).join(CSV_SEPARATOR),
        '\r\n',
      ]);
      // purpose 'export': typing in "Sök" meanwhile never cuts the file short (main does not supersede these pages).
      const pages = createUserPageSource(
        (request) => store.getState().fetchPage({ ...request, purpose: 'export' }),
        query,
        () => undefined,
      );
      for (let start = 0; ;) {
        const result = await pages.rows(start, start + 1000);
        if (!result.ok) {
          setExportError(result.error);
          return;
        }
        const text = result.value.rows
          .map(
            (u) =>
              columns
                .map((c) =>
                  quote(
                    c === 'organisation' && organisationNames
                      ? organisationName(u, organisationNames)
                      : csvCellText(c, u, catalogue, lastLoginTexts),
                  ),
                )
                .join(CSV_SEPARATOR) + '\r\n',
          )
          .join('');
        blob = new Blob([blob, text], { type: 'text/csv;charset=utf-8' });
        start += result.value.rows.length;
        if (result.value.lastRow !== undefined || result.value.rows.length === 0) break;
      }
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = csvFileName(t('admin.users.csvFileName'), new Date());
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } finally {
      setExporting(false);
    }
  };

  const permissionOptions = permissionChoices(organisation, filter.eserviceId);
  const searchHintId = `${ids}-search-hint`;
  const filtered = isFilterActive(filter) || search !== '' || endingSoon;
  const shown = counts?.matched ?? null;

  return (
    <section className="admin-users" aria-labelledby={`${ids}-heading`} hidden={hidden}>
      <div className="admin-users__titlebar">
        <h2 id={`${ids}-heading`} ref={headingRef} tabIndex={-1}>
          {t('admin.users.title')}
        </h2>
        <p className="admin-users__count" role="status" aria-live="polite" data-testid="user-count">
          {shown !== null &&
            counts &&
            t(counts.atLeast ? 'admin.users.countAtLeast' : 'admin.users.count', {
              shown: shown.toLocaleString('sv-SE'),
              total: counts.total.toLocaleString('sv-SE'),
            })}
        </p>
      </div>
      <div className="admin-toolbar">
        <button type="button" className="admin-button admin-button--primary" onClick={onAddUser}>
          {t('admin.users.add')}
        </button>
        {severalOrganisations && (
          <div className="admin-field admin-field--inline">
            <label htmlFor={`${ids}-organisations`}>{t('admin.users.filterOrganisations')}</label>
            <select
              id={`${ids}-organisations`}
              value={organisationChoice}
              onChange={(e) => setOrganisationChoice(e.target.value === organisation.id ? '' : e.target.value)}
            >
              <option value="">{organisation.name}</option>
              <option value="all">{t('admin.users.allOrganisations')}</option>
              {organisations
                .filter((o) => o.id !== organisation.id)
                .map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
            </select>
          </div>
        )}
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
            <option value="">
              {filter.eserviceId === null ? t('admin.users.permissionNeedsEservice') : t('admin.users.allPermissions')}
            </option>
            {permissionOptions.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="admin-field admin-field--inline admin-field--check">
          <input id={`${ids}-ending`} type="checkbox" checked={endingSoon} onChange={(e) => setEndingSoon(e.target.checked)} />
          <label htmlFor={`${ids}-ending`}>{t('admin.users.filterEnding', { days: ENDING_SOON_DAYS })}</label>
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
              setEndingSoon(false);
            }}
          >
            {t('admin.users.clearFilters')}
          </button>
        )}
        <button
          type="button"
          className="admin-button"
          onClick={() => void exportCsv()}
          disabled={exporting}
          aria-busy={exporting}
        >
          {t('admin.users.exportCsv')}
        </button>
      </div>
      {exportError && (
        <p role="alert" className="admin-alert admin-alert--error" data-testid="export-error">
          {t('admin.users.exportFailed', { reason: t(errorMessageKey(exportError.code)) })}
        </p>
      )}
      <div className="admin-grid" role="region" aria-label={t('admin.users.gridLabel')}>
        <AgGridReact<User>
          theme={gridTheme}
          localeText={localeText}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={BLOCK_SIZE}
          maxBlocksInCache={MAX_BLOCKS}
          infiniteInitialRowCount={1}
          columnDefs={columnDefs}
          defaultColDef={DEFAULT_COLUMN}
          getRowId={getRowId}
          context={context}
          onGridReady={(e) => {
            gridApi.current = e.api;
          }}
          onSortChanged={onSortChanged}
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

/** The list draws again only when its own props change (not when the store learns a page's users). */
export const UserListView = memo(UserListViewBody);
