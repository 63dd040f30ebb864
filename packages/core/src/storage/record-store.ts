import type { JSONObject, JSONValue } from '../shared/json-value.ts';
import type { StoreCallOptions } from './memory-store.ts';

/** A generic record: a JSON object in a named table. */
export interface StoredRecord<T extends JSONObject = JSONObject> {
  id: string;
  table: string;
  data: T;
  createdAt: Date;
  updatedAt: Date;
}

/** A comparison on one JSON field. */
export type RecordFieldCondition =
  | JSONValue
  | {
      $eq?: JSONValue;
      $ne?: JSONValue;
      $gt?: string | number;
      $gte?: string | number;
      $lt?: string | number;
      $lte?: string | number;
      $in?: JSONValue[];
      $exists?: boolean;
    };

/** Query for `list`. Keys of `where` and `orderBy.field` are dotted paths into `data`, validated by core. */
export interface ListRecordsQuery extends StoreCallOptions {
  where?: Record<string, RecordFieldCondition>;
  /** Default: `createdAt` ascending. `field` may be `createdAt`, `updatedAt`, `id` or a data path. */
  orderBy?: { field: string; direction?: 'asc' | 'desc' };
  limit?: number;
  /** Opaque cursor returned as `nextCursor` by the previous page. */
  cursor?: string;
}

/** The generic table/id/data records of the original design. */
export interface RecordStore {
  /** Inserts a record; fails with `ConflictError` when the id exists in the table. */
  insertRecord(record: StoredRecord, options?: StoreCallOptions): Promise<void>;
  getRecord(table: string, id: string, options?: StoreCallOptions): Promise<StoredRecord | null>;
  /** Replaces data and `updatedAt`; returns null when the record does not exist. */
  replaceRecord(record: StoredRecord, options?: StoreCallOptions): Promise<StoredRecord | null>;
  deleteRecord(table: string, id: string, options?: StoreCallOptions): Promise<boolean>;
  listRecords(table: string, query: ListRecordsQuery): Promise<{ items: StoredRecord[]; nextCursor: string | undefined }>;
}
