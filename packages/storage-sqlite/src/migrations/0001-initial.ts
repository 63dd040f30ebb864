import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The initial schema: threads, messages, resources, workflow runs and step results, generic records, spans, and the
 * vector tables. `prefix` is prepended to every table and index name.
 */
export function createInitialMigration(prefix: string): Migration {
  const name = (table: string): string => prefix + table;
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable(name('threads'))
        .addColumn('id', 'text', (column) => column.primaryKey().notNull())
        .addColumn('resource_id', 'text', (column) => column.notNull())
        .addColumn('title', 'text')
        .addColumn('metadata', 'text')
        .addColumn('created_at', 'integer', (column) => column.notNull())
        .addColumn('updated_at', 'integer', (column) => column.notNull())
        .execute();
      await db.schema.createIndex(name('threads_resource_updated')).on(name('threads')).columns(['resource_id', 'updated_at', 'id']).execute();

      await db.schema
        .createTable(name('messages'))
        .addColumn('id', 'text', (column) => column.primaryKey().notNull())
        .addColumn('thread_id', 'text', (column) => column.notNull().references(`${name('threads')}.id`).onDelete('cascade'))
        .addColumn('resource_id', 'text')
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('type', 'text')
        .addColumn('content', 'text', (column) => column.notNull())
        .addColumn('metadata', 'text')
        .addColumn('created_at', 'integer', (column) => column.notNull())
        .execute();
      await db.schema.createIndex(name('messages_thread_created')).on(name('messages')).columns(['thread_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable(name('resources'))
        .addColumn('id', 'text', (column) => column.primaryKey().notNull())
        .addColumn('working_memory', 'text')
        .addColumn('metadata', 'text')
        .addColumn('created_at', 'integer', (column) => column.notNull())
        .addColumn('updated_at', 'integer', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable(name('workflow_runs'))
        .addColumn('run_id', 'text', (column) => column.primaryKey().notNull())
        .addColumn('workflow_id', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('snapshot', 'text', (column) => column.notNull())
        .addColumn('resource_id', 'text')
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', 'integer')
        .addColumn('created_at', 'integer', (column) => column.notNull())
        .addColumn('updated_at', 'integer', (column) => column.notNull())
        .execute();
      await db.schema.createIndex(name('workflow_runs_workflow_status_updated')).on(name('workflow_runs')).columns(['workflow_id', 'status', 'updated_at']).execute();
      await db.schema.createIndex(name('workflow_runs_status_lease')).on(name('workflow_runs')).columns(['status', 'lease_expires_at']).execute();
      await db.schema.createIndex(name('workflow_runs_created')).on(name('workflow_runs')).columns(['created_at', 'run_id']).execute();

      await db.schema
        .createTable(name('workflow_steps'))
        .addColumn('run_id', 'text', (column) => column.notNull().references(`${name('workflow_runs')}.run_id`).onDelete('cascade'))
        .addColumn('step_path', 'text', (column) => column.notNull())
        .addColumn('iteration', 'integer', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('output', 'text')
        .addColumn('error', 'text')
        .addColumn('attempt', 'integer', (column) => column.notNull())
        .addColumn('started_at', 'integer', (column) => column.notNull())
        .addColumn('ended_at', 'integer', (column) => column.notNull())
        .addPrimaryKeyConstraint(name('workflow_steps_pk'), ['run_id', 'step_path', 'iteration'])
        .execute();

      await db.schema
        .createTable(name('records'))
        .addColumn('table_name', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('data', 'text', (column) => column.notNull())
        .addColumn('created_at', 'integer', (column) => column.notNull())
        .addColumn('updated_at', 'integer', (column) => column.notNull())
        .addPrimaryKeyConstraint(name('records_pk'), ['table_name', 'id'])
        .execute();
      await db.schema.createIndex(name('records_table_created')).on(name('records')).columns(['table_name', 'created_at', 'id']).execute();
      await db.schema.createIndex(name('records_table_updated')).on(name('records')).columns(['table_name', 'updated_at', 'id']).execute();

      await db.schema
        .createTable(name('spans'))
        .addColumn('trace_id', 'text', (column) => column.notNull())
        .addColumn('span_id', 'text', (column) => column.notNull())
        .addColumn('parent_span_id', 'text')
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('start_time', 'integer', (column) => column.notNull())
        .addColumn('end_time', 'integer')
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('status_message', 'text')
        .addColumn('attributes', 'text', (column) => column.notNull())
        .addColumn('events', 'text')
        .addPrimaryKeyConstraint(name('spans_pk'), ['trace_id', 'span_id'])
        .execute();
      await db.schema.createIndex(name('spans_start')).on(name('spans')).column('start_time').execute();

      await db.schema
        .createTable(name('vector_indexes'))
        .addColumn('name', 'text', (column) => column.primaryKey().notNull())
        .addColumn('dimension', 'integer', (column) => column.notNull())
        .addColumn('metric', 'text', (column) => column.notNull())
        .addColumn('options', 'text')
        .addColumn('generation', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('created_at', 'integer', (column) => column.notNull())
        .addColumn('updated_at', 'integer', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable(name('vector_documents'))
        .addColumn('seq', 'integer', (column) => column.primaryKey())
        .addColumn('index_name', 'text', (column) => column.notNull().references(`${name('vector_indexes')}.name`).onDelete('cascade'))
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('content', 'text')
        .addColumn('embedding', 'blob', (column) => column.notNull())
        .addColumn('metadata', 'text')
        .addColumn('created_at', 'integer', (column) => column.notNull())
        .addUniqueConstraint(name('vector_documents_index_id'), ['index_name', 'id'])
        .execute();
      await db.schema
        .createTable(name('vector_graphs'))
        .addColumn('index_name', 'text', (column) => column.primaryKey().notNull().references(`${name('vector_indexes')}.name`).onDelete('cascade'))
        .addColumn('graph', 'blob', (column) => column.notNull())
        .addColumn('generation', 'integer', (column) => column.notNull())
        .addColumn('updated_at', 'integer', (column) => column.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['vector_graphs', 'vector_documents', 'vector_indexes', 'spans', 'records', 'workflow_steps', 'workflow_runs', 'resources', 'messages', 'threads']) {
        await db.schema.dropTable(name(table)).ifExists().execute();
      }
    },
  };
}
