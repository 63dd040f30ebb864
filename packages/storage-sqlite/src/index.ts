/**
 * @module
 * `@mastra-ts/storage-sqlite`: every mastra-ts store (memory, workflows, records, traces, vector documents) on one
 * embedded SQLite file, through kysely on better-sqlite3.
 */
export { createSqliteStorage, type SqliteStorage, type SqliteStorageSettings } from './create-sqlite-storage.ts';
export { SqliteMemoryStore } from './sqlite-memory-store.ts';
export { SqliteWorkflowStore } from './sqlite-workflow-store.ts';
export { SqliteRecordStore } from './sqlite-record-store.ts';
export { SqliteTraceStore } from './sqlite-trace-store.ts';
export { SqliteVectorDocumentStore } from './sqlite-vector-document-store.ts';
export type { LoadedVectorIndex, VectorDocument, VectorDocumentInput, VectorDocumentStore, VectorGraph, VectorIndexDefinition } from './vector-documents.ts';
export { decodeFloat32Blob, encodeFloat32Blob } from './float32-blob.ts';
export { createMigrations } from './sqlite-migrations.ts';
