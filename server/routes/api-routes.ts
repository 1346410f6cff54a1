import {
  administratorEntrySchema,
  administratorListSchema,
  administratorParamsSchema,
  auditListSchema,
  auditQuerySchema,
  organisationSwitchResponseSchema,
  organisationSwitchSchema,
  challengeResponseSchema,
  LOGIN_FAILURE_CODES,
  loginRequestSchema,
  loginResponseSchema,
  newUserSchema,
  organisationSchema,
  permissionsPutSchema,
  statusSchema,
  userIdParamsSchema,
  userListQuerySchema,
  userExportQuerySchema,
  userPageSchema,
  userPatchSchema,
  userPermissionParamsSchema,
  userSchema,
  type Status,
  type User,
} from '../../common/api/index';
import { defineRoute, type RouteResponse, type RouteSpec } from '../http/route-spec';
import type { AdministrationService } from '../services/administration-service';
import type { AuthService } from '../services/auth-service';
import type { StatusService } from '../services/status-service';

export interface RouteServices {
  auth: AuthService;
  administration: AdministrationService;
  status: StatusService;
}

const R400: RouteResponse = {
  description: 'Bad input; `fields` names each offending field.',
  codes: ['validation-failed', 'body-too-large'],
};
const R401: RouteResponse = { description: 'No valid session.', codes: ['unauthenticated', 'session-expired'] };
const R404: RouteResponse = { description: "No such user in the administrator's organisation.", codes: ['not-found'] };
const R412: RouteResponse = {
  description: 'If-Match is not the current version (stale, or not a version at all).',
  codes: ['version-conflict'],
};
const R428: RouteResponse = { description: 'If-Match header missing.', codes: ['precondition-required'] };

/** ETag of a user: its version, quoted. */
function etag(user: User): string {
  return `"${user.version}"`;
}

/** Every route of /api/v1, in the order the OpenAPI document lists them. */
export function apiRoutes(s: RouteServices): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/status',
      summary: 'Health and any operator message about disturbances (no login needed).',
      tag: 'status',
      auth: false,
      status: 200,
      responses: {
        200: { description: 'Running.', schema: statusSchema },
        503: { description: 'The database is unreachable.', schema: statusSchema },
      },
      handler: async ({ reply }): Promise<Status> => {
        const status = await s.status.status();
        if (status.status === 'unavailable') reply.code(503);
        return status;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/challenge',
      summary: 'A single-use nonce (32 random bytes, base64) valid for 5 minutes.',
      tag: 'auth',
      auth: false,
      rateLimited: true,
      status: 200,
      responses: {
        200: { description: 'The challenge.', schema: challengeResponseSchema },
        429: { description: 'Too many challenges from this address; see Retry-After.', codes: ['too-many-requests'] },
      },
      handler: () => s.auth.createChallenge(),
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/login',
      summary:
        "Login with a signature over SHA-256(origin) ‖ SHA-256(nonce) made by the card's authentication key. " +
        'The request carries only the leaf certificate; the server holds the intermediate CAs.',
      tag: 'auth',
      auth: false,
      body: loginRequestSchema,
      status: 200,
      responses: {
        200: { description: 'Logged in.', schema: loginResponseSchema },
        400: {
          description: 'Bad input, including a certificate that is not X.509 (the nonce is then not burned).',
          codes: ['validation-failed', 'certificate-malformed', 'body-too-large'],
        },
        401: {
          description: 'A check failed; the nonce is burned.',
          codes: LOGIN_FAILURE_CODES,
        },
      },
      handler: ({ body }) => s.auth.login(body),
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/logout',
      summary: 'Ends the session at once.',
      tag: 'auth',
      auth: true,
      status: 204,
      responses: { 204: { description: 'Logged out.' }, 401: R401 },
      handler: async ({ session }) => {
        await s.auth.logout(session);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/organisation',
      summary:
        'Moves the session to another organisation the person holds a role in ("flera arbetsgivarkoder"); remembered as the last one used.',
      tag: 'auth',
      auth: true,
      body: organisationSwitchSchema,
      status: 200,
      responses: {
        200: { description: 'The person in the chosen organisation.', schema: organisationSwitchResponseSchema },
        400: R400,
        401: R401,
        404: { description: 'The person holds no role in that organisation.', codes: ['not-found'] },
      },
      handler: ({ session, body }) => s.auth.switchOrganisation(session, body.organisationId),
    }),
    defineRoute({
      method: 'GET',
      path: '/administrators',
      summary: "The organisation's authorised orderers and administrators (everyone logged in may see who they are).",
      tag: 'administrators',
      auth: true,
      status: 200,
      responses: { 200: { description: 'Orderers first, then by name.', schema: administratorListSchema }, 401: R401 },
      handler: async ({ session }) => ({ administrators: await s.administration.listAdministrators(session) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/administrators',
      summary: 'The authorised orderer appoints an administrator: givenName, surname, hsaId, email.',
      tag: 'administrators',
      auth: true,
      body: newUserSchema,
      status: 201,
      responses: {
        201: { description: 'Appointed.', schema: administratorEntrySchema },
        400: R400,
        401: R401,
        403: { description: 'Only the authorised orderer appoints administrators.', codes: ['not-authorised-orderer'] },
        409: {
          description: 'The person already has a role in the organisation (one per person), or it has ended.',
          codes: ['hsa-id-is-user', 'hsa-id-has-role', 'organisation-ended'],
        },
      },
      handler: ({ session, body }) => s.administration.appointAdministrator(session, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/administrators/:hsaId',
      summary: 'The authorised orderer removes an administrator; the organisation keeps at least one.',
      tag: 'administrators',
      auth: true,
      params: administratorParamsSchema,
      status: 204,
      responses: {
        204: { description: 'Removed; their next request is refused.' },
        401: R401,
        403: { description: 'Only the authorised orderer removes administrators.', codes: ['not-authorised-orderer'] },
        404: { description: 'No administrator with that HSA-id in the organisation.', codes: ['not-found'] },
        409: { description: 'The last administrator stays.', codes: ['last-administrator'] },
      },
      handler: async ({ session, params }) => {
        await s.administration.removeAdministrator(session, params.hsaId);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/organisation',
      summary: "The administrator's organisation with the e-services it has agreements for and their permissions.",
      tag: 'organisation',
      auth: true,
      status: 200,
      responses: { 200: { description: 'The organisation.', schema: organisationSchema }, 401: R401 },
      handler: ({ session }) => s.administration.getOrganisation(session),
    }),
    defineRoute({
      method: 'GET',
      path: '/users',
      summary:
        "One page of the organisation's users that pass the search (every word in some column: names, HSA-id, " +
        'e-mail, permissions, last login) and the filters (e-service, then permission), sorted on any column ' +
        "(Swedish order; ties by id). Keyset paging: pass the page's nextCursor for the next page, with the same " +
        'sort, direction, search and filters (else 400). The first page carries matched and total.',
      tag: 'users',
      auth: true,
      query: userListQuerySchema,
      status: 200,
      responses: { 200: { description: 'A page of users.', schema: userPageSchema }, 400: R400, 401: R401 },
      handler: ({ session, query, signal }) => s.administration.listUserPage(session, query, signal),
    }),
    defineRoute({
      method: 'GET',
      path: '/users/export.csv',
      summary:
        '"Exportera lista (CSV)": every user that passes the search and filters, in the chosen order, streamed ' +
        "(UTF-8 with BOM, ';' between cells, Swedish headers, cells that would run as formulas defused). With " +
        'scope=all (and the organisation filter) the organisations of the list of all, each named in a first column.',
      tag: 'users',
      auth: true,
      query: userExportQuerySchema,
      status: 200,
      responses: {
        200: { description: 'text/csv, streamed.', mediaType: 'text/csv' },
        400: R400,
        401: R401,
      },
      handler: async ({ session, query, reply }) => {
        const stream = await s.administration.exportUsersCsv(session, query);
        reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="anvandare.csv"');
        return stream;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/users',
      summary: '"Lägg till användare": givenName, surname, hsaId, email, all mandatory.',
      tag: 'users',
      auth: true,
      body: newUserSchema,
      status: 201,
      responses: {
        201: { description: 'Created; ETag carries the version.', schema: userSchema },
        400: R400,
        401: R401,
        409: {
          description: 'The HSA-id is taken, or the organisation has ended.',
          codes: ['hsa-id-in-use', 'hsa-id-is-administrator', 'organisation-ended'],
        },
      },
      handler: async ({ session, body, reply }) => {
        const user = await s.administration.createUser(session, body);
        reply.header('etag', etag(user)).header('location', `/api/v1/users/${user.id}`);
        return user;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/users/:id',
      summary: 'One user.',
      tag: 'users',
      auth: true,
      params: userIdParamsSchema,
      status: 200,
      responses: { 200: { description: 'The user; ETag carries the version.', schema: userSchema }, 401: R401, 404: R404 },
      handler: async ({ session, params, reply }) => {
        const user = await s.administration.getUser(session, params.id);
        reply.header('etag', etag(user));
        return user;
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/users/:id',
      summary: '"Ändra användare": any of givenName, surname, hsaId, email.',
      tag: 'users',
      auth: true,
      ifMatch: true,
      params: userIdParamsSchema,
      body: userPatchSchema,
      status: 200,
      responses: {
        200: { description: 'Changed.', schema: userSchema },
        400: R400,
        401: R401,
        404: R404,
        409: { description: 'The new HSA-id is taken.', codes: ['hsa-id-in-use', 'hsa-id-is-administrator'] },
        412: R412,
        428: R428,
      },
      handler: async ({ session, params, body, version, reply }) => {
        const user = await s.administration.updateUser(session, params.id, version, body);
        reply.header('etag', etag(user));
        return user;
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/users/:id',
      summary: '"Ta bort användare".',
      tag: 'users',
      auth: true,
      ifMatch: true,
      params: userIdParamsSchema,
      status: 204,
      responses: { 204: { description: 'Deleted.' }, 401: R401, 404: R404, 412: R412, 428: R428 },
      handler: async ({ session, params, version }) => {
        await s.administration.deleteUser(session, params.id, version);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/users/:id/permissions/:eserviceId',
      summary:
        'The full set of the user\'s permissions for one e-service ("Klar"), with the end dates of the time-limited ones. Queues an e-mail to the user.',
      tag: 'users',
      auth: true,
      ifMatch: true,
      params: userPermissionParamsSchema,
      body: permissionsPutSchema,
      status: 200,
      responses: {
        200: { description: 'The user with the new permissions.', schema: userSchema },
        400: {
          description: 'Bad input or a permission the e-service does not have.',
          codes: ['validation-failed', 'permission-unknown'],
        },
        401: R401,
        403: { description: 'No agreement for this e-service.', codes: ['no-agreement'] },
        404: R404,
        412: R412,
        428: R428,
      },
      handler: async ({ session, params, body, version, reply }) => {
        const user = await s.administration.setPermissions(
          session,
          params.id,
          params.eserviceId,
          version,
          body.permissions,
          body.endDates ?? {},
        );
        reply.header('etag', etag(user));
        return user;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/audit',
      summary: "The organisation's audit log (who, what, before, after, when), newest first.",
      tag: 'audit',
      auth: true,
      query: auditQuerySchema,
      status: 200,
      responses: { 200: { description: 'Audit entries.', schema: auditListSchema }, 400: R400, 401: R401 },
      handler: async ({ session, query }) => ({ entries: await s.administration.listAudit(session, query) }),
    }),
  ];
}
