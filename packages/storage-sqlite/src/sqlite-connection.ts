import { throwIfAborted } from '@mastra-ts/core';
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

/**
 * The stores' access to SQLite: reads go straight to the connection; writes run one at a time through the
 * process-wide write queue, inside `BEGIN IMMEDIATE … COMMIT`, rolled back on any error or abort.
 */
export class SqliteConnection {
  readonly db: Kysely<SqliteSchema>;
  readonly #queue: WriteQueue;

  constructor(db: Kysely<SqliteSchema>, queue: WriteQueue) {
    this.db = db;
    this.#queue = queue;
  }

  /** Runs a read; SQLite errors become `StorageError`. */
  async read<T>(operation: string, abortSignal: AbortSignal | undefined, task: (db: Kysely<SqliteSchema>) => Promise<T>): Promise<T> {
    throwIfAborted(abortSignal);
    try {
      return await task(this.db);
    } catch (error) {
      throw toStorageError(operation, error);
    }
  }

  /** Runs `task` in one write transaction; all of it commits or none of it does. */
  async write<T>(operation: string, abortSignal: AbortSignal | undefined, task: (transaction: SqliteTransaction) => Promise<T>): Promise<T> {
    throwIfAborted(abortSignal);
    try {
      return await this.#queue.run(
        () =>
          this.db.connection().execute(async (db) => {
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
          }),
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
}
