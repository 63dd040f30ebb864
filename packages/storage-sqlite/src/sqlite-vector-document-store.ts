import { ConflictError, NotFoundError, StorageError, throwIfAborted, TypeValidationError } from '@mastra-ts/core';
import type { JSONObject, StoreCallOptions } from '@mastra-ts/core';
import type { Insertable, Kysely, OnConflictBuilder, OnConflictUpdateBuilder, Selectable } from 'kysely';
import { decodeFloat32Blob, encodeFloat32Blob } from './float32-blob.ts';
import { chunk, fromJsonColumn, toJsonColumn } from './json-column.ts';
import { PreparedQuery, slot } from './prepared-query.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { SqliteSchema, VectorDocumentRow, VectorGraphRow, VectorIndexRow } from './sqlite-schema.ts';
import type { LoadedVectorIndex, VectorDocument, VectorDocumentInput, VectorDocumentStore, VectorGraph, VectorIndexDefinition } from './vector-documents.ts';

/** An upsert of a document replaces its content, embedding, metadata and time. */
const replaceDocument = (conflict: OnConflictBuilder<SqliteSchema, 'vector_documents'>): OnConflictUpdateBuilder<SqliteSchema, 'vector_documents'> =>
  conflict.columns(['index_name', 'id']).doUpdateSet((eb) => ({
    content: eb.ref('excluded.content'),
    embedding: eb.ref('excluded.embedding'),
    metadata: eb.ref('excluded.metadata'),
    created_at: eb.ref('excluded.created_at'),
  }));

const documentChunkSize = 1000;
const idChunkSize = 900;
const abortCheckRows = 256;
const documentSlots = ['index_name', 'id', 'content', 'embedding', 'metadata', 'created_at'] as const;

/** The prepared statements of the hot calls (document writes, loads, graph saves), compiled from kysely once per store. */
class VectorStatements {
  readonly selectIndex: PreparedQuery;
  readonly bumpGeneration: PreparedQuery;
  readonly upsertDocument: PreparedQuery;
  readonly deleteDocument: PreparedQuery;
  readonly selectDocuments: PreparedQuery;
  readonly countDocuments: PreparedQuery;
  readonly selectGraph: PreparedQuery;
  readonly upsertGraph: PreparedQuery;

  constructor(connection: SqliteConnection) {
    const { db, database } = connection;
    this.selectIndex = new PreparedQuery(database, db.selectFrom('vector_indexes').selectAll().where('name', '=', slot<string>('name')), ['name']);
    this.bumpGeneration = new PreparedQuery(
      database,
      db
        .updateTable('vector_indexes')
        .set((eb) => ({ generation: eb('generation', '+', eb.lit(1)), updated_at: slot<number>('updated_at') }))
        .where('name', '=', slot<string>('name'))
        .returning('generation'),
      ['updated_at', 'name'],
    );
    this.upsertDocument = new PreparedQuery(
      database,
      db
        .insertInto('vector_documents')
        .values(Object.fromEntries(documentSlots.map((column) => [column, slot(column)])) as unknown as Insertable<VectorDocumentRow>)
        .onConflict(replaceDocument),
      documentSlots,
    );
    this.deleteDocument = new PreparedQuery(
      database,
      db.deleteFrom('vector_documents').where('index_name', '=', slot<string>('index_name')).where('id', '=', slot<string>('id')),
      ['index_name', 'id'],
    );
    this.selectDocuments = new PreparedQuery(
      database,
      db.selectFrom('vector_documents').select(['id', 'content', 'embedding', 'metadata']).where('index_name', '=', slot<string>('index_name')).orderBy('seq'),
      ['index_name'],
    );
    this.countDocuments = new PreparedQuery(
      database,
      db.selectFrom('vector_documents').select((eb) => eb.fn.countAll<number>().as('count')).where('index_name', '=', slot<string>('index_name')),
      ['index_name'],
    );
    this.selectGraph = new PreparedQuery(database, db.selectFrom('vector_graphs').selectAll().where('index_name', '=', slot<string>('index_name')), ['index_name']);
    const graphSlots = ['index_name', 'graph', 'generation', 'updated_at'] as const;
    this.upsertGraph = new PreparedQuery(
      database,
      db
        .insertInto('vector_graphs')
        .values(Object.fromEntries(graphSlots.map((column) => [column, slot(column)])) as unknown as VectorGraphRow)
        .onConflict((conflict) =>
          conflict.column('index_name').doUpdateSet((eb) => ({ graph: eb.ref('excluded.graph'), generation: eb.ref('excluded.generation'), updated_at: eb.ref('excluded.updated_at') })),
        ),
      graphSlots,
    );
  }
}

/**
 * `VectorDocumentStore` on SQLite (see `VectorDocumentStore` for the contract). Document writes, index loads and
 * graph saves run prepared statements synchronously in one transaction (unless the storage was opened with
 * `preparedStatements: false`): one statement per row, embeddings bound as float32 BLOBs without a copy.
 */
export class SqliteVectorDocumentStore implements VectorDocumentStore {
  readonly #connection: SqliteConnection;
  readonly #statements: VectorStatements | undefined;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
    if (connection.preparedStatements) this.#statements = new VectorStatements(connection);
  }

  async createIndex(args: { indexName: string; dimension: number; metric: string; options?: JSONObject } & StoreCallOptions): Promise<VectorIndexDefinition> {
    if (!Number.isInteger(args.dimension) || args.dimension < 1) {
      throw new TypeValidationError({ value: args.dimension, context: 'vector index', issues: [{ path: ['dimension'], message: 'dimension must be a positive integer' }] });
    }
    return this.#connection.write('createIndex', args.abortSignal, async ({ db }) => {
      const existing = await db.selectFrom('vector_indexes').selectAll().where('name', '=', args.indexName).executeTakeFirst();
      if (existing) {
        if (existing.dimension !== args.dimension || existing.metric !== args.metric) {
          throw new ConflictError({
            entity: 'vector index',
            id: args.indexName,
            message: `vector index "${args.indexName}" exists with dimension ${existing.dimension} and metric ${existing.metric}, not ${args.dimension} and ${args.metric}: delete it first or use another name`,
          });
        }
        return rowToIndex(existing);
      }
      const now = Date.now();
      const row: VectorIndexRow = { name: args.indexName, dimension: args.dimension, metric: args.metric, options: toJsonColumn(args.options), generation: 0, created_at: now, updated_at: now };
      await db.insertInto('vector_indexes').values(row).execute();
      return rowToIndex(row);
    });
  }

  async getIndex(args: { indexName: string } & StoreCallOptions): Promise<VectorIndexDefinition | null> {
    const row = await this.#connection.read('getIndex', args.abortSignal, (db) => db.selectFrom('vector_indexes').selectAll().where('name', '=', args.indexName).executeTakeFirst());
    return row ? rowToIndex(row) : null;
  }

  async listIndexes(options?: StoreCallOptions): Promise<VectorIndexDefinition[]> {
    const rows = await this.#connection.read('listIndexes', options?.abortSignal, (db) => db.selectFrom('vector_indexes').selectAll().orderBy('name').execute());
    return rows.map(rowToIndex);
  }

  async deleteIndex(args: { indexName: string } & StoreCallOptions): Promise<boolean> {
    return this.#connection.write('deleteIndex', args.abortSignal, async ({ db }) => {
      await db.deleteFrom('vector_graphs').where('index_name', '=', args.indexName).execute();
      await db.deleteFrom('vector_documents').where('index_name', '=', args.indexName).execute();
      const result = await db.deleteFrom('vector_indexes').where('name', '=', args.indexName).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async upsertDocuments(args: { indexName: string; documents: readonly VectorDocumentInput[] } & StoreCallOptions): Promise<{ generation: number }> {
    throwIfAborted(args.abortSignal);
    const statements = this.#statements;
    if (statements) {
      return this.#connection.writeNow('upsertDocuments', args.abortSignal, (abortSignal) => {
        const index = requireIndexNow(statements, args.indexName);
        checkDimensions(args.indexName, index.dimension, args.documents);
        const now = Date.now();
        const upsert = statements.upsertDocument.statement;
        const documents = args.documents;
        for (let position = 0; position < documents.length; position++) {
          if (position % abortCheckRows === 0) throwIfAborted(abortSignal);
          const document = documents[position]!;
          upsert.run(args.indexName, document.id, document.content ?? null, encodeFloat32Blob(document.embedding), toJsonColumn(document.metadata), document.createdAt?.getTime() ?? now);
        }
        return { generation: bumpGenerationNow(statements, args.indexName, now) };
      });
    }
    return this.#connection.write('upsertDocuments', args.abortSignal, async ({ db, checkAborted }) => {
      const index = await requireIndex(db, args.indexName);
      checkDimensions(args.indexName, index.dimension, args.documents);
      const now = Date.now();
      for (const batch of chunk(args.documents, documentChunkSize)) {
        checkAborted();
        await db
          .insertInto('vector_documents')
          .values(
            batch.map((document) => ({
              index_name: args.indexName,
              id: document.id,
              content: document.content ?? null,
              embedding: encodeFloat32Blob(document.embedding),
              metadata: toJsonColumn(document.metadata),
              created_at: document.createdAt?.getTime() ?? now,
            })),
          )
          .onConflict(replaceDocument)
          .execute();
      }
      return { generation: await bumpGeneration(db, args.indexName, now) };
    });
  }

  async deleteDocuments(args: { indexName: string; ids: readonly string[] } & StoreCallOptions): Promise<{ deleted: number; generation: number }> {
    const statements = this.#statements;
    if (statements) {
      return this.#connection.writeNow('deleteDocuments', args.abortSignal, (abortSignal) => {
        requireIndexNow(statements, args.indexName);
        const remove = statements.deleteDocument.statement;
        let deleted = 0;
        let position = 0;
        for (const id of new Set(args.ids)) {
          if (position++ % abortCheckRows === 0) throwIfAborted(abortSignal);
          deleted += remove.run(args.indexName, id).changes;
        }
        return { deleted, generation: bumpGenerationNow(statements, args.indexName, Date.now()) };
      });
    }
    return this.#connection.write('deleteDocuments', args.abortSignal, async ({ db }) => {
      await requireIndex(db, args.indexName);
      let deleted = 0;
      for (const ids of chunk([...new Set(args.ids)], idChunkSize)) {
        const result = await db.deleteFrom('vector_documents').where('index_name', '=', args.indexName).where('id', 'in', ids).executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return { deleted, generation: await bumpGeneration(db, args.indexName, Date.now()) };
    });
  }

  async getDocuments(args: { indexName: string; ids: readonly string[] } & StoreCallOptions): Promise<VectorDocument[]> {
    return this.#connection.read('getDocuments', args.abortSignal, async (db) => {
      const byId = new Map<string, VectorDocument>();
      for (const ids of chunk([...new Set(args.ids)], idChunkSize)) {
        const rows = await db.selectFrom('vector_documents').select(['id', 'content', 'embedding', 'metadata', 'created_at']).where('index_name', '=', args.indexName).where('id', 'in', ids).execute();
        for (const row of rows) {
          const document: VectorDocument = { id: row.id, embedding: decodeFloat32Blob(row.embedding), createdAt: new Date(row.created_at) };
          if (row.content !== null) document.content = row.content;
          if (row.metadata !== null) document.metadata = fromJsonColumn<JSONObject>(row.metadata);
          byId.set(row.id, document);
        }
      }
      return args.ids.flatMap((id) => {
        const document = byId.get(id);
        return document ? [document] : [];
      });
    });
  }

  async countDocuments(args: { indexName: string } & StoreCallOptions): Promise<number> {
    return this.#connection.read('countDocuments', args.abortSignal, async (db) => {
      const row = await db.selectFrom('vector_documents').select((eb) => eb.fn.countAll<number>().as('count')).where('index_name', '=', args.indexName).executeTakeFirstOrThrow();
      return row.count;
    });
  }

  async loadIndex(args: { indexName: string } & StoreCallOptions): Promise<LoadedVectorIndex | null> {
    const statements = this.#statements;
    if (statements) return this.#connection.readNow('loadIndex', args.abortSignal, () => loadIndexNow(statements, args.indexName));
    return this.#connection.read('loadIndex', args.abortSignal, async (db) => {
      const indexRow = await db.selectFrom('vector_indexes').selectAll().where('name', '=', args.indexName).executeTakeFirst();
      if (!indexRow) return null;
      const index = rowToIndex(indexRow);
      const rows = await db.selectFrom('vector_documents').select(['id', 'content', 'embedding', 'metadata']).where('index_name', '=', args.indexName).orderBy('seq').execute();
      const vectors = new Float32Array(rows.length * index.dimension);
      const ids: string[] = new Array<string>(rows.length);
      const contents: (string | undefined)[] = new Array<string | undefined>(rows.length);
      const metadata: (JSONObject | undefined)[] = new Array<JSONObject | undefined>(rows.length);
      rows.forEach((row, position) => {
        ids[position] = row.id;
        contents[position] = row.content ?? undefined;
        metadata[position] = fromJsonColumn<JSONObject>(row.metadata);
        decodeFloat32Blob(row.embedding, vectors, position * index.dimension);
      });
      const graphRow = await db.selectFrom('vector_graphs').selectAll().where('index_name', '=', args.indexName).executeTakeFirst();
      return { index, ids, vectors, contents, metadata, graph: graphRow ? rowToGraph(graphRow) : null };
    });
  }

  async saveGraph(args: { indexName: string; bytes: Uint8Array; generation: number } & StoreCallOptions): Promise<void> {
    const statements = this.#statements;
    if (statements) {
      await this.#connection.writeNow('saveGraph', args.abortSignal, () => {
        requireIndexNow(statements, args.indexName);
        statements.upsertGraph.statement.run(args.indexName, Buffer.from(args.bytes.buffer, args.bytes.byteOffset, args.bytes.byteLength), args.generation, Date.now());
      });
      return;
    }
    await this.#connection.write('saveGraph', args.abortSignal, async ({ db }) => {
      await requireIndex(db, args.indexName);
      const row = { index_name: args.indexName, graph: Buffer.from(args.bytes.buffer, args.bytes.byteOffset, args.bytes.byteLength), generation: args.generation, updated_at: Date.now() };
      await db
        .insertInto('vector_graphs')
        .values(row)
        .onConflict((conflict) => conflict.column('index_name').doUpdateSet({ graph: row.graph, generation: row.generation, updated_at: row.updated_at }))
        .execute();
    });
  }

  async loadGraph(args: { indexName: string } & StoreCallOptions): Promise<VectorGraph | null> {
    const row = await this.#connection.read('loadGraph', args.abortSignal, (db) => db.selectFrom('vector_graphs').selectAll().where('index_name', '=', args.indexName).executeTakeFirst());
    return row ? rowToGraph(row) : null;
  }
}

function missingIndex(indexName: string): NotFoundError {
  return new NotFoundError({ entity: 'vector index', id: indexName, message: `No vector index "${indexName}": create it with createIndex first` });
}

function checkDimensions(indexName: string, dimension: number, documents: readonly VectorDocumentInput[]): void {
  for (let position = 0; position < documents.length; position++) {
    const document = documents[position]!;
    if (document.embedding.length !== dimension) {
      throw new TypeValidationError({
        value: document.embedding.length,
        context: 'vector document',
        issues: [{ path: ['documents', position, 'embedding'], message: `document "${document.id}" has ${document.embedding.length} dimensions; index "${indexName}" has ${dimension}` }],
      });
    }
  }
}

function requireIndexNow(statements: VectorStatements, indexName: string): Selectable<VectorIndexRow> {
  const index = statements.selectIndex.statement.get(indexName) as Selectable<VectorIndexRow> | undefined;
  if (!index) throw missingIndex(indexName);
  return index;
}

function bumpGenerationNow(statements: VectorStatements, indexName: string, now: number): number {
  return (statements.bumpGeneration.statement.get(now, indexName) as { generation: number }).generation;
}

function loadIndexNow(statements: VectorStatements, indexName: string): LoadedVectorIndex | null {
  const indexRow = statements.selectIndex.statement.get(indexName) as Selectable<VectorIndexRow> | undefined;
  if (!indexRow) return null;
  const index = rowToIndex(indexRow);
  const dimension = index.dimension;
  const count = (statements.countDocuments.statement.get(indexName) as { count: number }).count;
  const vectors = new Float32Array(count * dimension);
  const bytes = new Uint8Array(vectors.buffer);
  const ids = new Array<string>(count);
  const contents = new Array<string | undefined>(count);
  const metadata = new Array<JSONObject | undefined>(count);
  const rowBytes = dimension * 4;
  let position = 0;
  for (const row of statements.selectDocuments.statement.raw(true).iterate(indexName) as IterableIterator<[string, string | null, Uint8Array, string | null]>) {
    const embedding = row[2];
    if (embedding.byteLength !== rowBytes || position >= count) {
      const problem = position >= count ? 'more documents than counted' : `a ${embedding.byteLength}-byte embedding where dimension ${dimension} needs ${rowBytes}`;
      throw new StorageError({ store: 'sqlite', operation: 'loadIndex', message: `vector document "${row[0]}" of index "${indexName}" has ${problem}: the file is damaged; delete that document (or the index) and upsert it again, or restore the file from a backup` });
    }
    ids[position] = row[0];
    contents[position] = row[1] ?? undefined;
    metadata[position] = row[3] === null ? undefined : (JSON.parse(row[3]) as JSONObject);
    if (littleEndian) bytes.set(embedding, position * rowBytes);
    else decodeFloat32Blob(embedding, vectors, position * dimension);
    position++;
  }
  const graphRow = statements.selectGraph.statement.get(indexName) as Selectable<VectorGraphRow> | undefined;
  return { index, ids, vectors, contents, metadata, graph: graphRow ? rowToGraph(graphRow) : null };
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

async function requireIndex(db: Kysely<SqliteSchema>, indexName: string): Promise<Selectable<VectorIndexRow>> {
  const index = await db.selectFrom('vector_indexes').selectAll().where('name', '=', indexName).executeTakeFirst();
  if (!index) throw missingIndex(indexName);
  return index;
}

async function bumpGeneration(db: Kysely<SqliteSchema>, indexName: string, now: number): Promise<number> {
  const row = await db
    .updateTable('vector_indexes')
    .set((eb) => ({ generation: eb('generation', '+', 1), updated_at: now }))
    .where('name', '=', indexName)
    .returning('generation')
    .executeTakeFirstOrThrow();
  return row.generation;
}

function rowToIndex(row: Selectable<VectorIndexRow>): VectorIndexDefinition {
  const index: VectorIndexDefinition = {
    name: row.name,
    dimension: row.dimension,
    metric: row.metric,
    generation: row.generation,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
  if (row.options !== null) index.options = fromJsonColumn<JSONObject>(row.options);
  return index;
}

function rowToGraph(row: { graph: Uint8Array; generation: number; updated_at: number }): VectorGraph {
  return { bytes: new Uint8Array(row.graph), generation: row.generation, updatedAt: new Date(row.updated_at) };
}
