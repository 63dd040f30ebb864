import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * An index on vector documents by `(index_name, seq)`, so that loading an index reads its documents in insertion
 * order without sorting them (the unique `(index_name, id)` index made SQLite sort every row, BLOBs included).
 */
export function createVectorDocumentOrderMigration(prefix: string): Migration {
  const name = prefix + 'vector_documents_index_seq';
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex(name).ifNotExists().on(prefix + 'vector_documents').columns(['index_name', 'seq']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex(name).ifExists().execute();
    },
  };
}
