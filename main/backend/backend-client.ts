import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import {
  administratorEntrySchema,
  administratorListSchema,
  auditListSchema,
  challengeResponseSchema,
  loginResponseSchema,
  organisationSchema,
  organisationSwitchResponseSchema,
  type AdministratorEntry,
  type AdministratorList,
  type OrganisationSwitchResponse,
  statusSchema,
  userPageSchema,
  userSchema,
  type ChallengeResponse,
  type LoginRequest,
  type LoginResponse,
  type NewUser,
  type Organisation,
  type Status,
  type User,
  type UserListQuery,
  type UserPage,
  type UserPatch,
} from '../../common/api/schemas';

import { apiErrorBodySchema, isAdministrationRefusal, type ApiErrorCode } from '../../common/api/error-codes';
import type { AppErrorCode } from '../../common/errors/error-codes';
import { AppFailure } from '../errors/app-failure';
import { axiosTransportOptions, transportFailure, type BackendTransport } from './backend-transport';
import { markValidated } from '../ipc/validated-response';

type AuditList = z.infer<typeof auditListSchema>;

export interface BackendClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  /** The fetch to call through: Electron's net.fetch in the app (system proxy, OS certificates); undici's or Node's elsewhere. */
  transport?: BackendTransport;
}

/** Maps the backend's error codes to the app's closed vocabulary. */
export function fromApiErrorCode(code: ApiErrorCode): AppErrorCode {
  // ADMINISTRATION_REFUSAL_CODES: the client's code is the backend's.
  if (isAdministrationRefusal(code)) return code;
  switch (code) {
    case 'challenge-unknown':
    case 'challenge-expired':
    case 'challenge-used':
      return 'login-challenge-failed';
    case 'origin-mismatch':
      return 'login-origin-mismatch';
    case 'algorithm-unsupported':
    case 'algorithm-mismatch':
    case 'signature-invalid':
      return 'login-signature-invalid';
    case 'certificate-expired':
      return 'certificate-expired';
    case 'certificate-not-yet-valid':
      return 'certificate-not-yet-valid';
    case 'certificate-untrusted':
    case 'certificate-malformed':
      return 'certificate-untrusted';
    case 'certificate-key-usage':
    case 'certificate-no-hsa-id':
      return 'login-certificate-key-usage';
    case 'certificate-revoked':
      return 'certificate-revoked';
    case 'revocation-unavailable':
      return 'revocation-unavailable';
    case 'not-authorised':
      return 'login-not-authorised';
    case 'unauthenticated':
      return 'not-logged-in';
    case 'session-expired':
      return 'session-expired';
    case 'body-too-large':
      return 'validation-failed';
    case 'precondition-required':
      return 'version-conflict';
    case 'too-many-requests':
    case 'unavailable':
    case 'internal':
      return 'backend-failed';
  }
}

/**
 * The backend API as main uses it: typed calls, every answer checked against the shared schemas,
 * every failure turned into one code of the closed vocabulary. Retries only idempotent reads.
 */
export class BackendClient {
  private readonly http: AxiosInstance;

  constructor(private readonly options: BackendClientOptions) {
    this.http = axios.create({
      baseURL: options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
      timeout: options.timeoutMs ?? 10_000,
      validateStatus: () => true,
      ...axiosTransportOptions(options.transport),
    });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  private async call<S extends z.ZodType>(
    schema: S | null,
    config: AxiosRequestConfig & { url: string },
    { retry = false }: { retry?: boolean } = {},
  ): Promise<{ data: z.infer<S>; etag: string | null }> {
    const attempts = retry ? 2 : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await this.http.request({ ...config, url: config.url.replace(/^\//, '') });
        if (response.status >= 200 && response.status < 300) {
          if (schema === null) return { data: undefined as z.infer<S>, etag: null };
          const parsed = schema.safeParse(response.data);
          if (!parsed.success) throw new AppFailure('backend-malformed', { status: String(response.status) });
          const etag = response.headers.etag;
          return { data: parsed.data, etag: typeof etag === 'string' ? etag : null };
        }
        // The transport refuses redirects; a proxy wanting credentials may still answer 407 itself.
        if (response.status === 407) throw new AppFailure('backend-proxy-auth', { status: '407' });
        if (response.status >= 300 && response.status < 400)
          throw new AppFailure('backend-redirect', { status: String(response.status) });
        const body = apiErrorBodySchema.safeParse(response.data);
        if (!body.success) {
          if (retry && attempt < attempts && response.status >= 502) continue;
          throw new AppFailure(response.status >= 500 ? 'backend-failed' : 'backend-malformed', {
            status: String(response.status),
          });
        }
        const details: Record<string, string> = { status: String(response.status), apiCode: body.data.error.code };
        for (const [field, message] of Object.entries(body.data.error.fields ?? {})) details[`field.${field}`] = message;
        // A refused user's contacts (source 004), as flat details: contact.N.{organisation,role,givenName,surname,email}.
        (body.data.error.contacts ?? []).forEach((contact, i) => {
          for (const [key, value] of Object.entries(contact)) details[`contact.${i}.${key}`] = value;
        });
        throw new AppFailure(fromApiErrorCode(body.data.error.code), details);
      } catch (error) {
        if (error instanceof AppFailure) throw error;
        // Called off by the caller (a newer request replaced this one): its reason, never retried.
        const signal = config.signal as AbortSignal | undefined;
        if (signal?.aborted) {
          throw signal.reason instanceof AppFailure
            ? signal.reason
            : new AppFailure('internal', { reason: 'aborted' }, { cause: error });
        }
        const failure = transportFailure(error);
        const transient = failure.code === 'backend-unreachable' || failure.code === 'backend-timeout';
        if (retry && transient && attempt < attempts) continue;
        throw failure;
      }
    }
  }

  private auth(token: string) {
    return { Authorization: `Bearer ${token}` };
  }

  /** GET /status: health and operator messages. */
  async status(): Promise<Status> {
    return (await this.call(statusSchema, { method: 'GET', url: 'api/v1/status' }, { retry: true })).data;
  }

  /** POST /auth/challenge: a fresh single-use nonce. */
  async challenge(): Promise<ChallengeResponse> {
    return (await this.call(challengeResponseSchema, { method: 'POST', url: 'api/v1/auth/challenge', data: {} })).data;
  }

  /** POST /auth/login: never retried, since the nonce burns on the first try. */
  async login(request: LoginRequest): Promise<LoginResponse> {
    return (await this.call(loginResponseSchema, { method: 'POST', url: 'api/v1/auth/login', data: request })).data;
  }

  /** POST /auth/logout: invalidates the session token at once. */
  async logout(token: string): Promise<void> {
    await this.call(null, { method: 'POST', url: 'api/v1/auth/logout', headers: this.auth(token), data: {} });
  }

  /** POST /auth/organisation: moves the session to another of the person's organisations. */
  async switchOrganisation(token: string, organisationId: string): Promise<OrganisationSwitchResponse> {
    return (
      await this.call(organisationSwitchResponseSchema, {
        method: 'POST',
        url: 'api/v1/auth/organisation',
        headers: this.auth(token),
        data: { organisationId },
      })
    ).data;
  }

  /** GET /administrators: the organisation's authorised orderers and administrators. */
  async listAdministrators(token: string): Promise<AdministratorList> {
    return (
      await this.call(
        administratorListSchema,
        { method: 'GET', url: 'api/v1/administrators', headers: this.auth(token) },
        { retry: true },
      )
    ).data;
  }

  /** POST /administrators: the authorised orderer appoints an administrator. */
  async appointAdministrator(token: string, person: NewUser): Promise<AdministratorEntry> {
    return (
      await this.call(administratorEntrySchema, {
        method: 'POST',
        url: 'api/v1/administrators',
        headers: this.auth(token),
        data: person,
      })
    ).data;
  }

  /** DELETE /administrators/{hsaId}: the authorised orderer removes an administrator. */
  async removeAdministrator(token: string, hsaId: string): Promise<void> {
    await this.call(null, {
      method: 'DELETE',
      url: `api/v1/administrators/${encodeURIComponent(hsaId)}`,
      headers: this.auth(token),
    });
  }

  /** GET /organisation: the administrator's organisation and its e-services. */
  async organisation(token: string): Promise<Organisation> {
    return (
      await this.call(
        organisationSchema,
        { method: 'GET', url: 'api/v1/organisation', headers: this.auth(token) },
        { retry: true },
      )
    ).data;
  }

  /**
   * GET /users: one page of the organisation's users (search, filters, sort, keyset cursor),
   * parsed once here; the IPC router passes it on as it is. Aborting `signal` closes the request
   * (the server then drops its queued read) and fails with the signal's reason.
   */
  async listUserPage(token: string, query: UserListQuery, signal?: AbortSignal): Promise<UserPage> {
    const { data } = await this.call(
      userPageSchema,
      { method: 'GET', url: 'api/v1/users', headers: this.auth(token), params: query, ...(signal ? { signal } : {}) },
      { retry: true },
    );
    return markValidated(data, userPageSchema);
  }

  /** GET /users/{id}. */
  async getUser(token: string, id: string): Promise<User> {
    return (
      await this.call(
        userSchema,
        { method: 'GET', url: `api/v1/users/${encodeURIComponent(id)}`, headers: this.auth(token) },
        { retry: true },
      )
    ).data;
  }

  /** POST /users. */
  async createUser(token: string, user: NewUser): Promise<User> {
    return (await this.call(userSchema, { method: 'POST', url: 'api/v1/users', headers: this.auth(token), data: user })).data;
  }

  /** PATCH /users/{id} with If-Match: a stale version is refused, never overwritten. */
  async updateUser(token: string, id: string, version: number, patch: UserPatch): Promise<User> {
    return (
      await this.call(userSchema, {
        method: 'PATCH',
        url: `api/v1/users/${encodeURIComponent(id)}`,
        headers: { ...this.auth(token), 'If-Match': `"${version}"` },
        data: patch,
      })
    ).data;
  }

  /** DELETE /users/{id} with If-Match. */
  async deleteUser(token: string, id: string, version: number): Promise<void> {
    await this.call(null, {
      method: 'DELETE',
      url: `api/v1/users/${encodeURIComponent(id)}`,
      headers: { ...this.auth(token), 'If-Match': `"${version}"` },
    });
  }

  /** PUT /users/{id}/permissions/{eserviceId}: the full set for that e-service, with the end dates of the time-limited ones. */
  async setPermissions(
    token: string,
    id: string,
    version: number,
    eserviceId: string,
    permissions: string[],
    endDates: Record<string, string> = {},
  ): Promise<User> {
    return (
      await this.call(userSchema, {
        method: 'PUT',
        url: `api/v1/users/${encodeURIComponent(id)}/permissions/${encodeURIComponent(eserviceId)}`,
        headers: { ...this.auth(token), 'If-Match': `"${version}"` },
        data: Object.keys(endDates).length > 0 ? { permissions, endDates } : { permissions },
      })
    ).data;
  }

  /** GET /audit: the organisation's change log, newest first. */
  async listAudit(token: string, query: { limit?: number; before?: number; userId?: string } = {}): Promise<AuditList> {
    return (
      await this.call(
        auditListSchema,
        { method: 'GET', url: 'api/v1/audit', headers: this.auth(token), params: query },
        { retry: true },
      )
    ).data;
  }
}
