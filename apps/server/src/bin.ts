#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { createLogBuffer, createLogger, createMastraMetrics, createTracer, instrumentTracer, type TelemetryTracer } from '@mastra-ts/telemetry';
import { createServer } from './create-server.ts';
import { loadProject, withDefaults } from './load-project.ts';

const usage = `Usage: mastra-ts-server [entry] [--port 4111] [--host 127.0.0.1] [--db .mastra-ts/mastra.db]

  entry   a module exporting \`mastra\` (.ts runs through Node's type stripping, or a built .js/.mjs);
          default: MASTRA_TS_ENTRY, else ./src/mastra/index.ts, ./src/mastra.ts or ./mastra.ts
Environment: PORT, HOST, MASTRA_TS_API_KEY (bearer token), MASTRA_TS_DB, MASTRA_TS_CORS_ORIGINS (comma-separated), LOG_LEVEL`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const entry = positionals[0] ?? process.env.MASTRA_TS_ENTRY ?? (await firstExisting(['src/mastra/index.ts', 'src/mastra.ts', 'mastra.ts', 'src/index.ts']));
  if (!entry) throw new Error(`mastra-ts-server: no entry given and none found\n${usage}`);

  const buffer = createLogBuffer({ name: 'server', capacity: 5000 });
  const logger = createLogger({ name: 'mastra-ts-server', buffer });
  const dbPath = values.db ?? process.env.MASTRA_TS_DB ?? path.join('.mastra-ts', 'mastra.db');
  const metrics = createMastraMetrics();
  let tracer: TelemetryTracer | undefined;
  const mastra = withDefaults(await loadProject(entry), {
    storage: () => createSqliteStorage({ path: dbPath }),
    logger: () => logger,
    tracer: (storage) => {
      tracer = createTracer({ ...(storage?.traces ? { store: storage.traces } : {}) });
      instrumentTracer(tracer, metrics);
      return tracer;
    },
  });
  const storage = mastra.getStorage();
  await storage?.migrate?.();

  const port = Number(values.port ?? process.env.PORT ?? 4111);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`mastra-ts-server: port "${values.port ?? process.env.PORT}" is not a port number (0-65535)`);
  const origins = process.env.MASTRA_TS_CORS_ORIGINS?.split(',').map((origin) => origin.trim()).filter(Boolean);
  const server = createServer(mastra, {
    port,
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    logger,
    logs: [buffer],
    metrics: () => metrics.registry.renderPrometheus(),
    ...(origins && origins.length > 0 ? { cors: { origins } } : {}),
  });
  const { url } = await server.listen();
  logger.info({ url, entry, storage: storage ? ((storage as { path?: string }).path ?? 'custom') : 'none', auth: Boolean(process.env.MASTRA_TS_API_KEY) }, `mastra-ts server listening on ${url}`);
  process.stdout.write(`mastra-ts server listening on ${url} (playground: ${url}/, API: ${url}/api)\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await server.close();
    await tracer?.shutdown();
    // save what vector stores buffer (HNSW graphs) before the database closes, so a restart need not rebuild them
    await Promise.allSettled(Object.values(mastra.listVectors()).map((store) => store.flush?.()));
    await storage?.dispose?.();
    logger.flush?.();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

async function firstExisting(candidates: string[]): Promise<string | undefined> {
  const { existsSync } = await import('node:fs');
  return candidates.find((candidate) => existsSync(candidate));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
