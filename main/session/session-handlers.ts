import { FIRST_USER_PAGE } from '../../common/api/user-list';
import type { Organisation, UserListQuery, UserPage } from '../../common/api/schemas';
import { IPC_CHANNELS } from '../../common/ipc/contract';
import type { IpcHandlers } from '../ipc/ipc-router';
import { AppFailure } from '../errors/app-failure';
import { requestKey } from '../../common/ipc/request-key';
import { createEarlyAnswers } from './early-answers';
import { createLatestQuery } from './latest-query';
import type { SessionService } from './session-service';

type SessionChannel = Extract<keyof IpcHandlers, `session:${string}` | `admin:${string}`>;

/**
 * The login's and the administration's IPC handlers: every admin call goes to the backend with
 * the session's token (SessionService.withBackend), which never leaves main.
 *
 * The administration view's first two calls (the organisation, the list's first page) are asked
 * the moment the session is ready (login, or the organisation chosen), while the renderer is still
 * drawing the view; its own calls then take those answers in flight (see EarlyAnswers). A change
 * made here forgets them: a page asked before it would no longer be the truth.
 *
 * A list page asked for another search, filter or sort aborts the pages still in flight for the
 * one before (LatestQuery): they answer 'superseded', which the renderer drops without a word.
 * The pages of a CSV export (purpose 'export') are outside that rule: typing in "Sök" while the
 * list is exported never cuts the file short.
 */
export function sessionHandlers(
  session: Pick<SessionService, 'state' | 'login' | 'logout' | 'chooseOrganisation' | 'withBackend' | 'onState'>,
): Pick<IpcHandlers, SessionChannel> {
  const admin = session.withBackend.bind(session);
  const early = createEarlyAnswers();
  const latest = createLatestQuery(() => new AppFailure('internal', { reason: 'superseded' }));
  // A page of the list, aborted once a page of another query is asked (the first page asked at login too).
  const listPage = (query: UserListQuery) =>
    latest.run(requestKey('admin:list-user-page', { ...query, cursor: undefined, limit: undefined }), (signal) =>
      admin((api, token) => api.listUserPage(token, query, signal)),
    );
  const firstPage = IPC_CHANNELS['admin:list-user-page'].request.parse(FIRST_USER_PAGE);
  session.onState((state) => {
    early.clear();
    if (state.status !== 'logged-in' || !state.organisationChosen) return;
    early.start('admin:get-organisation', () => admin((api, token) => api.organisation(token)));
    early.start(requestKey('admin:list-user-page', firstPage), () => listPage(firstPage));
  });
  const changing = <T>(change: () => Promise<T>): Promise<T> => {
    early.clear();
    return change();
  };
  return {
    'session:get-state': () => session.state(),
    'session:login': ({ pin, readerName }) => session.login(pin, readerName ?? null),
    'session:logout': () => session.logout(),
    'session:choose-organisation': ({ organisationId }) => session.chooseOrganisation(organisationId),
    'admin:get-organisation': () =>
      early.take<Organisation>('admin:get-organisation') ?? admin((api, token) => api.organisation(token)),
    'admin:list-user-page': ({ purpose, ...query }) =>
      // An export's pages run to the end whatever the grid asks meanwhile (never superseded).
      purpose === 'export'
        ? admin((api, token) => api.listUserPage(token, query))
        : (early.take<UserPage>(requestKey('admin:list-user-page', query)) ?? listPage(query)),
    'admin:get-user': ({ id }) => admin((api, token) => api.getUser(token, id)),
    'admin:create-user': ({ user }) => changing(() => admin((api, token) => api.createUser(token, user))),
    'admin:update-user': ({ id, version, patch }) =>
      changing(() => admin((api, token) => api.updateUser(token, id, version, patch))),
    'admin:delete-user': async ({ id, version }) => {
      await changing(() => admin((api, token) => api.deleteUser(token, id, version)));
      return { deleted: true as const };
    },
    'admin:set-permissions': ({ id, version, eserviceId, permissions, endDates }) =>
      changing(() => admin((api, token) => api.setPermissions(token, id, version, eserviceId, permissions, endDates ?? {}))),
    'admin:list-administrators': () => admin((api, token) => api.listAdministrators(token)),
    'admin:appoint-administrator': ({ person }) => admin((api, token) => api.appointAdministrator(token, person)),
    'admin:remove-administrator': async ({ hsaId }) => {
      await admin((api, token) => api.removeAdministrator(token, hsaId));
      return { removed: true as const };
    },
    'admin:list-audit': (query) => admin((api, token) => api.listAudit(token, query)),
  };
}
