import { existsSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, Mastra, noopLogger, type Logger, type MastraStorage } from '@mastra-ts/core';

let hooksRegistered = false;

/**
 * Lets a project without its own `node_modules` import the packages the CLI ships with: a bare specifier the project
 * cannot resolve is resolved again from the CLI's location, then from `@mastra-ts/server`'s.
 */
export function registerPackageFallback(): void {
  if (hooksRegistered || typeof module.registerHooks !== 'function') return;
  hooksRegistered = true;
  const parents = [import.meta.url];
  try {
    parents.push(import.meta.resolve('@mastra-ts/server'));
  } catch {
    // the server is a dependency; without it only the CLI's own location is tried
  }
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        if (/^[./]|^[a-z]+:/i.test(specifier) || (error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
        for (const parentURL of parents) {
          try {
            return nextResolve(specifier, { ...context, parentURL });
          } catch {
            // try the next location
          }
        }
        throw error;
      }
    },
  });
}

/**
 * Imports a project's entry (TypeScript through Node's type stripping) and returns its `mastra` export (named or
 * default). Throws `ConfigError` when the file is missing or exports no Mastra instance.
 */
export async function importProject(entry: string): Promise<Mastra> {
  if (!existsSync(entry)) throw new ConfigError({ message: `entry "${entry}" does not exist: pass the module that exports \`mastra\``, field: 'entry', value: entry });
  registerPackageFallback();
  let loaded: { mastra?: unknown; default?: unknown };
  try {
    loaded = (await import(pathToFileURL(entry).href)) as typeof loaded;
  } catch (error) {
    throw new ConfigError({ message: `could not load ${entry}: ${(error as Error).message}`, field: 'entry', value: entry, cause: error });
  }
  const candidate = loaded.mastra ?? loaded.default;
  if (!isMastra(candidate)) {
    throw new ConfigError({ message: `${entry} must export a Mastra instance as \`mastra\` (export const mastra = new Mastra({ ... })) or as its default export`, field: 'entry', value: entry });
  }
  return candidate;
}

function isMastra(value: unknown): value is Mastra {
  return value instanceof Mastra || (typeof value === 'object' && value !== null && typeof (value as Mastra).listAgents === 'function' && typeof (value as Mastra).getStorage === 'function');
}

/**
 * A Mastra with the same agents, workflows, tools and vectors, plus `storage` / `logger` where the project set none
 * (the registry is immutable, so everything is registered again on a new instance).
 */
export function withDefaults(mastra: Mastra, defaults: { storage?: () => MastraStorage; logger?: () => Logger }): Mastra {
  const needsStorage = mastra.getStorage() === undefined && defaults.storage !== undefined;
  const needsLogger = mastra.getLogger() === noopLogger && defaults.logger !== undefined;
  if (!needsStorage && !needsLogger) return mastra;
  const cache = mastra.getCache();
  return new Mastra({
    agents: mastra.listAgents(),
    workflows: mastra.listWorkflows(),
    tools: mastra.listTools(),
    vectors: mastra.listVectors(),
    storage: needsStorage ? defaults.storage!() : mastra.getStorage(),
    logger: needsLogger ? defaults.logger!() : mastra.getLogger(),
    tracer: mastra.getTracer(),
    ...(cache ? { cache } : {}),
  });
}

/** The default SQLite file of a project, as the server bin uses it (relative to the project folder). */
export function defaultDatabasePath(dir: string, env: NodeJS.ProcessEnv): string {
  return path.resolve(dir, env.MASTRA_TS_DB ?? path.join('.mastra-ts', 'mastra.db'));
}
