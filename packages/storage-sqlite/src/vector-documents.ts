import type { JSONObject, StoreCallOptions } from '@mastra-ts/core';

/** A vector index definition as stored. */
export interface VectorIndexDefinition {
  name: string;
  dimension: number;
  /** `cosine`, `dotproduct` or `euclidean` (opaque to the store). */
  metric: string;
  /** Index parameters chosen by the vector package (e.g. HNSW `M`, `efConstruction`), stored as given. */
  options?: JSONObject | undefined;
  /** Bumped by every document write; compare with `VectorGraph.generation` to know whether a saved graph is current. */
  generation: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A document to upsert. `embedding` must have exactly the index's dimension. */
export interface VectorDocumentInput {
  id: string;
  embedding: Float32Array | readonly number[];
  content?: string | undefined;
  metadata?: JSONObject | undefined;
  /** Defaults to the time of the write. */
  createdAt?: Date | undefined;
}

/** A stored document. */
export interface VectorDocument {
  id: string;
  embedding: Float32Array;
  content?: string | undefined;
  metadata?: JSONObject | undefined;
  createdAt: Date;
}

/** A serialized index graph (e.g. HNSW), opaque bytes plus the index generation it reflects. */
export interface VectorGraph {
  bytes: Uint8Array;
  generation: number;
  updatedAt: Date;
}

/**
 * An index loaded in one read, columnar: document `i` is `ids[i]`, `vectors.subarray(i * dimension, (i + 1) * dimension)`,
 * `contents[i]`, `metadata[i]`. Documents come in insertion order (a replaced document keeps its place).
 */
export interface LoadedVectorIndex {
  index: VectorIndexDefinition;
  ids: string[];
  /** `ids.length × index.dimension` floats, row-major. */
  vectors: Float32Array;
  contents: (string | undefined)[];
  metadata: (JSONObject | undefined)[];
  /** The saved graph, or null when none was saved. It is current when `graph.generation === index.generation`. */
  graph: VectorGraph | null;
}

/**
 * Persistence for `@mastra-ts/vector`: index definitions, documents (embedding as a float32 little-endian BLOB,
 * metadata as JSON) and one serialized graph per index, all plain data. The vector package depends on this shape
 * structurally and never imports this package. Each write is one transaction; deleting an index deletes its
 * documents and graph.
 */
export interface VectorDocumentStore {
  /** Creates an index, or returns the existing one when dimension and metric match; otherwise `ConflictError`. */
  createIndex(args: { indexName: string; dimension: number; metric: string; options?: JSONObject } & StoreCallOptions): Promise<VectorIndexDefinition>;
  getIndex(args: { indexName: string } & StoreCallOptions): Promise<VectorIndexDefinition | null>;
  listIndexes(options?: StoreCallOptions): Promise<VectorIndexDefinition[]>;
  /** Deletes the index, its documents and its graph. Returns false when it did not exist. */
  deleteIndex(args: { indexName: string } & StoreCallOptions): Promise<boolean>;
  /** Inserts or replaces documents by id in one transaction; returns the new index generation. */
  upsertDocuments(args: { indexName: string; documents: readonly VectorDocumentInput[] } & StoreCallOptions): Promise<{ generation: number }>;
  /** Deletes documents by id; returns how many existed and the new generation. */
  deleteDocuments(args: { indexName: string; ids: readonly string[] } & StoreCallOptions): Promise<{ deleted: number; generation: number }>;
  /** Documents by id, in the order of `ids`, skipping unknown ids. */
  getDocuments(args: { indexName: string; ids: readonly string[] } & StoreCallOptions): Promise<VectorDocument[]>;
  countDocuments(args: { indexName: string } & StoreCallOptions): Promise<number>;
  /** Everything needed to rebuild the in-memory index in one read; null when the index does not exist. */
  loadIndex(args: { indexName: string } & StoreCallOptions): Promise<LoadedVectorIndex | null>;
  /** Saves (replaces) the serialized graph of an index, tagged with the generation it was built from. */
  saveGraph(args: { indexName: string; bytes: Uint8Array; generation: number } & StoreCallOptions): Promise<void>;
  loadGraph(args: { indexName: string } & StoreCallOptions): Promise<VectorGraph | null>;
}
