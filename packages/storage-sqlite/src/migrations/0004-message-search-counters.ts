import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Two counters of the keyword index that every process sharing the file sees (`message_search_stats`):
 * - `shrinks`, the changes that can make a word rarer: the delete trigger adds one per deleted message, and saves
 *   that change a message's words add one. A store caches which words were too common to search; when the count
 *   moves, some process deleted or edited messages, and the cache is dropped (see `SqliteMessageSearch`).
 * - `flushes`, the flushes into FTS5 since its segments were last merged, so that the automatic merge counts every
 *   process's flushes, not only its own.
 */
export function createMessageSearchCountersMigration(prefix: string): Migration {
  const messages = `"${prefix}messages"`;
  const tokens = `"${prefix}message_search_tokens"`;
  const stats = `"${prefix}message_search_stats"`;
  const trigger = `"${prefix}messages_search_delete"`;
  const createTrigger = (counts: string) =>
    sql.raw(
      `create trigger ${trigger} after delete on ${messages} when old.search_key is not null begin
  delete from ${tokens} where rowid = old.search_key;
  update ${stats} set ${counts} where id = 1;
end`,
    );
  return {
    async up(db: Kysely<any>): Promise<void> {
      await sql.raw(`alter table ${stats} add column shrinks integer not null default 0`).execute(db);
      await sql.raw(`alter table ${stats} add column flushes integer not null default 0`).execute(db);
      await sql.raw(`drop trigger ${trigger}`).execute(db);
      await createTrigger('documents = documents - 1, shrinks = shrinks + 1').execute(db);
    },
    async down(db: Kysely<any>): Promise<void> {
      await sql.raw(`drop trigger ${trigger}`).execute(db);
      await createTrigger('documents = documents - 1').execute(db);
      await sql.raw(`alter table ${stats} drop column shrinks`).execute(db);
      await sql.raw(`alter table ${stats} drop column flushes`).execute(db);
    },
  };
}
