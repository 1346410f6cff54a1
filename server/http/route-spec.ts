import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ApiErrorCode } from '../../common/api/index';
import type { SessionContext } from '../services/auth-service';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  /** A body that is not JSON (a streamed CSV); documented with this media type. */
  mediaType?: string;
  /** Error codes this status may carry (documented in the OpenAPI description). */
  codes?: readonly ApiErrorCode[];
}

export interface RouteInput<B, P, Q> {
  body: B;
  params: P;
  query: Q;
  /** Present when the route requires a session. */
  session: SessionContext;
  /** The version from If-Match, when the route requires it. */
  version: number;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Aborts when the client closes the connection before the answer is sent. */
  signal: AbortSignal;
}

/**
 * One API route: its schemas (used both to validate and to write the OpenAPI document) and its
 * handler, which receives already-parsed input.
 */
export interface RouteSpec<B extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: Method;
  /** Fastify path under /api/v1, e.g. /users/:id. */
  path: string;
  summary: string;
  tag: string;
  auth: boolean;
  /** PATCH/PUT/DELETE of a versioned resource: If-Match is required (428 without it). */
  ifMatch?: boolean;
  /** Unauthenticated and creating rows: limited per client address (429 too-many-requests). */
  rateLimited?: boolean;
  body?: B;
  params?: P;
  query?: Q;
  /** The success status and every other status the route answers. */
  status: number;
  responses: Record<number, RouteResponse>;
  handler(input: RouteInput<z.output<B>, z.output<P>, z.output<Q>>): Promise<unknown>;
}

/** Keeps the generic types of one route while collecting routes in one list. */
export function defineRoute<B extends z.ZodType, P extends z.ZodType, Q extends z.ZodType>(spec: RouteSpec<B, P, Q>): RouteSpec {
  return spec as unknown as RouteSpec;
}
