import { createTestThread } from '@mastra-ts/conformance';
import { StorageError } from '@mastra-ts/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createMigrations } from './sqlite-migrations.ts';
import { TestStorages } from './test-storage.ts';

const storages = new TestStorages();
afterEach(() => storages.cleanup());

const migrationNames = (file: string, table = 'kysely_migration'): string[] => {
  const database = new Database(file, { readonly: true });
  const names = (database.prepare(`select name from ${table} order by name`).all() as { name: string }[]).map((row) => row.name);
  database.close();
  return names;
};

describe('migrations', () => {
  it('are idempotent: migrating again, concurrently or after a reopen changes nothing', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file });
    await first.memory.saveThread(createTestThread());
    await first.migrate();
    const second = await storages.open({ path: file }, { migrate: false });
    await Promise.all([first.migrate(), second.migrate(), second.migrate()]);
    await first.dispose();
    const reopened = await storages.open({ path: file });
    expect(await reopened.memory.getThread('thread-1')).toEqual(createTestThread());
    expect(migrationNames(file)).toEqual(Object.keys(createMigrations('')));
  });

  it('keeps the bookkeeping tables under the table prefix', async () => {
    const file = storages.file();
    await storages.open({ path: file, tablePrefix: 'app_' });
    expect(migrationNames(file, 'app_kysely_migration')).toEqual(Object.keys(createMigrations('app_')));
  });

  it('refuses a database whose schema is newer than this version knows, and leaves it untouched', async () => {
    const file = storages.file();
    const storage = await storages.open({ path: file });
    await storage.memory.saveThread(createTestThread());
    const database = new Database(file);
    database.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('0002-from-the-future', new Date().toISOString());
    database.close();
    const error = await storage.migrate().catch((caught: unknown) => caught);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/newer than this version of @mastra-ts\/storage-sqlite/);
    expect((error as Error).message).toContain('"0002-from-the-future"');
    expect((error as Error).message).toMatch(/upgrade @mastra-ts\/storage-sqlite/);
    const other = await storages.open({ path: file }, { migrate: false });
    await expect(other.migrate()).rejects.toSatisfy(StorageError.isInstance);
    expect(await other.memory.getThread('thread-1')).toEqual(createTestThread());
  });

  it('creates the indexes the queries need', async () => {
    const file = storages.file();
    await storages.open({ path: file });
    const database = new Database(file, { readonly: true });
    const columns = (index: string): string[] => (database.prepare('select name from pragma_index_info(?) order by seqno').all(index) as { name: string }[]).map((row) => row.name);
    expect(columns('messages_thread_created')).toEqual(['thread_id', 'created_at', 'id']);
    expect(columns('threads_resource_updated')).toEqual(['resource_id', 'updated_at', 'id']);
    expect(columns('workflow_runs_workflow_status_updated')).toEqual(['workflow_id', 'status', 'updated_at']);
    database.close();
  });
});
