import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import { parseWithSwedishMessages } from '../common/api/index';
import type { TrustStore } from './auth/trust-store';
import { RevocationChecker } from '../common/revocation/revocation-check';
import type { Clock } from './core/clock';
import { ApiError, validationError } from './core/api-error';
import { buildOpenApiDocument } from './http/openapi';
import type { RouteSpec } from './http/route-spec';
import { apiRoutes } from './routes/api-routes';
import { AdministrationService } from './services/administration-service';
import { AuthService, DEFAULT_AUTH_SETTINGS, type AuthSettings, type SessionContext } from './services/auth-service';
import { StatusService } from './services/status-service';
import type { Storage } from './storage/storage';
import { StorageError } from './storage/storage-error';

export const SERVER_VERSION = '0.1.0';
export const API_PREFIX = '/api/v1';
/** Largest request body accepted: a login (certificate + signature) fits many times over. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** Challenges one client address may fetch per minute from one instance. */
export const DEFAULT_CHALLENGES_PER_MINUTE = 60;

export interface AppOptions {
  storage: Storage;
  clock: Clock;
  trust: TrustStore;
  logger: Logger;
  auth: Pick<AuthSettings, 'origin'> & Partial<AuthSettings>;
  /** Check every response against its schema (tests): a mismatch is a 500 and a log line. */
  checkResponses?: boolean;
  /** Limits on the unauthenticated routes, per client address and instance. */
  rateLimit?: { challengesPerMinute: number };
  /** The OCSP/CRL checker (default: one over fetch with a 5 s limit per request). */
  revocationChecker?: Pick<RevocationChecker, 'check'>;
}

export interface App {
  fastify: FastifyInstance;
  auth: AuthService;
  administration: AdministrationService;
}

/** A request's work called off because its client closed the connection before the answer. */
class ClientGone extends Error {
  constructor() {
    super('the client closed the request');
    this.name = 'ClientGone';
  }
}

function parseOrThrow(schema: RouteSpec['body'], value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = parseWithSwedishMessages(schema, value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const fields = Object.fromEntries(Object.entries(result.fields).map(([k, v]) => [where === 'body' ? k : `${where}.${k}`, v]));
  throw validationError(fields);
}

/**
 * The version from If-Match (`"3"`, `W/"3"` or `3`); 428 without it. Anything else can match no
 * version of the user, so the precondition fails: 412, before the body is looked at.
 */
function versionFromIfMatch(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (header === undefined || header === '') {
    throw new ApiError(428, 'precondition-required', 'If-Match krävs: skicka versionen (ETag) du läste');
  }
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(String(header));
  if (!match?.[1]) {
    throw new ApiError(412, 'version-conflict', 'If-Match ska vara versionen (ETag) du läste, till exempel "3"');
  }
  return Number(match[1]);
}

/** Builds the Fastify app with all routes; the caller listens (or injects, in tests). */
export function buildApp(options: AppOptions): App {
  const log = options.logger;
  const fastify = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
  });

  const revocation =
    options.revocationChecker ??
    new RevocationChecker({ fetch: (url, init) => fetch(url, init), now: () => options.clock.now(), timeoutMs: 5000 });
  const authSettings = { ...DEFAULT_AUTH_SETTINGS, ...options.auth };
  if (authSettings.revocation === 'off') log.warn('revocation checking is off (--revocation off): development only');
  const auth = new AuthService(options.storage, options.clock, options.trust, authSettings, log, revocation);
  const administration = new AdministrationService(options.storage, options.clock);
  const status = new StatusService(options.storage, options.clock, SERVER_VERSION, (e) =>
    log.error({ err: e }, 'database fault seen by GET /status'),
  );
  const routes = apiRoutes({ auth, administration, status });
  const openApi = buildOpenApiDocument(routes, { version: SERVER_VERSION, origin: auth.origin });

  // An empty JSON body counts as "no body" (POST /auth/challenge, /auth/logout); anything else
  // goes through Fastify's parser with prototype-poisoning protection.
  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    else jsonParser(request, body as string, done);
  });

  fastify.addHook('onSend', async (_request, reply, payload) => {
    // Lists must never be served stale from a cache (the FAQ's complaint).
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  fastify.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(new ApiError(404, 'not-found', `Ingen resurs ${request.method} ${request.url.split('?')[0]}`).toBody());
  });

  fastify.setErrorHandler((error: FastifyError | ApiError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      return reply.code(error.status).send(error.toBody());
    }
    const fe = error as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(400)
        .send(new ApiError(400, 'body-too-large', 'För stor begäran', { body: `Högst ${BODY_LIMIT_BYTES} byte` }).toBody());
    }
    // Fastify's own 4xx: malformed JSON, wrong content type, bad URL encoding and the like.
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const field = fe.code?.startsWith('FST_ERR_CTP') ? 'body' : 'request';
      return reply.code(400).send(validationError({ [field]: 'Begäran kunde inte tolkas' }, 'Ogiltig begäran').toBody());
    }
    if (error instanceof ClientGone) {
      // Nobody waits for an answer: the reads not yet begun were dropped.
      request.log.info('request closed by the client');
      return reply.code(499).send();
    }
    if (error instanceof StorageError) {
      // The database, not the request: say so (the log has the kind, the path and the cause).
      request.log.error({ err: error, fault: error.kind }, 'database fault');
      return reply
        .code(503)
        .send(new ApiError(503, 'unavailable', 'Tjänsten kan inte nå eller skriva till sin databas just nu').toBody());
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(new ApiError(500, 'internal', 'Internt fel').toBody());
  });

  fastify.get(`${API_PREFIX}/openapi.json`, async () => openApi);

  // The routes in one plugin context, so the rate limiter is loaded before they are added.
  fastify.register(async (api) => {
    await api.register(rateLimit, {
      global: false,
      // Per client address and per instance (memory store): with N instances behind a load
      // balancer an address gets up to N times the limit.
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, 'too-many-requests', `För många förfrågningar; försök igen om ${context.after}`),
    });
    for (const route of routes) addRoute(api, route);
  });

  function addRoute(api: FastifyInstance, route: RouteSpec): void {
    api.route({
      method: route.method,
      url: `${API_PREFIX}${route.path}`,
      config: route.rateLimited
        ? { rateLimit: { max: options.rateLimit?.challengesPerMinute ?? DEFAULT_CHALLENGES_PER_MINUTE, timeWindow: 60_000 } }
        : {},
      handler: async (request, reply) => {
        const session: SessionContext | undefined = route.auth
          ? await auth.authenticate(request.headers.authorization)
          : undefined;
        // The precondition before the body: a request that cannot apply is refused as such.
        const version = route.ifMatch ? versionFromIfMatch(request) : 0;
        const params = parseOrThrow(route.params, request.params, 'path');
        const query = parseOrThrow(route.query, request.query, 'query');
        const body = route.body ? parseOrThrow(route.body, request.body, 'body') : undefined;
        const closed = new AbortController();
        reply.raw.once('close', () => {
          if (!reply.raw.writableEnded) closed.abort(new ClientGone());
        });
        const result = await route.handler({
          body,
          params,
          query,
          session: session as SessionContext,
          version,
          request,
          reply,
          signal: closed.signal,
        });
        if (reply.statusCode === 200 && route.status !== 200) reply.code(route.status);
        if (route.status === 204) return reply.send();
        if (options.checkResponses) {
          const schema = route.responses[reply.statusCode]?.schema;
          if (schema) {
            const checked = schema.safeParse(result);
            if (!checked.success)
              throw new Error(`Response of ${route.method} ${route.path} breaks its schema: ${checked.error.message}`);
          }
        }
        return result;
      },
    });
  }

  return { fastify, auth, administration };
}
