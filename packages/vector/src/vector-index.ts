import type { JSONObject, MetadataPredicate, VectorMetric, VectorQueryResult } from '@mastra-ts/core';
import type { MetadataEquality } from './equality-postings.ts';

/** One stored vector with its id, metadata and document text. */
export interface VectorIndexEntry {
  id: string;
  /** `dimension` finite numbers. */
  vector: ArrayLike<number>;
  metadata?: JSONObject | undefined;
  document?: string | undefined;
}

/** Options of one index search. */
export interface VectorSearchOptions {
  /** Number of results. */
  topK: number;
  /** Compiled metadata predicate (`compileMetadataFilter`); only matching entries are returned. */
  filter?: MetadataPredicate | undefined;
  /**
   * Equalities every entry matching `filter` satisfies (`equalitiesOf(filter)`): the index reads their posting lists
   * instead of testing every row. Without them, a filtered search tests every row.
   */
  equalities?: readonly MetadataEquality[] | undefined;
  /**
   * The `equalities` are the whole filter (`readEqualities(filter).complete`): with one of them, its posting list is
   * the set of matches, and no row is tested.
   */
  equalitiesComplete?: boolean | undefined;
  /** Drop results scoring below this. */
  minScore?: number | undefined;
  /** Return the stored vectors too. */
  includeVector?: boolean | undefined;
  /** Candidates an HNSW walk keeps for this search (at least `topK`), instead of the index's `efSearch`; exact indexes ignore it. */
  efSearch?: number | undefined;
}

/** An in-process vector index: what `FlatIndex` and `HnswIndex` share. Methods validate and throw core's typed errors. */
export interface VectorIndex {
  readonly kind: 'flat' | 'hnsw';
  readonly dimension: number;
  readonly metric: VectorMetric;
  /** Live entries. */
  readonly size: number;
  /** Inserts or replaces entries by id; a bad vector fails the whole batch before anything changes. */
  upsert(entries: readonly VectorIndexEntry[]): void;
  /** Removes entries; returns the ids that existed. */
  delete(ids: Iterable<string>): string[];
  /** Ids of live entries whose metadata matches. */
  matchingIds(filter: MetadataPredicate): string[];
  has(id: string): boolean;
  get(id: string): VectorIndexEntry | undefined;
  /** Best matches first (score higher-is-better, ties by id). */
  search(vector: ArrayLike<number>, options: VectorSearchOptions): VectorQueryResult[];
  /** Live entries, in slot order. */
  entries(): IterableIterator<VectorIndexEntry>;
}
