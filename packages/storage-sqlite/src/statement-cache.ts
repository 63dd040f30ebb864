import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { withStablePlans } from './stable-plan-sql.ts';

/**
 * Wraps a better-sqlite3 database for kysely's `SqliteDialect`, reusing prepared statements by SQL text
 * (kysely prepares every query anew, which costs more than running most of ours), with equalities rewritten by
 * `withStablePlans` so that SQLite does not plan them again on every run. Least recently used
 * statements beyond `capacity` are dropped.
 */
export function createCachingDatabase(database: Database.Database, { capacity = 256, closeOnDestroy }: { capacity?: number; closeOnDestroy: boolean }): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    prepare(source: string): Database.Statement {
      let statement = statements.get(source);
      if (statement) {
        statements.delete(source);
      } else {
        statement = database.prepare(withStablePlans(source));
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
      }
      statements.set(source, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      if (closeOnDestroy) database.close();
    },
  };
}
