import { ConflictError } from '../errors/conflict-error.ts';
import { compileMetadataFilter } from '../vector/metadata-filter.ts';
import type { JSONValue } from '../shared/json-value.ts';
import { throwIfAborted } from './check-abort.ts';
import type { StoreCallOptions } from './memory-store.ts';
import type { ListRecordsQuery, RecordStore, StoredRecord } from './record-store.ts';
import { assertValidFieldPath, assertValidTableName, decodeRecordCursor, encodeRecordCursor } from './record-validation.ts';

/** The reference `RecordStore`, in process memory. */
export class InMemoryRecordStore implements RecordStore {
  readonly #tables = new Map<string, Map<string, StoredRecord>>();

  #table(table: string): Map<string, StoredRecord> {
    assertValidTableName(table);
    let rows = this.#tables.get(table);
    if (!rows) this.#tables.set(table, (rows = new Map()));
    return rows;
  }

  async insertRecord(record: StoredRecord, options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.abortSignal);
    const rows = this.#table(record.table);
    if (rows.has(record.id)) throw new ConflictError({ entity: 'record', id: record.id, message: `record "${record.id}" already exists in table "${record.table}"` });
    rows.set(record.id, structuredClone(record));
  }

  async getRecord(table: string, id: string, options?: StoreCallOptions): Promise<StoredRecord | null> {
    throwIfAborted(options?.abortSignal);
    const record = this.#table(table).get(id);
    return record ? structuredClone(record) : null;
  }

  async replaceRecord(record: StoredRecord, options?: StoreCallOptions): Promise<StoredRecord | null> {
    throwIfAborted(options?.abortSignal);
    const rows = this.#table(record.table);
    const existing = rows.get(record.id);
    if (!existing) return null;
    const next = { ...structuredClone(record), createdAt: existing.createdAt };
    rows.set(record.id, next);
    return structuredClone(next);
  }

  async deleteRecord(table: string, id: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.abortSignal);
    return this.#table(table).delete(id);
  }

  async listRecords(table: string, query: ListRecordsQuery): Promise<{ items: StoredRecord[]; nextCursor: string | undefined }> {
    throwIfAborted(query.abortSignal);
    const rows = this.#table(table);
    for (const key of Object.keys(query.where ?? {})) assertValidFieldPath(key);
    const matches = compileMetadataFilter(query.where);
    const field = query.orderBy?.field ?? 'createdAt';
    const segments = field === 'createdAt' || field === 'updatedAt' || field === 'id' ? undefined : assertValidFieldPath(field);
    const direction = query.orderBy?.direction === 'desc' ? -1 : 1;
    const sortValue = (record: StoredRecord): JSONValue =>
      segments === undefined
        ? field === 'id'
          ? record.id
          : record[field as 'createdAt' | 'updatedAt'].getTime()
        : ((segments.reduce<unknown>((value, segment) => (value != null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined), record.data) ?? null) as JSONValue);
    const compare = (a: { value: JSONValue; id: string }, b: { value: JSONValue; id: string }): number =>
      direction * (compareValues(a.value, b.value) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let candidates = [...rows.values()]
      .filter((record) => matches(record.data))
      .map((record) => ({ record, key: { value: sortValue(record), id: record.id } }))
      .sort((a, b) => compare(a.key, b.key));
    if (query.cursor !== undefined) {
      const cursor = decodeRecordCursor(query.cursor);
      const after = { value: cursor.value as JSONValue, id: cursor.id };
      candidates = candidates.filter((candidate) => compare(candidate.key, after) > 0);
    }
    const limit = query.limit ?? 100;
    const page = candidates.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((candidate) => structuredClone(candidate.record)),
      nextCursor: candidates.length > limit && last ? encodeRecordCursor(last.key.value, last.key.id) : undefined,
    };
  }
}

/** Orders null first, then numbers, then strings, then anything else by its JSON text. */
function compareValues(a: JSONValue, b: JSONValue): number {
  const rank = (value: JSONValue): number => (value === null ? 0 : typeof value === 'number' ? 1 : typeof value === 'string' ? 2 : 3);
  const difference = rank(a) - rank(b);
  if (difference !== 0) return difference;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = typeof a === 'string' ? a : JSON.stringify(a);
  const right = typeof b === 'string' ? b : JSON.stringify(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
