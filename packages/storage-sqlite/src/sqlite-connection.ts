import { throwIfAborted } from '@mastra-ts/core';
import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { toStorageError } from './sqlite-error.ts';
import type { SqliteSchema } from './sqlite-schema.ts';
import type { WriteQueue } from './write-queue.ts';

/** A transaction's handle: the query builder bound to the one connection, and the caller's signal. */
export interface SqliteTransaction {
  db: Kysely<SqliteSchema>;
  /** Throws `AbortError` when the caller aborted; call between statements to roll back early. */
  checkAborted(): void;
}

interface TransactionStatements {
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
}

/**
 * The stores' access to SQLite: reads go straight to the connection; writes run one at a time through the
 * process-wide write queue, inside `BEGIN IMMEDIATE … COMMIT`, rolled back on any error or abort.
 *
 * Two paths lead there. `read`/`write` run kysely queries (async, through kysely's connection lock).
 * `readNow`/`writeNow` run prepared better-sqlite3 statements synchronously, with no await between `BEGIN` and
 * `COMMIT`; when a kysely task holds the connection they wait for it, so neither path sees the other's
 * uncommitted state.
 */
export class SqliteConnection {
  readonly db: Kysely<SqliteSchema>;
  /** The better-sqlite3 connection kysely runs on. */
  readonly database: Database.Database;
  /** Whether the stores run their hot calls through prepared statements (`false`: every call through kysely). */
  readonly preparedStatements: boolean;
  readonly #queue: WriteQueue;
  #kyselyTasks = 0;
  #transaction: TransactionStatements | undefined;

  constructor(db: Kysely<SqliteSchema>, queue: WriteQueue, database: Database.Database, { preparedStatements = true }: { preparedStatements?: boolean } = {}) {
    this.db = db;
    this.database = database;
    this.preparedStatements = preparedStatements;
    this.#queue = queue;
  }

  /** Runs a read; SQLite errors become `StorageError`. */
  async read<T>(operation: string, abortSignal: AbortSignal | undefined, task: (db: Kysely<SqliteSchema>) => Promise<T>): Promise<T> {
    throwIfAborted(abortSignal);
    this.#kyselyTasks++;
    try {
      return await task(this.db);
    } catch (error) {
      throw toStorageError(operation, error);
    } finally {
      this.#kyselyTasks--;
    }
  }

  /** Runs `task` in one write transaction; all of it commits or none of it does. */
  async write<T>(operation: string, abortSignal: AbortSignal | undefined, task: (transaction: SqliteTransaction) => Promise<T>): Promise<T> {
    throwIfAborted(abortSignal);
    try {
      return await this.#queue.run(async () => {
        this.#kyselyTasks++;
        try {
          return await this.db.connection().execute(async (db) => {
            await sql`begin immediate`.execute(db);
            try {
              const result = await task({ db, checkAborted: () => throwIfAborted(abortSignal) });
              throwIfAborted(abortSignal);
              await sql`commit`.execute(db);
              return result;
            } catch (error) {
              await sql`rollback`.execute(db).catch(() => undefined);
              throw error;
            }
          });
        } finally {
          this.#kyselyTasks--;
        }
      }, abortSignal);
    } catch (error) {
      throw toStorageError(operation, error);
    }
  }

  /** Runs a synchronous read of prepared statements; SQLite errors become `StorageError`. */
  async readNow<T>(operation: string, abortSignal: AbortSignal | undefined, task: () => T): Promise<T> {
    throwIfAborted(abortSignal);
    try {
      // a kysely write transaction is open between two of its awaits: wait until it ends, as kysely's reads do
      if (this.database.inTransaction) return await this.db.connection().execute(async () => task());
      return task();
    } catch (error) {
      throw toStorageError(operation, error);
    }
  }

  /**
   * Runs `task` (synchronous prepared statements) in one `BEGIN IMMEDIATE` transaction, in its turn in the write
   * queue; all of it commits or none of it does. `task` receives the signal to check between statements.
   */
  async writeNow<T>(operation: string, abortSignal: AbortSignal | undefined, task: (abortSignal: AbortSignal | undefined) => T): Promise<T> {
    throwIfAborted(abortSignal);
    try {
      return await this.#queue.run(
        () => (this.#kyselyTasks === 0 ? this.#transact(task, abortSignal) : this.db.connection().execute(async () => this.#transact(task, abortSignal))),
        abortSignal,
      );
    } catch (error) {
      throw toStorageError(operation, error);
    }
  }

  /** Runs `task` alone in the write queue, without opening a transaction (migrations manage their own). */
  async exclusive<T>(operation: string, task: () => Promise<T>): Promise<T> {
    try {
      return await this.#queue.run(task);
    } catch (error) {
      throw toStorageError(operation, error);
    }
  }

  #transact<T>(task: (abortSignal: AbortSignal | undefined) => T, abortSignal: AbortSignal | undefined): T {
    const statements = (this.#transaction ??= {
      begin: this.database.prepare('begin immediate'),
      commit: this.database.prepare('commit'),
      rollback: this.database.prepare('rollback'),
    });
    statements.begin.run();
    try {
      const result = task(abortSignal);
      throwIfAborted(abortSignal);
      statements.commit.run();
      return result;
    } catch (error) {
      if (this.database.inTransaction) {
        try {
          statements.rollback.run();
        } catch {
          // SQLite may have rolled back already (a full disk, an interrupt)
        }
      }
      throw error;
    }
  }
}
