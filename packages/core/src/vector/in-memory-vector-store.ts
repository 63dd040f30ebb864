import { NotFoundError } from '../errors/not-found-error.ts';
import { TypeValidationError } from '../errors/type-validation-error.ts';
import type { JSONObject } from '../shared/json-value.ts';
import { throwIfAborted } from '../storage/check-abort.ts';
import type { StoreCallOptions } from '../storage/memory-store.ts';
import { generateId } from '../utils/generate-id.ts';
import { compileMetadataFilter, type MetadataFilter } from './metadata-filter.ts';
import type { VectorIndexStats, VectorMetric, VectorQueryArgs, VectorQueryResult, VectorStore } from './vector-store.ts';
import { assertValidIndexName, resolveQueryVector, validateCreateIndexArgs, validateUpsertArgs } from './vector-validation.ts';

interface Entry {
  vector: number[];
  metadata: JSONObject | undefined;
  document: string | undefined;
}

interface Index {
  dimension: number;
  metric: VectorMetric;
  entries: Map<string, Entry>;
}

/**
 * The reference `VectorStore`: an exact scan in process memory. Correct by construction, used to check
 * the fast indexes of `@mastra-ts/vector`.
 */
export class InMemoryVectorStore implements VectorStore {
  readonly #indexes = new Map<string, Index>();

  #get(indexName: string): Index {
    assertValidIndexName(indexName);
    const index = this.#indexes.get(indexName);
    if (!index) throw new NotFoundError({ entity: 'vector index', id: indexName, available: [...this.#indexes.keys()] });
    return index;
  }

  async createIndex(args: { indexName: string; dimension: number; metric?: VectorMetric } & StoreCallOptions): Promise<void> {
    throwIfAborted(args.abortSignal);
    const metric = validateCreateIndexArgs(args);
    const existing = this.#indexes.get(args.indexName);
    if (existing) {
      if (existing.dimension !== args.dimension || existing.metric !== metric) {
        throw new TypeValidationError({
          value: args,
          context: 'createIndex',
          issues: [{ path: ['dimension'], message: `index "${args.indexName}" exists with dimension ${existing.dimension} and metric ${existing.metric}: delete it first or use another name` }],
        });
      }
      return;
    }
    this.#indexes.set(args.indexName, { dimension: args.dimension, metric, entries: new Map() });
  }

  async upsert(
    args: { indexName: string; vectors: number[][]; metadata?: JSONObject[]; ids?: string[]; documents?: string[] } & StoreCallOptions,
  ): Promise<string[]> {
    throwIfAborted(args.abortSignal);
    const index = this.#get(args.indexName);
    validateUpsertArgs(args, index.dimension);
    const ids = args.ids ?? args.vectors.map(() => generateId());
    args.vectors.forEach((vector, position) => {
      index.entries.set(ids[position]!, {
        vector: Array.from(vector),
        metadata: args.metadata?.[position] === undefined ? undefined : structuredClone(args.metadata[position]),
        document: args.documents?.[position],
      });
    });
    return ids;
  }

  async query(args: VectorQueryArgs): Promise<VectorQueryResult[]> {
    throwIfAborted(args.abortSignal);
    const index = this.#get(args.indexName);
    const query = resolveQueryVector(args, index.dimension);
    const matches = compileMetadataFilter(args.filter);
    const queryNorm = Math.sqrt(dot(query, query));
    const results: VectorQueryResult[] = [];
    for (const [id, entry] of index.entries) {
      if (!matches(entry.metadata)) continue;
      const score = similarity(index.metric, query, queryNorm, entry.vector);
      if (args.minScore !== undefined && score < args.minScore) continue;
      results.push({
        id,
        score,
        metadata: entry.metadata === undefined ? undefined : structuredClone(entry.metadata),
        document: entry.document,
        ...(args.includeVector ? { vector: [...entry.vector] } : {}),
      });
    }
    results.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return results.slice(0, args.topK ?? 10);
  }

  async delete(args: { indexName: string; ids?: string[]; filter?: MetadataFilter } & StoreCallOptions): Promise<number> {
    throwIfAborted(args.abortSignal);
    const index = this.#get(args.indexName);
    let count = 0;
    for (const id of args.ids ?? []) if (index.entries.delete(id)) count++;
    if (args.filter !== undefined) {
      const matches = compileMetadataFilter(args.filter);
      for (const [id, entry] of index.entries) {
        if (matches(entry.metadata)) {
          index.entries.delete(id);
          count++;
        }
      }
    }
    return count;
  }

  async describeIndex(args: { indexName: string } & StoreCallOptions): Promise<VectorIndexStats> {
    throwIfAborted(args.abortSignal);
    const index = this.#get(args.indexName);
    return { dimension: index.dimension, metric: index.metric, count: index.entries.size };
  }

  async listIndexes(options?: StoreCallOptions): Promise<string[]> {
    throwIfAborted(options?.abortSignal);
    return [...this.#indexes.keys()].sort();
  }

  async deleteIndex(args: { indexName: string } & StoreCallOptions): Promise<void> {
    throwIfAborted(args.abortSignal);
    this.#get(args.indexName);
    this.#indexes.delete(args.indexName);
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

function similarity(metric: VectorMetric, query: number[], queryNorm: number, vector: number[]): number {
  if (metric === 'dotproduct') return dot(query, vector);
  if (metric === 'euclidean') {
    let sum = 0;
    for (let index = 0; index < query.length; index++) {
      const difference = query[index]! - vector[index]!;
      sum += difference * difference;
    }
    return 1 / (1 + Math.sqrt(sum));
  }
  const norm = Math.sqrt(dot(vector, vector));
  return norm === 0 || queryNorm === 0 ? 0 : dot(query, vector) / (queryNorm * norm);
}
