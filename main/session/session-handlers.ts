import type { IpcHandlers } from '../ipc/ipc-router';
import type { SessionService } from './session-service';

type SessionChannel = Extract<keyof IpcHandlers, `session:${string}` | `admin:${string}`>;

/**
 * The login's and the administration's IPC handlers: every admin call goes to the backend with
 * the session's token (SessionService.withBackend), which never leaves main.
 */
export function sessionHandlers(
  session: Pick<SessionService, 'state' | 'login' | 'logout' | 'chooseOrganisation' | 'withBackend'>,
): Pick<IpcHandlers, SessionChannel> {
  const admin = session.withBackend.bind(session);
  return {
    'session:get-state': () => session.state(),
    'session:login': ({ pin, readerName }) => session.login(pin, readerName ?? null),
    'session:logout': () => session.logout(),
    'session:choose-organisation': ({ organisationId }) => session.chooseOrganisation(organisationId),
    'admin:get-organisation': () => admin((api, token) => api.organisation(token)),
    'admin:list-user-page': (query) => admin((api, token) => api.listUserPage(token, query)),
    'admin:get-user': ({ id }) => admin((api, token) => api.getUser(token, id)),
    'admin:create-user': ({ user }) => admin((api, token) => api.createUser(token, user)),
    'admin:update-user': ({ id, version, patch }) => admin((api, token) => api.updateUser(token, id, version, patch)),
    'admin:delete-user': async ({ id, version }) => {
      await admin((api, token) => api.deleteUser(token, id, version));
      return { deleted: true as const };
    },
    'admin:set-permissions': ({ id, version, eserviceId, permissions, endDates }) =>
      admin((api, token) => api.setPermissions(token, id, version, eserviceId, permissions, endDates ?? {})),
    'admin:list-administrators': () => admin((api, token) => api.listAdministrators(token)),
    'admin:appoint-administrator': ({ person }) => admin((api, token) => api.appointAdministrator(token, person)),
    'admin:remove-administrator': async ({ hsaId }) => {
      await admin((api, token) => api.removeAdministrator(token, hsaId));
      return { removed: true as const };
    },
    'admin:list-audit': (query) => admin((api, token) => api.listAudit(token, query)),
  };
}
