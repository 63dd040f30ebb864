import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Mastra } from '@mastra-ts/core';
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { findProject, type ProjectPaths } from './find-entry.ts';
import { defaultDatabasePath, importProject, withDefaults } from './load-project.ts';

/** A project loaded in this process, with SQLite storage (migrated) when it declared none. */
export interface OpenProject {
  paths: ProjectPaths;
  mastra: Mastra;
  /** Waits for background work (memory embeddings) and closes the storage. */
  close(): Promise<void>;
}

/**
 * Loads the project in `--dir` in this process, as the dev server would: `.env` applied (without overriding set
 * variables), the working directory moved to the project so its relative paths (the SQLite file) match the server's.
 */
export async function openProject(cwd: string, flags: { dir?: string | undefined; entry?: string | undefined }, env: NodeJS.ProcessEnv): Promise<OpenProject> {
  const paths = findProject(cwd, flags.dir, flags.entry);
  const envFile = path.join(paths.dir, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  if (process.cwd() !== paths.dir) process.chdir(paths.dir);
  const mastra = withDefaults(await importProject(paths.entry), { storage: () => createSqliteStorage({ path: defaultDatabasePath(paths.dir, env) }) });
  const storage = mastra.getStorage();
  await storage?.migrate?.();
  return {
    paths,
    mastra,
    async close() {
      for (const agent of Object.values(mastra.listAgents())) {
        const memory = agent.getMemory() as { flush?: () => Promise<void> } | undefined;
        await memory?.flush?.().catch(() => undefined);
      }
      await storage?.dispose?.();
    },
  };
}
