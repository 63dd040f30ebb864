import { StorageError } from '@mastra-ts/core';
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import { createInitialMigration } from './migrations/0001-initial.ts';
import { createVectorDocumentOrderMigration } from './migrations/0002-vector-document-order.ts';
import { createMessageSearchMigration } from './migrations/0003-message-search.ts';
import { createMessageSearchCountersMigration } from './migrations/0004-message-search-counters.ts';
import { createMessageSearchEditsMigration } from './migrations/0005-message-search-edits.ts';

/** Every migration this version knows, by name, in order. */
export function createMigrations(prefix: string): Record<string, Migration> {
  return {
    '0001-initial': createInitialMigration(prefix),
    '0002-vector-document-order': createVectorDocumentOrderMigration(prefix),
    '0003-message-search': createMessageSearchMigration(prefix),
    '0004-message-search-counters': createMessageSearchCountersMigration(prefix),
    '0005-message-search-edits': createMessageSearchEditsMigration(prefix),
  };
}

/** The names of the migration bookkeeping tables for a prefix. */
export function migrationTableNames(prefix: string): { migrationTableName: string; migrationLockTableName: string } {
  return { migrationTableName: `${prefix}kysely_migration`, migrationLockTableName: `${prefix}kysely_migration_lock` };
}

/**
 * Applies pending migrations on `db` (a connection already inside a write transaction, so the whole run commits
 * or rolls back at once). Refuses a database that has migrations this version does not know.
 */
export async function runMigrations(db: Kysely<any>, prefix: string): Promise<string[]> {
  const migrations = createMigrations(prefix);
  const tables = migrationTableNames(prefix);
  const existing = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = ${tables.migrationTableName}`.execute(db);
  if (existing.rows.length > 0) {
    const executed = await sql<{ name: string }>`select name from ${sql.table(tables.migrationTableName)} order by name`.execute(db);
    const unknown = executed.rows.map((row) => row.name).filter((migration) => !(migration in migrations));
    if (unknown.length > 0) {
      throw new StorageError({
        store: 'sqlite',
        operation: 'migrate',
        message: `the database schema is newer than this version of @mastra-ts/storage-sqlite knows (it has migration ${unknown.map((migration) => `"${migration}"`).join(', ')}; this version knows ${Object.keys(migrations).join(', ')}): upgrade @mastra-ts/storage-sqlite, or point it at another file`,
      });
    }
  }
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db, provider, ...tables, disableTransactions: true });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((migration) => migration.status === 'Error')?.migrationName;
    throw new StorageError({
      store: 'sqlite',
      operation: 'migrate',
      message: `migration ${failed ? `"${failed}" ` : ''}failed, nothing was applied: ${result.error instanceof Error ? result.error.message : String(result.error)}`,
      cause: result.error,
    });
  }
  return (result.results ?? []).map((migration) => migration.migrationName);
}
