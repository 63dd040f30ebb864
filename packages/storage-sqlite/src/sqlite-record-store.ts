import { assertValidTableName, ConflictError, decodeRecordCursor, encodeRecordCursor } from '@mastra-ts/core';
import type { JSONObject, JSONValue, ListRecordsQuery, RecordStore, StoredRecord, StoreCallOptions } from '@mastra-ts/core';
import { sql, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import { compileRecordWhere, toJsonPath } from './compile-record-where.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { RecordRow } from './sqlite-schema.ts';

type Sql = RawBuilder<unknown>;

interface SortKey {
  /** Type rank for JSON fields (null < numbers < strings < others); absent for plain columns. */
  rank: Sql | undefined;
  value: Sql;
  /** The cursor value of a row, as core's in-memory store encodes it. */
  cursorValue(row: Selectable<RecordRow>): JSONValue;
  /** `[rank, comparable value]` of a decoded cursor value. */
  position(value: unknown): [number, string | number | null];
}

/**
 * `RecordStore` on SQLite: one table keyed by `(table_name, id)` with the data as JSON text. `where` compiles to
 * `json_extract`/`json_each` with the paths and values bound; ordering and the keyset cursor use
 * `(rank, value, id)`, the same total order as core's in-memory store.
 */
export class SqliteRecordStore implements RecordStore {
  readonly #connection: SqliteConnection;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
  }

  async insertRecord(record: StoredRecord, options?: StoreCallOptions): Promise<void> {
    assertValidTableName(record.table);
    await this.#connection.write('insertRecord', options?.abortSignal, async ({ db }) => {
      const result = await db
        .insertInto('records')
        .values({ table_name: record.table, id: record.id, data: JSON.stringify(record.data), created_at: record.createdAt.getTime(), updated_at: record.updatedAt.getTime() })
        .onConflict((conflict) => conflict.columns(['table_name', 'id']).doNothing())
        .executeTakeFirst();
      if (result.numInsertedOrUpdatedRows === 0n) {
        throw new ConflictError({ entity: 'record', id: record.id, message: `record "${record.id}" already exists in table "${record.table}": use update or another id` });
      }
    });
  }

  async getRecord(table: string, id: string, options?: StoreCallOptions): Promise<StoredRecord | null> {
    assertValidTableName(table);
    const row = await this.#connection.read('getRecord', options?.abortSignal, (db) =>
      db.selectFrom('records').selectAll().where('table_name', '=', table).where('id', '=', id).executeTakeFirst(),
    );
    return row ? rowToRecord(row) : null;
  }

  async replaceRecord(record: StoredRecord, options?: StoreCallOptions): Promise<StoredRecord | null> {
    assertValidTableName(record.table);
    const row = await this.#connection.write('replaceRecord', options?.abortSignal, ({ db }) =>
      db
        .updateTable('records')
        .set({ data: JSON.stringify(record.data), updated_at: record.updatedAt.getTime() })
        .where('table_name', '=', record.table)
        .where('id', '=', record.id)
        .returningAll()
        .executeTakeFirst(),
    );
    return row ? rowToRecord(row) : null;
  }

  async deleteRecord(table: string, id: string, options?: StoreCallOptions): Promise<boolean> {
    assertValidTableName(table);
    return this.#connection.write('deleteRecord', options?.abortSignal, async ({ db }) => {
      const result = await db.deleteFrom('records').where('table_name', '=', table).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async listRecords(table: string, query: ListRecordsQuery): Promise<{ items: StoredRecord[]; nextCursor: string | undefined }> {
    assertValidTableName(table);
    const where = compileRecordWhere(query.where);
    const key = sortKey(query.orderBy?.field ?? 'createdAt');
    const descending = query.orderBy?.direction === 'desc';
    const cursor = query.cursor === undefined ? undefined : decodeRecordCursor(query.cursor);
    const limit = query.limit ?? 100;
    return this.#connection.read('listRecords', query.abortSignal, async (db) => {
      let select = db.selectFrom('records').selectAll().where('table_name', '=', table).where(where);
      if (cursor) select = select.where(afterCursor(key, cursor, descending));
      const direction = sql.raw(descending ? 'desc' : 'asc');
      if (key.rank) select = select.orderBy(sql`${key.rank} ${direction}`);
      select = select.orderBy(sql`${key.value} ${direction}`).orderBy(sql`id ${direction}`).limit(limit + 1);
      const rows = await select.execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map(rowToRecord),
        nextCursor: rows.length > limit && last ? encodeRecordCursor(key.cursorValue(last), last.id) : undefined,
      };
    });
  }
}

function sortKey(field: string): SortKey {
  if (field === 'createdAt' || field === 'updatedAt' || field === 'id') {
    const column = field === 'createdAt' ? 'created_at' : field === 'updatedAt' ? 'updated_at' : 'id';
    return {
      rank: undefined,
      value: sql.ref(column),
      cursorValue: (row) => (field === 'id' ? row.id : field === 'createdAt' ? row.created_at : row.updated_at),
      position: (value) => [0, typeof value === 'number' || typeof value === 'string' ? value : null],
    };
  }
  const path = toJsonPath(field);
  const type = sql`json_type(data, ${path})`;
  return {
    rank: sql`(case when ${type} is null or ${type} = 'null' then 0 when ${type} in ('integer', 'real') then 1 when ${type} = 'text' then 2 else 3 end)`,
    value: sql`(case when ${type} is null or ${type} = 'null' then null when ${type} in ('true', 'false') then ${type} else json_extract(data, ${path}) end)`,
    cursorValue: (row) => readPath(JSON.parse(row.data) as JSONObject, field),
    position: (value) => {
      if (value === null || value === undefined) return [0, null];
      if (typeof value === 'number') return [1, value];
      if (typeof value === 'string') return [2, value];
      return [3, JSON.stringify(value)];
    },
  };
}

function afterCursor(key: SortKey, cursor: { value: unknown; id: string }, descending: boolean): RawBuilder<SqlBool> {
  const [rank, value] = key.position(cursor.value);
  const beyond = sql.raw(descending ? '<' : '>');
  const sameValue = value === null ? sql`${key.value} is null` : sql`${key.value} = ${value}`;
  const valueBeyond = value === null ? (descending ? sql`0` : sql`${key.value} is not null`) : sql`coalesce(${key.value} ${beyond} ${value}, ${descending ? 1 : 0})`;
  const withinRank = sql`(${valueBeyond} or (${sameValue} and id ${beyond} ${cursor.id}))`;
  if (!key.rank) return sql<SqlBool>`${withinRank}`;
  return sql<SqlBool>`(${key.rank} ${beyond} ${rank} or (${key.rank} = ${rank} and ${withinRank}))`;
}

function readPath(data: JSONObject, field: string): JSONValue {
  let current: unknown = data;
  for (const segment of field.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, segment)) return null;
    current = (current as Record<string, unknown>)[segment];
  }
  return (current ?? null) as JSONValue;
}

function rowToRecord(row: Selectable<RecordRow>): StoredRecord {
  return { id: row.id, table: row.table_name, data: JSON.parse(row.data) as JSONObject, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) };
}
