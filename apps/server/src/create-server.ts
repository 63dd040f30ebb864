import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Logger, Mastra } from '@mastra-ts/core';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { createAuthCheck, type AuthOptions } from './auth.ts';
import { createCorsPolicy, type CorsOptions, type CorsPolicy } from './cors.ts';
import { HttpError, toHttpError } from './http-error.ts';
import { buildRequestContext, parseQuery, validationError } from './input.ts';
import { trackBackground, type RouteDefinition, type RouteResult, type ServerState } from './route.ts';
import { defaultRoutes } from './routes/index.ts';
import { framedStream, recordFrame, recordHeaders, sseFrame, sseHeaders } from './stream-response.ts';
import { publicError } from './agent-chunks.ts';
import { HttpMetrics } from './http-metrics.ts';
import { WorkflowEventHub } from './workflow-events.ts';
import { logRoutes, type LogSource } from './routes/logs.ts';
import { teeLogger } from './buffered-logger.ts';
import { createLogBuffer } from '@mastra-ts/telemetry';

/** Options of `createServer`. */
export interface ServerOptions {
  /** Port for `listen()` (default `PORT` or 4111; 0 picks a free port). */
  port?: number;
  /** Interface for `listen()` (default `127.0.0.1`; use `0.0.0.0` to serve the network). */
  host?: string;
  /** Prefix of the API routes (default `/api`, as `@mastra/client-js` expects). */
  apiPrefix?: string;
  /**
   * Bearer-token auth on every route except `/health` and the playground page (whose API calls
   * need the token too). Defaults to `{ token: MASTRA_TS_API_KEY }` when that variable is set; `false` disables.
   */
  auth?: AuthOptions | false;
  /** CORS for browsers on other origins: off by default, explicit origins only. */
  cors?: CorsOptions;
  /** Largest accepted request body in bytes (default 4 MiB). */
  bodyLimit?: number;
  /** Logger for request lines and errors (default: the Mastra instance's logger). */
  logger?: Logger;
  /** Prometheus text for `GET /metrics` (default: the telemetry registry when the tracer exposes one). */
  metrics?: () => string | Promise<string>;
  /** Serve the playground page at `/` (default true). */
  playground?: boolean;
  /** How long `close()` lets open streams finish before cancelling them, in ms (default 5000). */
  shutdownGraceMs?: number;
  /**
   * Queryable log transports for `/api/logs` (e.g. the `createLogBuffer()` you gave to `createLogger({ buffer })`).
   * Default: a buffer of the server's own log lines, named `server`.
   */
  logs?: LogSource[];
  /** Continue workflow runs whose process died (expired lease) when `listen()` starts (default true). */
  recoverWorkflows?: boolean;
  /** Extra routes, validated and authenticated like the built-in ones. */
  routes?: RouteDefinition[];
}

/** A server built by `createServer`. */
export interface MastraServer {
  /** The Hono app; `app.fetch` is a standard fetch handler (for Bun, Deno, workers or tests). */
  readonly app: Hono;
  /** `app.fetch`, bound. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Every route, with its schemas (used for OpenAPI and by tests). */
  readonly routes: readonly ResolvedRoute[];
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<{ url: string; port: number }>;
  /** Stops accepting requests, lets open streams finish (up to `shutdownGraceMs`), cancels the rest, closes the socket. */
  close(): Promise<void>;
}

/** A route with its full path. */
export interface ResolvedRoute {
  readonly method: RouteDefinition['method'];
  /** Full path, hono syntax, including the API prefix. */
  readonly path: string;
  readonly definition: RouteDefinition;
}

const defaultBodyLimit = 4 * 1024 * 1024;
const healthBody = '{"status":"ok"}';
const healthHeaders = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(healthBody.length) };
const noBodyMethods = new Set(['GET', 'HEAD', 'DELETE']);

/** Normalizes an API prefix: leading `/`, no trailing `/`, `''` for the root. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * Creates the HTTP server for a `Mastra` instance: the `@mastra/client-js` API, SSE streams,
 * auth, CORS, OpenAPI, metrics, health and the playground page.
 *
 * @example
 * const server = createServer(mastra, { port: 4111, auth: { token: process.env.API_TOKEN! } });
 * const { url } = await server.listen();
 */
export function createServer(mastra: Mastra, options: ServerOptions = {}): MastraServer {
  const apiPrefix = normalizePrefix(options.apiPrefix ?? '/api');
  const serverLogs = options.logs === undefined ? createLogBuffer({ name: 'server', capacity: 2000 }) : undefined;
  const logSources: LogSource[] = options.logs ?? [serverLogs!];
  const logger = serverLogs ? teeLogger(options.logger ?? mastra.getLogger(), serverLogs) : (options.logger ?? mastra.getLogger());
  const bodyLimit = options.bodyLimit ?? defaultBodyLimit;
  const envToken = process.env.MASTRA_TS_API_KEY;
  const authOption = options.auth === undefined ? (envToken ? { token: envToken } : undefined) : options.auth === false ? undefined : options.auth;
  const checkAuth = authOption ? createAuthCheck(authOption) : undefined;
  const cors: CorsPolicy | undefined = options.cors ? createCorsPolicy(options.cors) : undefined;
  let routes: ResolvedRoute[] = [];
  const state: ServerState = { activeStreams: new Set(), background: new Set(), closing: false, idempotency: new Map(), metrics: new HttpMetrics(), routes: () => routes, workflowEvents: new WorkflowEventHub() };
  const shutdown = new AbortController();

  const definitions = [
    ...defaultRoutes({ apiPrefix, metrics: options.metrics, playground: options.playground !== false, authEnabled: checkAuth !== undefined }),
    ...logRoutes(() => logSources),
    ...(options.routes ?? []),
  ];
  routes = definitions.map((definition) => ({
    method: definition.method,
    path: definition.root ? definition.path : `${apiPrefix}${definition.path}` || '/',
    definition,
  }));

  const app = new Hono();
  const withCors = (request: Request, headers: Headers): void => {
    if (!cors) return;
    const extra = cors.headers(request.headers.get('origin'));
    if (extra) for (const [key, value] of Object.entries(extra)) headers.set(key, value);
  };
  const errorResponse = (error: HttpError, request: Request, requestId: string): Response => {
    const headers = new Headers({ 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId });
    if (error.status === 401) headers.set('www-authenticate', 'Bearer');
    withCors(request, headers);
    return new Response(JSON.stringify(error.body), { status: error.status, headers });
  };

  for (const route of routes) {
    const { definition } = route;
    const shape = { ...definition.params?.shape, ...definition.query?.shape, ...definition.body?.shape };
    const schema = Object.keys(shape).length > 0 ? z.object(shape) : undefined;
    const counters = state.metrics.route(route.method, route.path);
    const handler = async (c: Context): Promise<Response> => {
      const request = c.req.raw;
      const incomingId = request.headers.get('x-request-id');
      const requestId = incomingId !== null && /^[\w.:-]{1,100}$/.test(incomingId) ? incomingId : nextRequestId();
      const started = performance.now();
      let status = 500;
      let cleanup: (() => void) | undefined;
      let streaming = false;
      try {
        if (state.closing) throw new HttpError('SERVICE_UNAVAILABLE', 'The server is shutting down');
        if (checkAuth && !definition.public && !(await checkAuth(request))) {
          throw new HttpError('UNAUTHORIZED', 'Missing or invalid bearer token: send Authorization: Bearer <token>');
        }
        const url = new URL(request.url);
        const query = parseQuery(url);
        const queryContext = query.requestContext;
        delete query.requestContext;
        const body = noBodyMethods.has(request.method) ? undefined : await readJsonBody(request, bodyLimit);
        const bodyContext = body?.requestContext;
        const raw = { ...query, ...c.req.param(), ...body };
        let input: Record<string, unknown> = raw;
        if (schema) {
          const parsed = schema.safeParse(raw);
          if (!parsed.success) throw validationError(parsed.error, 'request');
          input = parsed.data as Record<string, unknown>;
        }
        const abort = new AbortController();
        const signal = abort.signal;
        const onAbort = (): void => abort.abort(request.signal.aborted ? request.signal.reason : shutdown.signal.reason);
        request.signal.addEventListener('abort', onAbort, { once: true });
        shutdown.signal.addEventListener('abort', onAbort, { once: true });
        cleanup = () => {
          request.signal.removeEventListener('abort', onAbort);
          shutdown.signal.removeEventListener('abort', onAbort);
        };
        const result = await definition.handler({
          input,
          mastra,
          abortSignal: signal,
          requestContext: buildRequestContext(queryContext, bodyContext),
          request,
          requestId,
          logger,
          state,
        } as Parameters<RouteDefinition['handler']>[0]);
        const response = toResponse(result, abort, requestId, cleanup);
        streaming = result.kind === 'sse' || result.kind === 'records';
        withCors(request, response.headers);
        status = response.status;
        return response;
      } catch (error) {
        const httpError = toHttpError(error);
        status = httpError.status;
        if (httpError.status >= 500) logger.error({ requestId, method: request.method, path: route.path, err: httpError.cause ?? httpError }, 'request failed');
        return errorResponse(httpError, request, requestId);
      } finally {
        if (!streaming) cleanup?.();
        const seconds = (performance.now() - started) / 1000;
        counters.record(status, seconds);
        if (status >= 400 || !definition.root) logger.info({ requestId, method: request.method, path: c.req.path, status, ms: Math.round(seconds * 1e6) / 1000 }, 'request');
      }
    };
    app.on(route.method, route.path, handler);
  }

  const toResponse = (result: RouteResult, abort: AbortController, requestId: string, cleanup: (() => void) | undefined): Response => {
    switch (result.kind) {
      case 'json':
        return new Response(JSON.stringify(result.body ?? null), {
          status: result.status ?? 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId },
        });
      case 'response':
        result.response.headers.set('x-request-id', requestId);
        return result.response;
      case 'sse':
      case 'records': {
        state.activeStreams.add(abort);
        const isSse = result.kind === 'sse';
        const body = framedStream(isSse ? result.parts : result.records, isSse ? sseFrame : recordFrame, {
          ...(isSse ? { suffix: 'data: [DONE]\n\n' } : {}),
          onCancel: (reason) => abort.abort(reason ?? new Error('client disconnected')),
          onDone: () => {
            cleanup?.();
            state.activeStreams.delete(abort);
            result.onClose?.();
          },
          errorFrame: (error) => (isSse ? { type: 'error', runId: '', from: 'AGENT', payload: { error: publicError(error) } } : { type: 'error', payload: { error: publicError(error) } }),
        });
        return new Response(body, { status: 200, headers: { ...(isSse ? sseHeaders : recordHeaders), 'x-request-id': requestId } });
      }
    }
  };

  app.options('*', (c) => {
    const headers = cors?.preflight(c.req.header('origin') ?? null, c.req.header('access-control-request-headers') ?? null);
    return new Response(null, { status: 204, headers: headers ?? {} });
  });
  app.notFound(async (c) => {
    const requestId = nextRequestId();
    const inApi = apiPrefix === '' || c.req.path === apiPrefix || c.req.path.startsWith(`${apiPrefix}/`);
    if (checkAuth && inApi && !(await checkAuth(c.req.raw))) {
      return errorResponse(new HttpError('UNAUTHORIZED', 'Missing or invalid bearer token: send Authorization: Bearer <token>'), c.req.raw, requestId);
    }
    return errorResponse(new HttpError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`), c.req.raw, requestId);
  });
  app.onError((error, c) => {
    const httpError = toHttpError(error);
    return errorResponse(httpError, c.req.raw, nextRequestId());
  });

  let server: Server | undefined;
  const fetch = (request: Request): Promise<Response> => Promise.resolve(app.fetch(request));

  return {
    app,
    fetch,
    routes,
    async listen() {
      if (server) throw new Error('createServer: listen() was already called');
      const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : 4111);
      const hostname = options.host ?? '127.0.0.1';
      const listener = getRequestListener(app.fetch);
      // liveness probes hit /health constantly: answer it before the fetch adapter (it still goes through Hono, with a 503, while closing)
      const instance = createHttpServer((request, response) => {
        if (request.url === '/health' && request.method === 'GET' && !state.closing) {
          response.writeHead(200, healthHeaders);
          response.end(healthBody);
          return;
        }
        void listener(request, response);
      });
      server = instance;
      const address = await new Promise<AddressInfo>((resolve, reject) => {
        instance.once('error', reject);
        instance.listen(port, hostname, () => resolve(instance.address() as AddressInfo));
      });
      if (options.recoverWorkflows !== false && Object.keys(mastra.listWorkflows()).length > 0) {
        const recovered = (await mastra.startWorkflowRecovery()) as Array<{ runId: string; result: Promise<unknown> }>;
        for (const run of recovered) trackBackground(state, run.result);
        if (recovered.length > 0) logger.info({ runs: recovered.map((run) => run.runId) }, 'recovered workflow runs');
      }
      const host = address.address.includes(':') ? `[${address.address}]` : address.address;
      return { url: `http://${host}:${address.port}`, port: address.port };
    },
    async close() {
      state.closing = true;
      const httpServer = server;
      const closed = httpServer ? new Promise<void>((resolve) => httpServer.close(() => resolve())) : Promise.resolve();
      httpServer?.closeIdleConnections();
      const grace = options.shutdownGraceMs ?? 5000;
      const drained = waitFor(() => state.activeStreams.size === 0 && state.background.size === 0, grace);
      await drained;
      shutdown.abort(new Error('server shutting down'));
      for (const stream of state.activeStreams) stream.abort(new Error('server shutting down'));
      // cancelled agent streams still write their abort chunk and [DONE]
      await waitFor(() => state.activeStreams.size === 0, 1000);
      const executors = new Set<{ dispose(): Promise<void> }>();
      for (const workflow of Object.values(mastra.listWorkflows())) {
        const executor = (workflow as { executor?: { dispose?: () => Promise<void> } }).executor;
        if (executor && typeof executor.dispose === 'function') executors.add(executor as { dispose(): Promise<void> });
      }
      // runs still executing after the grace period stop here and release their leases, so another process recovers them
      await Promise.allSettled([...executors].map((executor) => executor.dispose()));
      await Promise.allSettled([...state.background]);
      httpServer?.closeAllConnections();
      await closed;
    },
  };
}

const requestIdPrefix = `${process.pid.toString(36)}-${Date.now().toString(36)}-`;
let requestCounter = 0;

/** Request ids unique within the process, cheap enough for every request. */
function nextRequestId(): string {
  requestCounter += 1;
  return `${requestIdPrefix}${requestCounter.toString(36)}`;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function readJsonBody(request: Request, limit: number): Promise<Record<string, unknown> | undefined> {
  const length = request.headers.get('content-length');
  if (length !== null && Number(length) > limit) throw new HttpError('PAYLOAD_TOO_LARGE', `Request body is ${length} bytes; the limit is ${limit} bytes`);
  let bytes: Uint8Array;
  if (length !== null) {
    bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > limit) throw new HttpError('PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes`);
  } else {
    const streamed = await readLimited(request, limit);
    if (streamed === undefined) return undefined;
    bytes = streamed;
  }
  if (bytes.byteLength === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError('BAD_REQUEST', 'Request body is not valid UTF-8');
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError('BAD_REQUEST', `Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError('BAD_REQUEST', 'Request body must be a JSON object');
  return value as Record<string, unknown>;
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (!request.body) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new HttpError('PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
