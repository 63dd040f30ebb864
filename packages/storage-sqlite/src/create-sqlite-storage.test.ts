import { existsSync } from 'node:fs';
import path from 'node:path';
import { createTestMessage, createTestThread } from '@mastra-ts/conformance';
import { StorageError, TypeValidationError } from '@mastra-ts/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStorage } from './create-sqlite-storage.ts';
import { TestStorages } from './test-storage.ts';

const storages = new TestStorages();
afterEach(() => storages.cleanup());

describe('createSqliteStorage', () => {
  it('creates the folder of the file and opens it in WAL mode with the chosen synchronous level', async () => {
    const file = path.join(storages.folder(), 'nested', 'deeper', 'mastra.db');
    const storage = await storages.open({ path: file, synchronous: 'FULL', busyTimeoutMs: 1234 });
    expect(existsSync(file)).toBe(true);
    expect(storage.path).toBe(file);
    const database = new Database(file);
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    database.close();
  });

  it('applies the pragmas to a database passed in, and does not close it on dispose', async () => {
    const database = new Database(storages.file());
    const storage = await storages.open({ database, synchronous: 'FULL', busyTimeoutMs: 1234 });
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('synchronous', { simple: true })).toBe(2);
    expect(database.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.pragma('cache_size', { simple: true })).toBe(-64 * 1024);
    await storage.dispose();
    expect(database.open).toBe(true);
    expect(database.prepare("select count(*) as count from sqlite_master where name = 'messages'").get()).toEqual({ count: 1 });
    database.close();
  });

  it('defaults to synchronous NORMAL', async () => {
    const database = new Database(storages.file());
    await storages.open({ database });
    expect(database.pragma('synchronous', { simple: true })).toBe(1);
    database.close();
  });

  it('sizes the page cache in MiB from cacheSizeMiB', async () => {
    const database = new Database(storages.file());
    await storages.open({ database, cacheSizeMiB: 8 });
    expect(database.pragma('cache_size', { simple: true })).toBe(-8 * 1024);
    database.close();
  });

  it('refuses bad settings with typed errors naming the setting', () => {
    for (const cacheSizeMiB of [0, 1.5, -4, 100_000]) {
      expect(() => createSqliteStorage({ path: ':memory:', cacheSizeMiB })).toThrow(new RegExp(`cacheSizeMiB must be an integer from 1 to 65536 \\(MiB\\), got ${cacheSizeMiB}`));
    }
    expect(() => createSqliteStorage({ path: ':memory:', tablePrefix: 'x; drop' })).toThrow(/tablePrefix|table prefix/);
    expect(() => createSqliteStorage({ path: ':memory:', searchIndex: { optimizeEvery: -1 } })).toThrow(/searchIndex\.optimizeEvery must be a non-negative integer, got -1/);
    expect(() => createSqliteStorage({ path: ':memory:', searchIndex: { vocabularyFilter: 'yes' as unknown as boolean } })).toThrow(/searchIndex\.vocabularyFilter must be true or false, got yes/);
    for (const settings of [{ tablePrefix: '1abc' }, { busyTimeoutMs: -1 }, { synchronous: 'OFF' as 'FULL' }, { searchIndex: { optimizeUpTo: 1.5 } }]) {
      let caught: unknown;
      try {
        createSqliteStorage({ path: ':memory:', ...settings });
      } catch (error) {
        caught = error;
      }
      expect(TypeValidationError.isInstance(caught)).toBe(true);
    }
  });

  it('tells the caller to migrate when the tables do not exist yet', async () => {
    const storage = await storages.open({ path: ':memory:' }, { migrate: false });
    const error = await storage.memory.getThread('t').catch((caught: unknown) => caught);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/storage\.migrate\(\)/);
  });

  it('keeps apps with different table prefixes apart in one file', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file, tablePrefix: 'one_' });
    const second = await storages.open({ path: file, tablePrefix: 'two_' });
    await first.memory.saveThread(createTestThread());
    expect(await second.memory.getThread('thread-1')).toBeNull();
    const database = new Database(file, { readonly: true });
    const tables = database.prepare("select name from sqlite_master where type = 'table' and name like 'one_%'").all() as { name: string }[];
    expect(tables.map((table) => table.name)).toContain('one_messages');
    database.close();
  });

  it('a process writes and exits; a new connection reads everything back', async () => {
    const file = storages.file();
    const writer = createSqliteStorage({ path: file });
    await writer.migrate();
    await writer.memory.saveThread(createTestThread());
    await writer.memory.saveMessages([createTestMessage({ id: 'm1' }), createTestMessage({ id: 'm2', createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 2)) })]);
    await writer.dispose();
    const reader = await storages.open({ path: file });
    expect((await reader.memory.listMessages({ threadId: 'thread-1' })).map((message) => message.id)).toEqual(['m1', 'm2']);
  });

  it('a disposed storage rejects with a StorageError', async () => {
    const storage = createSqliteStorage({ path: ':memory:' });
    await storage.migrate();
    await storage.dispose();
    await storage.dispose();
    await expect(storage.memory.getThread('x')).rejects.toSatisfy(StorageError.isInstance);
  });
});
