import type { JSONObject, StoreCallOptions } from '@mastra-ts/core';

/** An index definition as persisted (a row of an index-definitions table). */
export interface PersistedVectorIndexDefinition {
  name: string;
  dimension: number;
  /** `cosine`, `dotproduct` or `euclidean`. */
  metric: string;
  /** Index kind and HNSW settings chosen by this package, stored as given. */
  options?: JSONObject | undefined;
  /** Bumped by every document write. */
  generation: number;
}

/** One document to persist: the embedding is written as a little-endian float32 BLOB, metadata as JSON. */
export interface PersistedVectorDocument {
  id: string;
  embedding: Float32Array;
  content?: string | undefined;
  metadata?: JSONObject | undefined;
}

/** A saved graph blob and the index generation it was saved at. */
export interface PersistedVectorGraph {
  bytes: Uint8Array;
  generation: number;
}

/** An index read back in one go, columnar: document `i` is `ids[i]`, row `i` of `vectors`, `contents[i]`, `metadata[i]`. */
export interface PersistedVectorIndex {
  index: PersistedVectorIndexDefinition;
  ids: string[];
  /** `ids.length × dimension` floats, row-major. */
  vectors: Float32Array;
  contents: Array<string | undefined>;
  metadata: Array<JSONObject | undefined>;
  graph: PersistedVectorGraph | null;
}

/**
 * Where a `LocalVectorStore` keeps its indexes: plain rows and bytes. It is the shape of
 * `@mastra-ts/storage-sqlite`'s `storage.vectors` (three tables: vector documents, index definitions, graph blobs), so
 * that object can be passed as is; this package does not depend on it. The store validates and orders writes; a
 * persistence only moves rows and must make each write one transaction.
 */
export interface VectorPersistence {
  /** Creates an index definition, or keeps the existing one when dimension and metric match. */
  createIndex(args: { indexName: string; dimension: number; metric: string; options?: JSONObject } & StoreCallOptions): Promise<unknown>;
  listIndexes(options?: StoreCallOptions): Promise<PersistedVectorIndexDefinition[]>;
  /** Deletes the definition, its documents and its graph. */
  deleteIndex(args: { indexName: string } & StoreCallOptions): Promise<unknown>;
  /** Inserts or replaces documents by id; returns the new generation. */
  upsertDocuments(args: { indexName: string; documents: readonly PersistedVectorDocument[] } & StoreCallOptions): Promise<{ generation: number }>;
  /** Deletes documents by id (unknown ids are ignored); returns the new generation. */
  deleteDocuments(args: { indexName: string; ids: readonly string[] } & StoreCallOptions): Promise<{ generation: number }>;
  /** Definition, documents and graph of one index; null when it does not exist. */
  loadIndex(args: { indexName: string } & StoreCallOptions): Promise<PersistedVectorIndex | null>;
  /**
   * Documents by id (unknown ids skipped). Optional: when present, background HNSW compaction rebuilds the graph from
   * the embeddings exactly as written, so the saved graph keeps matching the rows.
   */
  getDocuments?(args: { indexName: string; ids: readonly string[] } & StoreCallOptions): Promise<Array<{ id: string; embedding: Float32Array }>>;
  /** Saves (replaces) the graph blob of an index, tagged with the generation it reflects. */
  saveGraph(args: { indexName: string; bytes: Uint8Array; generation: number } & StoreCallOptions): Promise<void>;
}
