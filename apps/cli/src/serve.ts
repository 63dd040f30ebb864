/**
 * @module
 * `@mastra-ts/cli/serve`: the server a `mastra-ts build` output runs. It gives a project the same defaults as the
 * `mastra-ts-server` bin (SQLite storage, a pino logger with a queryable buffer, migrations, graceful shutdown).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Mastra } from '@mastra-ts/core';
import { createServer, type MastraServer } from '@mastra-ts/server';
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { createLogBuffer, createLogger } from '@mastra-ts/telemetry';
import { withDefaults } from './project/load-project.ts';

/** Options of `serveProject`; each falls back to an environment variable, then a default. */
export interface ServeProjectOptions {
  /** `PORT`, else 4111. */
  port?: number;
  /** `HOST`, else `127.0.0.1`. */
  host?: string;
  /** SQLite file when the project has no storage: `MASTRA_TS_DB`, else `.mastra-ts/mastra.db`. */
  db?: string;
  /** Handle SIGINT/SIGTERM by draining and exiting (default true). */
  handleSignals?: boolean;
}

/** A running project server. */
export interface ServedProject {
  url: string;
  server: MastraServer;
  mastra: Mastra;
  /** Drains open streams, closes the socket and the storage. */
  close(): Promise<void>;
}

/**
 * Serves `mastra` over HTTP with the playground, after loading `./.env` (set variables win), adding SQLite storage
 * and a logger where the project has none, and running storage migrations.
 */
export async function serveProject(project: Mastra, options: ServeProjectOptions = {}): Promise<ServedProject> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const buffer = createLogBuffer({ name: 'server', capacity: 5000 });
  const logger = createLogger({ name: 'mastra-ts-server', buffer });
  const db = options.db ?? process.env.MASTRA_TS_DB ?? path.join('.mastra-ts', 'mastra.db');
  const mastra = withDefaults(project, { storage: () => createSqliteStorage({ path: db }), logger: () => logger });
  const storage = mastra.getStorage();
  await storage?.migrate?.();
  const port = options.port ?? Number(process.env.PORT ?? 4111);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT "${process.env.PORT}" is not a port number (0-65535)`);
  const origins = process.env.MASTRA_TS_CORS_ORIGINS?.split(',').map((origin) => origin.trim()).filter(Boolean);
  const server = createServer(mastra, {
    port,
    host: options.host ?? process.env.HOST ?? '127.0.0.1',
    logger,
    logs: [buffer],
    ...(origins && origins.length > 0 ? { cors: { origins } } : {}),
  });
  const { url } = await server.listen();
  process.stdout.write(`mastra-ts server listening on ${url} (playground: ${url}/, API: ${url}/api)\n`);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await server.close();
      await storage?.dispose?.();
      logger.flush?.();
    })());
  if (options.handleSignals !== false) {
    const stop = (): void => {
      void close().then(() => process.exit(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  }
  return { url, server, mastra, close };
}

/** Serves a loaded module's `mastra` (named or default export); exits with one line on stderr when it fails. */
export function serveModule(loaded: { mastra?: unknown; default?: unknown }): void {
  const mastra = (loaded.mastra ?? loaded.default) as Mastra | undefined;
  const failed = (error: unknown): void => {
    process.stderr.write(`mastra-ts server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
  if (!mastra || typeof mastra.listAgents !== 'function') return failed(new Error('the project exports no Mastra instance as `mastra` or default'));
  serveProject(mastra).catch(failed);
}
