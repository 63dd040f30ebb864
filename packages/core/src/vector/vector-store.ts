import type { JSONObject } from '../shared/json-value.ts';
import type { StoreCallOptions } from '../storage/memory-store.ts';
import type { MetadataFilter } from './metadata-filter.ts';

/** Similarity metric. Scores are higher-is-better for all three (see `VectorQueryResult.score`). */
export type VectorMetric = 'cosine' | 'dotproduct' | 'euclidean';

/** Description of an index. */
export interface VectorIndexStats {
  dimension: number;
  metric: VectorMetric;
  count: number;
}

/** Arguments of `query`. Pass the vector as `queryVector` (Mastra's name) or `vector`. */
export type VectorQueryArgs = {
  indexName: string;
  /** Number of results (default 10). */
  topK?: number;
  /** Mongo-style metadata filter. */
  filter?: MetadataFilter;
  /** Drop results scoring below this. */
  minScore?: number;
  /** Return the stored vectors too. */
  includeVector?: boolean;
  /**
   * For approximate graph indexes (HNSW): how many candidates this query's walk keeps (HNSW's `ef`, at least
   * `topK`), overriding the index's setting. Lower is faster and misses more of the true nearest neighbours.
   * Exact stores ignore it.
   */
  efSearch?: number;
} & ({ queryVector: number[]; vector?: undefined } | { vector: number[]; queryVector?: undefined }) &
  StoreCallOptions;

/** One query hit. */
export interface VectorQueryResult {
  id: string;
  /**
   * Similarity: cosine similarity in [-1, 1] for `cosine`, the dot product for `dotproduct`,
   * and `1 / (1 + distance)` for `euclidean`, so that higher is always closer.
   */
  score: number;
  metadata?: JSONObject | undefined;
  document?: string | undefined;
  vector?: number[] | undefined;
}

/** A vector index store. */
export interface VectorStore {
  /** Creates an index; creating an existing index with the same dimension and metric is a no-op. */
  createIndex(args: { indexName: string; dimension: number; metric?: VectorMetric } & StoreCallOptions): Promise<void>;
  /**
   * Inserts or replaces vectors. Ids are generated when not given. Returns the ids in input order.
   * A vector of the wrong dimension fails the whole batch.
   */
  upsert(
    args: {
      indexName: string;
      vectors: number[][];
      metadata?: JSONObject[];
      ids?: string[];
      documents?: string[];
    } & StoreCallOptions,
  ): Promise<string[]>;
  /** Best matches first. */
  query(args: VectorQueryArgs): Promise<VectorQueryResult[]>;
  /** Deletes by ids or by filter; returns how many were deleted. */
  delete(args: { indexName: string; ids?: string[]; filter?: MetadataFilter } & StoreCallOptions): Promise<number>;
  describeIndex(args: { indexName: string } & StoreCallOptions): Promise<VectorIndexStats>;
  listIndexes(options?: StoreCallOptions): Promise<string[]>;
  deleteIndex(args: { indexName: string } & StoreCallOptions): Promise<void>;
  /** Optional: writes buffered state out (e.g. an HNSW graph); the server calls it before it exits. */
  flush?(options?: StoreCallOptions): Promise<void>;
}
