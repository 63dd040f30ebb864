import { messageSearchTerms, type JSONValue, type StorageMessage } from '@mastra-ts/core';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { searchToken, termsHash } from '../search-tokens.ts';

const backfillPage = 500;

/**
 * The keyword index of messages (see `SqliteMessageSearch`): each message with words gets a search key (a column of
 * `messages`, with a partial unique index) and a hash of its terms; an FTS5 table holds the terms' tokens by search
 * key (contentless, no positions); a one-row table holds the document count, the next key and the key up to which
 * tokens are in FTS5. A trigger removes a deleted message's tokens, whatever deleted it (a thread's cascade
 * included). Messages saved before this migration are indexed by it.
 */
export function createMessageSearchMigration(prefix: string): Migration {
  const name = (table: string): string => prefix + table;
  return {
    async up(db: Kysely<any>): Promise<void> {
      const messages = name('messages');
      const tokens = name('message_search_tokens');
      const stats = name('message_search_stats');
      await db.schema.alterTable(messages).addColumn('search_key', 'integer').execute();
      await db.schema.alterTable(messages).addColumn('search_hash', 'integer').execute();
      await db.schema
        .createIndex(name('messages_search_key'))
        .on(messages)
        .column('search_key')
        .unique()
        .where(sql.ref('search_key'), 'is not', null)
        .execute();
      await sql
        .raw(`create virtual table "${tokens}" using fts5(tokens, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 0')`)
        .execute(db);
      await db.schema
        .createTable(stats)
        .addColumn('id', 'integer', (column) => column.primaryKey().check(sql`id = 1`))
        .addColumn('documents', 'integer', (column) => column.notNull())
        .addColumn('next_key', 'integer', (column) => column.notNull())
        .addColumn('indexed_through', 'integer', (column) => column.notNull())
        .execute();
      await sql
        .raw(
          `create trigger "${name('messages_search_delete')}" after delete on "${messages}" when old.search_key is not null begin
  delete from "${tokens}" where rowid = old.search_key;
  update "${stats}" set documents = documents - 1 where id = 1;
end`,
        )
        .execute(db);

      // index what is already there, a page at a time in id order
      let after = '';
      let key = 0;
      for (;;) {
        const rows = await sql<{ id: string; role: string; content: string }>`
          select id, role, content from ${sql.table(messages)} where id > ${after} order by id limit ${backfillPage}`.execute(db);
        if (rows.rows.length === 0) break;
        after = rows.rows.at(-1)!.id;
        const tokenRows: Array<{ rowid: number; tokens: string }> = [];
        for (const row of rows.rows) {
          const terms = messageSearchTerms({ role: row.role as StorageMessage['role'], content: JSON.parse(row.content) as JSONValue });
          if (terms.length === 0) continue;
          key++;
          await sql`update ${sql.table(messages)} set search_key = ${key}, search_hash = ${termsHash(terms)} where id = ${row.id}`.execute(db);
          tokenRows.push({ rowid: key, tokens: terms.map(searchToken).join(' ') });
        }
        if (tokenRows.length > 0) await db.insertInto(tokens).values(tokenRows).execute();
      }
      await sql`insert into ${sql.table(stats)} (id, documents, next_key, indexed_through) values (1, ${key}, ${key + 1}, ${key})`.execute(db);
    },
    async down(db: Kysely<any>): Promise<void> {
      await sql.raw(`drop trigger if exists "${name('messages_search_delete')}"`).execute(db);
      for (const table of ['message_search_tokens', 'message_search_stats']) await db.schema.dropTable(name(table)).ifExists().execute();
      await db.schema.dropIndex(name('messages_search_key')).ifExists().execute();
      await db.schema.alterTable(name('messages')).dropColumn('search_key').execute();
      await db.schema.alterTable(name('messages')).dropColumn('search_hash').execute();
    },
  };
}
