import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { createSqliteStorage, type SqliteStorage, type SqliteStorageSettings } from './create-sqlite-storage.ts';

/** Test helper: opens migrated storages (in memory or in temp files) and disposes all of them at the end. */
export class TestStorages {
  readonly #opened: SqliteStorage[] = [];
  readonly #folders: string[] = [];

  /** A fresh temp folder, removed by `cleanup`. */
  folder(): string {
    const folder = mkdtempSync(path.join(tmpdir(), 'mastra-ts-sqlite-'));
    this.#folders.push(folder);
    return folder;
  }

  /** A fresh database file path in a temp folder. */
  file(): string {
    return path.join(this.folder(), 'mastra.db');
  }

  async open(settings: SqliteStorageSettings = { path: ':memory:' }, { migrate = true }: { migrate?: boolean } = {}): Promise<SqliteStorage> {
    const storage = createSqliteStorage(settings);
    this.#opened.push(storage);
    if (migrate) await storage.migrate();
    return storage;
  }

  async cleanup(): Promise<void> {
    for (const storage of this.#opened.splice(0)) await storage.dispose();
    for (const folder of this.#folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  }
}

/** Test helper: records the SQL of every statement `database` prepares from now on (to read their query plans). */
export function recordPrepared(database: Database.Database): string[] {
  const prepared: string[] = [];
  const prepare = database.prepare.bind(database);
  database.prepare = ((source: string) => {
    prepared.push(source);
    return prepare(source);
  }) as typeof database.prepare;
  return prepared;
}

/** Test helper: the query plan of `source` on `database`, with `parameters` bound (every `?` bound to 1 by default). */
export function queryPlan(database: Database.Database, source: string, parameters: unknown[] = (source.match(/\?/g) ?? []).map(() => 1)): string {
  return (database.prepare(`explain query plan ${source}`).all(...parameters) as { detail: string }[]).map((row) => row.detail).join('\n');
}
