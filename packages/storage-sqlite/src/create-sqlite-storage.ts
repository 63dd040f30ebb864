import { mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { TypeValidationError } from '@mastra-ts/core';
import type { MastraStorage } from '@mastra-ts/core';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { SqliteConnection } from './sqlite-connection.ts';
import { createCachingDatabase } from './statement-cache.ts';
import { toStorageError } from './sqlite-error.ts';
import { SqliteMemoryStore } from './sqlite-memory-store.ts';
import { runMigrations } from './sqlite-migrations.ts';
import { SqliteRecordStore } from './sqlite-record-store.ts';
import type { SqliteSchema } from './sqlite-schema.ts';
import { SqliteTraceStore } from './sqlite-trace-store.ts';
import { SqliteVectorDocumentStore } from './sqlite-vector-document-store.ts';
import { SqliteWorkflowStore } from './sqlite-workflow-store.ts';
import { TablePrefixPlugin } from './table-prefix-plugin.ts';
import { acquireWriteQueue, releaseWriteQueue } from './write-queue.ts';

/** Settings of `createSqliteStorage`. */
export interface SqliteStorageSettings {
  /**
   * The database file. Default `.mastra-ts/mastra.db` in the working directory; its folder is created.
   * `:memory:` keeps everything in memory (for tests).
   */
  path?: string;
  /** An open better-sqlite3 database to use instead of `path`. It is configured (WAL, pragmas) but not closed by `dispose()`. */
  database?: Database.Database;
  /** Prepended to every table and index name, so several apps can share one file. Letters, digits and `_`. Default none. */
  tablePrefix?: string;
  /** `NORMAL` (default; with WAL, a power loss may drop the last commits but never corrupts) or `FULL` (every commit is synced). */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a write waits for another process's lock before failing, in milliseconds. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * The most memory SQLite's page cache of this connection may hold, in MiB. Default 64. Pages are cached only as
   * they are read, so a small database never uses it all; a large one keeps its hot index and table pages here
   * instead of reading them back from the OS (SQLite's own default is 2 MiB, which a 100,000-message thread outgrows).
   */
  cacheSizeMiB?: number;
  /**
   * Run the hot calls (saving and reading runs, threads, recent messages and spans) as prepared statements compiled
   * once, synchronously inside the write transaction. Default `true`; `false` builds every query with kysely per
   * call, which is slower and only meant for comparison.
   */
  preparedStatements?: boolean;
  /**
   * The keyword index's upkeep. Each background flush of saved messages into FTS5 adds a segment, and a word's lookup
   * visits every segment until they are merged; after `optimizeEvery` flushes (default 256, by any process sharing
   * the file: the count is in the database) the store merges them all
   * in the background, while the index holds at most `optimizeUpTo` messages (default 200,000: merging costs about
   * 40 ms per 50,000 short messages here, during which other writes wait). Above that, call
   * `storage.memory.optimizeSearchIndex()` when it suits you. `optimizeEvery: 0` turns the automatic merge off.
   *
   * `vocabularyFilter` (default `true`): keep in memory a filter of the words the index holds (a Bloom filter, 4–8
   * bytes per indexed message, built in the background after the first search), so that a search skips the FTS5
   * lookup of a word no message has, such as a name or a number said for the first time. Such a lookup still reads
   * every segment's index: 20–110 µs, depending on how warm the caches are.
   */
  searchIndex?: { optimizeEvery?: number; optimizeUpTo?: number; vocabularyFilter?: boolean };
}

/** Every mastra-ts store on one SQLite file. */
export interface SqliteStorage extends MastraStorage {
  memory: SqliteMemoryStore;
  workflows: SqliteWorkflowStore;
  records: SqliteRecordStore;
  traces: SqliteTraceStore;
  /** Vector documents, index definitions and graphs, for `@mastra-ts/vector`. */
  vectors: SqliteVectorDocumentStore;
  /** The resolved file path, or `:memory:`. */
  readonly path: string;
  /** Applies pending migrations in one transaction. Idempotent; refuses a schema newer than this version. */
  migrate(): Promise<void>;
  /** Closes the connection (unless it was passed in as `database`). */
  dispose(): Promise<void>;
}

const defaultPath = path.join('.mastra-ts', 'mastra.db');
const prefixPattern = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
let memoryCounter = 0;

/**
 * Opens (or creates) a SQLite database and returns every store on it: memory (threads, messages, resources),
 * workflows, records, traces and vector documents. Call `migrate()` once before use.
 *
 * @example
 * ```ts
 * const storage = createSqliteStorage({ path: '.mastra-ts/mastra.db' });
 * await storage.migrate();
 * const mastra = new Mastra({ storage });
 * ```
 */
export function createSqliteStorage(settings: SqliteStorageSettings = {}): SqliteStorage {
  const prefix = settings.tablePrefix ?? '';
  if (prefix !== '' && !prefixPattern.test(prefix)) {
    throw new TypeValidationError({ value: prefix, context: 'sqlite storage settings', issues: [{ path: ['tablePrefix'], message: `"${prefix}" is not a table prefix: use letters, digits and _ (at most 32, not starting with a digit)` }] });
  }
  const busyTimeoutMs = settings.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new TypeValidationError({ value: busyTimeoutMs, context: 'sqlite storage settings', issues: [{ path: ['busyTimeoutMs'], message: 'busyTimeoutMs must be a non-negative integer of milliseconds' }] });
  }
  const cacheSizeMiB = settings.cacheSizeMiB ?? 64;
  if (!Number.isInteger(cacheSizeMiB) || cacheSizeMiB < 1 || cacheSizeMiB > 65_536) {
    throw new TypeValidationError({ value: cacheSizeMiB, context: 'sqlite storage settings', issues: [{ path: ['cacheSizeMiB'], message: `cacheSizeMiB must be an integer from 1 to 65536 (MiB), got ${String(cacheSizeMiB)}` }] });
  }
  const synchronous = settings.synchronous ?? 'NORMAL';
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new TypeValidationError({ value: synchronous, context: 'sqlite storage settings', issues: [{ path: ['synchronous'], message: `synchronous must be "NORMAL" or "FULL", not "${String(synchronous)}"` }] });
  }
  for (const key of ['optimizeEvery', 'optimizeUpTo'] as const) {
    const value = settings.searchIndex?.[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new TypeValidationError({ value, context: 'sqlite storage settings', issues: [{ path: ['searchIndex', key], message: `searchIndex.${key} must be a non-negative integer, got ${String(value)}` }] });
    }
  }
  const vocabularyFilter = settings.searchIndex?.vocabularyFilter;
  if (vocabularyFilter !== undefined && typeof vocabularyFilter !== 'boolean') {
    throw new TypeValidationError({ value: vocabularyFilter, context: 'sqlite storage settings', issues: [{ path: ['searchIndex', 'vocabularyFilter'], message: `searchIndex.vocabularyFilter must be true or false, got ${String(vocabularyFilter)}` }] });
  }

  let database: Database.Database;
  let owned: boolean;
  if (settings.database) {
    database = settings.database;
    owned = false;
  } else {
    const file = settings.path ?? defaultPath;
    if (file !== ':memory:' && !file.startsWith('file:')) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    try {
      database = new Database(file);
    } catch (error) {
      throw toStorageError('open', error);
    }
    owned = true;
  }
  const resolvedPath = database.memory ? ':memory:' : realpathSync(database.name);
  const queueKey = database.memory ? `:memory:#${++memoryCounter}` : resolvedPath;

  try {
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!database.memory) database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${synchronous}`);
    database.pragma('foreign_keys = ON');
    // negative: a size in KiB rather than a page count
    database.pragma(`cache_size = ${-cacheSizeMiB * 1024}`);
  } catch (error) {
    if (owned) database.close();
    throw toStorageError('open', error);
  }

  const dialectDatabase = createCachingDatabase(database, { closeOnDestroy: owned });
  const db = new Kysely<SqliteSchema>({ dialect: new SqliteDialect({ database: dialectDatabase }), plugins: [new TablePrefixPlugin(prefix)] });
  const queue = acquireWriteQueue(queueKey);
  const connection = new SqliteConnection(db, queue, database, { preparedStatements: settings.preparedStatements ?? true });
  const memory = new SqliteMemoryStore(connection, prefix, settings.searchIndex);
  let disposed: Promise<void> | undefined;

  return {
    memory,
    workflows: new SqliteWorkflowStore(connection),
    records: new SqliteRecordStore(connection),
    traces: new SqliteTraceStore(connection),
    vectors: new SqliteVectorDocumentStore(connection),
    path: resolvedPath,
    migrate: async () => {
      await connection.write('migrate', undefined, ({ db: transaction }) => runMigrations(transaction.withoutPlugins(), prefix));
    },
    dispose: () => {
      memory.close();
      return (disposed ??= connection.exclusive('dispose', async () => {
        await db.destroy();
        releaseWriteQueue(queueKey);
      }));
    },
  };
}
