import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
