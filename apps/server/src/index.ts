/**
 * @module
 * `@mastra-ts/server`: an HTTP server for a `Mastra` instance that `@mastra/client-js` drives unchanged:
 * agents (generate, SSE streams), tools, workflows, memory, vectors, logs and traces, plus `/health`,
 * `/metrics`, `/api/openapi.json` and a playground page.
 */
export { createServer, normalizePrefix, type MastraServer, type ResolvedRoute, type ServerOptions } from './create-server.ts';
export type { AuthOptions } from './auth.ts';
export type { CorsOptions } from './cors.ts';
export { HttpError, statusByCode, toHttpError, type ErrorBody, type ServerErrorCode } from './http-error.ts';
export { defineRoute, json, type RouteContext, type RouteDefinition, type RouteFamily, type RouteMethod, type RouteResult, type ServerState } from './route.ts';
export { createChunkMapper, toFullOutput, type MastraChunk } from './agent-chunks.ts';
export { toModelMessages } from './agent-messages.ts';
export type { LogSource } from './routes/logs.ts';
export { loadProject, registerPackageFallback, withDefaults } from './load-project.ts';
