import { NotFoundError } from '../errors/not-found-error.ts';
import { TypeValidationError } from '../errors/type-validation-error.ts';
import type { JSONObject } from '../shared/json-value.ts';
import { generateId } from '../utils/generate-id.ts';
import type { StoreCallOptions } from './memory-store.ts';
import type { ListRecordsQuery, RecordStore, StoredRecord } from './record-store.ts';
import { assertValidFieldPath, assertValidTableName } from './record-validation.ts';

/**
 * The generic records API of the original design over any `RecordStore`:
 * `create(table, data)` → id, `read`, `update`, `delete`, `list`. Validates names and data,
 * assigns ids and timestamps; the store only moves rows.
 */
export class Records {
  readonly #store: RecordStore;
  readonly #now: () => Date;

  constructor(store: RecordStore, { now = () => new Date() }: { now?: () => Date } = {}) {
    this.#store = store;
    this.#now = now;
  }

  /** Inserts `data` and returns the new id (or `options.id`). */
  async create(table: string, data: JSONObject, options: { id?: string } & StoreCallOptions = {}): Promise<string> {
    assertValidTableName(table);
    assertObject(data);
    const now = this.#now();
    const id = options.id ?? generateId();
    await this.#store.insertRecord({ id, table, data: structuredClone(data), createdAt: now, updatedAt: now }, options);
    return id;
  }

  async read(table: string, id: string, options?: StoreCallOptions): Promise<StoredRecord | null> {
    assertValidTableName(table);
    return this.#store.getRecord(table, id, options);
  }

  /** Replaces the data (or merges it shallowly with `{ merge: true }`); throws `NotFoundError` when absent. */
  async update(table: string, id: string, data: JSONObject, options: { merge?: boolean } & StoreCallOptions = {}): Promise<StoredRecord> {
    assertValidTableName(table);
    assertObject(data);
    const existing = await this.#store.getRecord(table, id, options);
    if (!existing) throw new NotFoundError({ entity: 'record', id, message: `No record "${id}" in table "${table}"` });
    const next = options.merge ? { ...existing.data, ...data } : data;
    const updated = await this.#store.replaceRecord({ ...existing, data: structuredClone(next), updatedAt: this.#now() }, options);
    if (!updated) throw new NotFoundError({ entity: 'record', id, message: `Record "${id}" in table "${table}" was deleted during the update` });
    return updated;
  }

  async delete(table: string, id: string, options?: StoreCallOptions): Promise<boolean> {
    assertValidTableName(table);
    return this.#store.deleteRecord(table, id, options);
  }

  /** A page of records; pass `nextCursor` back as `cursor` for the next one. */
  async list(table: string, query: ListRecordsQuery = {}): Promise<{ items: StoredRecord[]; nextCursor: string | undefined }> {
    assertValidTableName(table);
    for (const key of Object.keys(query.where ?? {})) assertValidFieldPath(key);
    if (query.orderBy && !['createdAt', 'updatedAt', 'id'].includes(query.orderBy.field)) assertValidFieldPath(query.orderBy.field);
    if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1000)) {
      throw new TypeValidationError({ value: query.limit, context: 'records list', issues: [{ path: ['limit'], message: 'limit must be an integer from 1 to 1000' }] });
    }
    return this.#store.listRecords(table, query);
  }
}

function assertObject(data: unknown): void {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new TypeValidationError({ value: data, context: 'record data', issues: [{ path: ['data'], message: 'record data must be a JSON object' }] });
  }
}
