import type { JSONObject, StoreCallOptions, VectorMetric } from '@mastra-ts/core';

/** One persisted vector with its document, as plain data (a row of a vector-documents table). */
export interface VectorDocumentRecord {
  id: string;
  /** The vector as little-endian float32 bytes (`dimension * 4` of them). */
  embedding: Uint8Array;
  /** Metadata object, stored as JSON. */
  metadata: JSONObject | null;
  /** Document text. */
  content: string | null;
}

/** How an index was created (a row of an index-definitions table). */
export interface VectorIndexDefinition {
  indexName: string;
  dimension: number;
  metric: VectorMetric;
  /** `flat` or `hnsw`, plus the HNSW settings, as JSON. */
  options: JSONObject;
}

/**
 * Where a `LocalVectorStore` keeps its indexes: plain rows and bytes, so any storage can satisfy it structurally
 * (`@mastra-ts/storage-sqlite` does, with a vector-documents table, an index-definitions table and a graph-blob
 * table). The store validates and orders writes; a persistence only moves rows. Each write call is one transaction.
 */
export interface VectorPersistence {
  /** Every saved index definition. */
  listVectorIndexes(options?: StoreCallOptions): Promise<VectorIndexDefinition[]>;
  /** Creates or replaces an index definition. */
  saveVectorIndex(args: { definition: VectorIndexDefinition } & StoreCallOptions): Promise<void>;
  /** Removes an index definition with all its documents and its graph. */
  deleteVectorIndex(args: { indexName: string } & StoreCallOptions): Promise<void>;
  /** Every document of an index, in any order: an array or an async iterable of rows. */
  loadVectorDocuments(args: { indexName: string } & StoreCallOptions): Promise<VectorDocumentRecord[]> | AsyncIterable<VectorDocumentRecord>;
  /** Inserts or replaces documents by id. */
  upsertVectorDocuments(args: { indexName: string; documents: VectorDocumentRecord[] } & StoreCallOptions): Promise<void>;
  /** Deletes documents by id (unknown ids are ignored). */
  deleteVectorDocuments(args: { indexName: string; ids: string[] } & StoreCallOptions): Promise<void>;
  /** The saved graph of an index, or undefined. */
  loadVectorIndexGraph(args: { indexName: string } & StoreCallOptions): Promise<Uint8Array | undefined>;
  /** Creates or replaces the saved graph of an index. */
  saveVectorIndexGraph(args: { indexName: string; graph: Uint8Array } & StoreCallOptions): Promise<void>;
}
