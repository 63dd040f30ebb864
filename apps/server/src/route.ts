import type { Mastra, RequestContext } from '@mastra-ts/core';
import type { Logger } from '@mastra-ts/core';
import type { z } from 'zod';
import type { ResolvedRoute } from './create-server.ts';
import type { HttpMetrics } from './http-metrics.ts';
import type { WorkflowEventHub } from './workflow-events.ts';

/** HTTP methods the server routes. */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The route families, used for grouping (OpenAPI tags) and tests that enumerate routes. */
export type RouteFamily = 'agents' | 'tools' | 'workflows' | 'memory' | 'vectors' | 'logs' | 'observability' | 'system';

/** What a handler receives. */
export interface RouteContext<Input> {
  /** Path params, query and body merged (body wins) and validated. */
  input: Input;
  mastra: Mastra;
  /** Aborted when the client disconnects or the server shuts down. */
  abortSignal: AbortSignal;
  /** Merged from the `requestContext` query param (base64 JSON) and body field. */
  requestContext: RequestContext;
  request: Request;
  requestId: string;
  logger: Logger;
  /** Server-wide shared state (stream registry, idempotency cache). */
  state: ServerState;
}

/** The body kinds a handler can return. */
export type RouteResult =
  | { kind: 'json'; status?: number; body: unknown }
  | { kind: 'sse'; parts: AsyncIterable<unknown>; onClose?: () => void }
  | { kind: 'records'; records: AsyncIterable<unknown>; onClose?: () => void }
  | { kind: 'response'; response: Response };

/** A route of the API, with the zod schemas its input is validated against. */
export interface RouteDefinition<Params extends z.ZodObject = z.ZodObject, Query extends z.ZodObject = z.ZodObject, Body extends z.ZodObject = z.ZodObject> {
  method: RouteMethod;
  /** Path relative to the API prefix, hono syntax: `/agents/:agentId`. */
  path: string;
  family: RouteFamily;
  summary: string;
  params?: Params;
  query?: Query;
  body?: Body;
  /** The response format, for OpenAPI. */
  responds?: 'json' | 'sse' | 'records';
  /** Served outside the API prefix (`/health`, `/metrics`). */
  root?: boolean;
  /** Served without authentication (only `/health`). */
  public?: boolean;
  handler(context: RouteContext<z.output<Params> & z.output<Query> & z.output<Body>>): Promise<RouteResult> | RouteResult;
}

/** Mutable state shared by all routes of one server. */
export interface ServerState {
  /** Streams currently being written; closed on shutdown. */
  readonly activeStreams: Set<AbortController>;
  /** Work (fire-and-forget runs) to await on shutdown. */
  readonly background: Set<Promise<unknown>>;
  /** Whether the server is shutting down: new requests get 503. */
  closing: boolean;
  /** In-flight and recent results of POSTs carrying a runId, for idempotent retries. */
  readonly idempotency: Map<string, { promise: Promise<unknown>; expiresAt: number }>;
  /** HTTP request counters for `/metrics`. */
  readonly metrics: HttpMetrics;
  /** Every route of the server (for OpenAPI). */
  readonly routes: () => readonly ResolvedRoute[];
  /** Recorded events of workflow runs, for `/observe`. */
  readonly workflowEvents: WorkflowEventHub;
}

/** Identity helper that keeps a route's schema types. */
export function defineRoute<Params extends z.ZodObject = z.ZodObject, Query extends z.ZodObject = z.ZodObject, Body extends z.ZodObject = z.ZodObject>(
  route: RouteDefinition<Params, Query, Body>,
): RouteDefinition {
  return route as unknown as RouteDefinition;
}

/** A JSON result. */
export function json(body: unknown, status?: number): RouteResult {
  return status === undefined ? { kind: 'json', body } : { kind: 'json', body, status };
}

/** Keeps fire-and-forget work in `state.background` until it settles, so shutdown can wait for it. */
export function trackBackground(state: ServerState, promise: Promise<unknown>): void {
  const tracked = promise.catch(() => undefined);
  state.background.add(tracked);
  void tracked.finally(() => state.background.delete(tracked));
}
