import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * `edits` in `message_search_stats`: the saves, by any process, that changed the words of a message whose tokens are
 * in FTS5 already (a changed text keeps its search key). A store keeps a filter of the words in FTS5, to skip the
 * lookup of a word no message holds; new documents reach FTS5 through flushes, which it follows, but an edit can put a
 * new word under an old key, so when another process's edit moves the count the filter is rebuilt (see
 * `SqliteMessageSearch`). Deletes only remove words, and do not count here.
 */
export function createMessageSearchEditsMigration(prefix: string): Migration {
  const stats = `"${prefix}message_search_stats"`;
  return {
    async up(db: Kysely<any>): Promise<void> {
      await sql.raw(`alter table ${stats} add column edits integer not null default 0`).execute(db);
    },
    async down(db: Kysely<any>): Promise<void> {
      await sql.raw(`alter table ${stats} drop column edits`).execute(db);
    },
  };
}
