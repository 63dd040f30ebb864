import path from 'node:path';
import type { Mastra } from '@mastra-ts/core';
import { loadProject, withDefaults } from '@mastra-ts/server';

/**
 * Imports a project's entry (TypeScript through Node's type stripping) and returns its `mastra` export, through the
 * server's loader, so `mastra-ts dev` and `mastra-ts-server` load projects the same way.
 */
export const importProject: (entry: string) => Promise<Mastra> = loadProject;

export { withDefaults };

/** The default SQLite file of a project, as the server bin uses it (relative to the project folder). */
export function defaultDatabasePath(dir: string, env: NodeJS.ProcessEnv): string {
  return path.resolve(dir, env.MASTRA_TS_DB ?? path.join('.mastra-ts', 'mastra.db'));
}
