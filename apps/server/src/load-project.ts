import { existsSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, Mastra, noopLogger, noopTracer, type Logger, type MastraStorage, type Tracer } from '@mastra-ts/core';

let hooksRegistered = false;

/**
 * Lets a project without its own `node_modules` import the packages this server ships with (`@mastra-ts/*`, `zod`):
 * a bare specifier that the project cannot resolve is resolved again from the server's location.
 */
export function registerPackageFallback(): void {
  if (hooksRegistered || typeof module.registerHooks !== 'function') return;
  hooksRegistered = true;
  const here = import.meta.url;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        if (/^[./]|^[a-z]+:/i.test(specifier) || (error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
        return nextResolve(specifier, { ...context, parentURL: here });
      }
    },
  });
}

/**
 * Imports the user's project: a module exporting `mastra` (named or default). TypeScript entries run through
 * Node's type stripping (Node >= 22.18 / 23.6), so use `.ts` extensions in relative imports and erasable syntax only.
 */
export async function loadProject(entry: string): Promise<Mastra> {
  const file = path.resolve(entry);
  if (!existsSync(file)) {
    throw new ConfigError({ message: `mastra-ts-server: entry "${entry}" does not exist (resolved to ${file}): pass the path of a module exporting \`mastra\`, or set MASTRA_TS_ENTRY` });
  }
  registerPackageFallback();
  let loaded: { mastra?: unknown; default?: unknown };
  try {
    loaded = (await import(pathToFileURL(file).href)) as typeof loaded;
  } catch (cause) {
    throw new ConfigError({ message: `could not load ${entry}: ${describeLoadError(cause)}`, field: 'entry', value: entry, cause });
  }
  const candidate = loaded.mastra ?? loaded.default;
  if (!isMastra(candidate)) {
    throw new ConfigError({ message: `mastra-ts-server: ${entry} must export a Mastra instance as \`mastra\` (export const mastra = new Mastra({ ... })) or as its default export` });
  }
  return candidate;
}

/** The error's message plus where it happened (a syntax error's message alone names no file or line). */
function describeLoadError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const location = error.stack?.split('\n').find((line) => /(file:\/\/|\/)[^\s]+:\d+/.test(line) && !line.includes('node:internal'));
  const where = location?.trim().replace(/^at\s+/, '');
  return where && !error.message.includes(where) ? `${error.message} (${where})` : error.message;
}

function isMastra(value: unknown): value is Mastra {
  return value instanceof Mastra || (typeof value === 'object' && value !== null && typeof (value as Mastra).listAgents === 'function' && typeof (value as Mastra).getStorage === 'function');
}

/**
 * Gives `mastra` a `storage`, `logger` and `tracer` where it had none, in place (through `setStorage` and friends),
 * so the project's own references to its `mastra` see what the server uses.
 */
export function withDefaults(
  mastra: Mastra,
  defaults: { storage?: () => MastraStorage; logger?: () => Logger; tracer?: (storage: MastraStorage | undefined) => Tracer },
): Mastra {
  const needsStorage = mastra.getStorage() === undefined && defaults.storage !== undefined;
  const needsLogger = mastra.getLogger() === noopLogger && defaults.logger !== undefined;
  const needsTracer = mastra.getTracer() === noopTracer && defaults.tracer !== undefined;
  if (!needsStorage && !needsLogger && !needsTracer) return mastra;
  // mutate the project's own instance: code in the project that imported `mastra` must see the same registry
  const storage = needsStorage ? defaults.storage!() : mastra.getStorage();
  if (needsStorage && storage) mastra.setStorage(storage);
  if (needsLogger) mastra.setLogger(defaults.logger!());
  if (needsTracer) mastra.setTracer(defaults.tracer!(storage));
  return mastra;
}
