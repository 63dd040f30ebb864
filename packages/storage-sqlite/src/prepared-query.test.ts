import { createTestMessage, createTestThread } from '@mastra-ts/conformance';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteConnection } from './sqlite-connection.ts';
import { SqliteMemoryStore } from './sqlite-memory-store.ts';
import { runMigrations } from './sqlite-migrations.ts';
import type { SqliteSchema } from './sqlite-schema.ts';
import { PreparedQuery, slot } from './prepared-query.ts';
import { TablePrefixPlugin } from './table-prefix-plugin.ts';
import { TestStorages } from './test-storage.ts';
import { WriteQueue } from './write-queue.ts';

const storages = new TestStorages();
afterEach(() => storages.cleanup());

function open(prefix = ''): { database: Database.Database; connection: SqliteConnection } {
  const database = new Database(':memory:');
  const db = new Kysely<SqliteSchema>({ dialect: new SqliteDialect({ database }), plugins: [new TablePrefixPlugin(prefix)] });
  return { database, connection: new SqliteConnection(db, new WriteQueue(), database) };
}

describe('PreparedQuery', () => {
  it('compiles through the table-prefix plugin and binds its slots positionally', async () => {
    const { database, connection } = open('app_');
    await connection.write('migrate', undefined, ({ db }) => runMigrations(db.withoutPlugins(), 'app_'));
    const query = new PreparedQuery(database, connection.db.selectFrom('threads').select('title').where('id', '=', slot<string>('id')).where('resource_id', '=', slot<string>('resource')), ['id', 'resource']);
    expect(query.sql).toBe('select "title" from "app_threads" where "id" = +? and "resource_id" = +?');
    database.prepare(`insert into app_threads (id, resource_id, title, created_at, updated_at) values ('t', 'r', 'hello', 0, 0)`).run();
    expect(query.statement.get('t', 'r')).toEqual({ title: 'hello' });
    expect(query.statement.get('t', 'other')).toBeUndefined();
  });

  it('refuses a query whose slots are not the declared ones in the declared order, or that binds a plain value', () => {
    const { database, connection } = open();
    const select = connection.db.selectFrom('threads').selectAll();
    expect(() => new PreparedQuery(database, select.where('id', '=', slot<string>('id')).where('resource_id', '=', slot<string>('resource')), ['resource', 'id'])).toThrow(/binds \[id, resource\], expected \[resource, id\]/);
    expect(() => new PreparedQuery(database, select.where('id', '=', 'x'), [])).toThrow(/binds \[<value x>\]/);
  });

  it('prepares on first use, so a store can be built before migrate()', () => {
    const { database, connection } = open();
    const query = new PreparedQuery(database, connection.db.selectFrom('threads').selectAll().where('id', '=', slot<string>('id')), ['id']);
    expect(() => query.statement).toThrow(/no such table/);
  });
});

describe('prepared statements next to kysely transactions on one connection', () => {
  it('a prepared read waits for an open kysely write transaction and never sees its uncommitted rows', async () => {
    const { connection } = open();
    await connection.write('migrate', undefined, ({ db }) => runMigrations(db.withoutPlugins(), ''));
    const memory = new SqliteMemoryStore(connection);
    let read: Promise<unknown> | undefined;
    const failure = new Error('roll back');
    const write = connection.write('test', undefined, async ({ db }) => {
      await db.insertInto('threads').values({ id: 'thread-1', resource_id: 'r', title: null, metadata: null, created_at: 0, updated_at: 0 }).execute();
      read = memory.getThread('thread-1');
      await db.insertInto('threads').values({ id: 'thread-2', resource_id: 'r', title: null, metadata: null, created_at: 0, updated_at: 0 }).execute();
      throw failure;
    });
    await expect(write).rejects.toSatisfy((error: unknown) => (error as Error).cause === failure);
    expect(await read).toBeNull();
  });

  it('a prepared write queued behind a kysely write runs after it commits, in order', async () => {
    const storage = await storages.open();
    await storage.memory.saveThread(createTestThread());
    const saves = [storage.memory.deleteThread('thread-1'), storage.memory.saveThread(createTestThread()), storage.memory.saveMessages([createTestMessage({ id: 'm1' })])];
    await Promise.all(saves);
    expect(await storage.memory.countMessages('thread-1')).toBe(1);
    expect(await storage.memory.getThread('thread-1')).not.toBeNull();
  });
});
