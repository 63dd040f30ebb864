import {
  AbortError,
  compileMetadataFilter,
  ConflictError,
  generateId,
  NotFoundError,
  resolveQueryVector,
  StorageError,
  throwIfAborted,
  TypeValidationError,
  validateCreateIndexArgs,
  validateUpsertArgs,
  type JSONObject,
  type MetadataFilter,
  type StoreCallOptions,
  type VectorIndexStats,
  type VectorMetric,
  type VectorQueryArgs,
  type VectorQueryResult,
  type VectorStore,
} from '@mastra-ts/core';
import { DeferredHnswIndex, type DeferredHnswIndexSettings } from './deferred-hnsw-index.ts';
import { readEqualities } from './equality-postings.ts';
import { FlatIndex } from './flat-index.ts';
import { HnswIndex, type HnswSettings } from './hnsw-index.ts';
import type { ScanKernelName } from './kernels/scan-kernel.ts';
import type { VectorIndex, VectorIndexEntry } from './vector-index.ts';
import type { PersistedVectorIndex, VectorPersistence } from './vector-persistence.ts';

/** Settings of `createVectorStore`. */
export interface LocalVectorStoreSettings {
  /** `flat` scans exactly (best up to ~100k vectors); `hnsw` builds a graph (default `flat`). */
  index?: 'flat' | 'hnsw' | undefined;
  /** HNSW tuning, used when `index` is `hnsw`. */
  hnsw?: HnswSettings | undefined;
  /** Distance kernel; default `wasm-simd` where supported. */
  kernel?: ScanKernelName | undefined;
  /** Where indexes are saved; without it the store lives in memory only. */
  persistence?: VectorPersistence | undefined;
  /**
   * Save the HNSW graph after this many changed vectors, or a quarter of the index when larger (default 1000), once
   * the graph has caught up with the upserts (after four times that while it lags behind). Unsaved changes are never
   * lost: reopening inserts documents the saved graph lacks.
   */
  graphSaveInterval?: number | undefined;
  /**
   * When upserted vectors enter the HNSW graph. `background` (default): `upsert` resolves once the rows are written
   * and the vectors are searchable in an exact tail; graph inserts run in slices between other work (see
   * `whenIndexed`). `inline`: inside `upsert`, which then costs one graph insert per vector.
   */
  graphIndexing?: 'background' | 'inline' | undefined;
  /**
   * With background graph inserts, the most vectors that may wait for the graph: an upsert that leaves more waits
   * (after its rows are committed) until the graph has caught up to this many, so the exact tail every query scans
   * stays bounded (default 100,000; `Infinity` never waits).
   */
  maxPendingVectors?: number | undefined;
}

interface OpenIndex {
  index: FlatIndex | DeferredHnswIndex;
  unsavedGraphChanges: number;
  /** Persistence generation after our last write. */
  generation: number;
  /** A graph save started by background indexing. */
  saving: Promise<void> | undefined;
  /** The failure of the last background save, thrown by the next `flush`/`whenIndexed`. */
  saveError: unknown;
}

/**
 * A `VectorStore` over in-process `FlatIndex` or `HnswIndex` indexes, optionally persisted through a
 * `VectorPersistence` (documents written through on every call, the HNSW graph saved as a blob so reopening does not
 * rebuild it).
 */
export class LocalVectorStore implements VectorStore {
  readonly #settings: LocalVectorStoreSettings;
  readonly #indexes = new Map<string, OpenIndex>();
  #opening: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(settings: LocalVectorStoreSettings = {}) {
    const kind = settings.index ?? 'flat';
    if (kind !== 'flat' && kind !== 'hnsw') {
      throw new TypeValidationError({ value: kind, context: 'vector store settings', issues: [{ path: ['index'], message: `index must be "flat" or "hnsw", got "${String(kind)}"` }] });
    }
    if (kind === 'hnsw') HnswIndex.validateSettings(settings.hnsw ?? {});
    const maxPending = settings.maxPendingVectors;
    if (maxPending !== undefined && !(maxPending >= 0)) {
      throw new TypeValidationError({ value: maxPending, context: 'vector store settings', issues: [{ path: ['maxPendingVectors'], message: `maxPendingVectors must be a number from 0 (or Infinity), got ${String(maxPending)}` }] });
    }
    this.#settings = settings;
  }

  /** Loads persisted indexes (done lazily by the first call; call it to pay the cost up front). */
  open(options?: StoreCallOptions): Promise<void> {
    this.#opening ??= this.#load(options?.abortSignal).catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  /**
   * The index behind a name, for diagnostics (`HnswIndex.stats`) and fast reads; for HNSW, the graph once every
   * pending vector is in it. Writes made on it directly bypass persistence.
   */
  async getIndex(args: { indexName: string } & StoreCallOptions): Promise<VectorIndex> {
    await this.open(args);
    const open = this.#get(args.indexName);
    if (open.index instanceof FlatIndex) return open.index;
    await this.#settle(open, args.abortSignal);
    return open.index.graph;
  }

  /**
   * Resolves when every vector upserted so far is in its HNSW graph and the automatic graph saves this triggered are
   * written (queries never wait for this: pending vectors are scanned exactly).
   */
  async whenIndexed(options?: { indexName?: string } & StoreCallOptions): Promise<void> {
    await this.open(options);
    const names = options?.indexName === undefined ? [...this.#indexes.keys()] : [options.indexName];
    for (const name of names) await this.#settle(this.#get(name), options?.abortSignal);
  }

  /** Waits for background graph inserts, then saves every HNSW graph with unsaved changes. */
  async flush(options?: StoreCallOptions): Promise<void> {
    await this.open(options);
    for (const open of this.#indexes.values()) await this.#settle(open, options?.abortSignal);
    await this.#exclusive(async () => {
      for (const [indexName, open] of this.#indexes) if (open.unsavedGraphChanges > 0) await this.#saveGraph(indexName, open, options?.abortSignal);
    });
  }

  async #settle(open: OpenIndex, abortSignal: AbortSignal | undefined): Promise<void> {
    if (open.index instanceof DeferredHnswIndex) {
      throwIfAborted(abortSignal);
      await open.index.settled();
    }
    while (open.saving !== undefined) await open.saving;
    if (open.saveError !== undefined) {
      const error = open.saveError;
      open.saveError = undefined;
      throw error;
    }
  }

  async #load(abortSignal: AbortSignal | undefined): Promise<void> {
    const persistence = this.#settings.persistence;
    if (!persistence) return;
    for (const definition of await this.#persist('open', () => persistence.listIndexes({ abortSignal }))) {
      throwIfAborted(abortSignal);
      const loaded = await this.#persist('open', () => persistence.loadIndex({ indexName: definition.name, abortSignal }));
      if (loaded === null) continue;
      const { dimension, metric } = checkDefinition(loaded);
      const options = loaded.index.options ?? {};
      const open: OpenIndex = { index: undefined as unknown as OpenIndex['index'], unsavedGraphChanges: 0, generation: loaded.index.generation, saving: undefined, saveError: undefined };
      if (options['kind'] === 'hnsw') {
        const saved = (options['hnsw'] ?? {}) as HnswSettings;
        const settings = { ...this.#settings.hnsw, m: saved.m, efConstruction: saved.efConstruction, seed: saved.seed, dimension, metric };
        open.index = DeferredHnswIndex.load(this.#deferredSettings(definition.name, open, settings), loaded, loaded.graph?.bytes ?? null);
      } else {
        const index = new FlatIndex({ dimension, metric, kernel: this.#settings.kernel });
        index.upsert(
          loaded.ids.map((id, position) => ({
            id,
            vector: loaded.vectors.subarray(position * dimension, (position + 1) * dimension),
            metadata: loaded.metadata[position] ?? undefined,
            document: loaded.contents[position] ?? undefined,
          })),
        );
        open.index = index;
      }
      this.#indexes.set(definition.name, open);
    }
  }

  #deferredSettings(indexName: string, open: OpenIndex, hnsw: HnswSettings & { dimension: number; metric: VectorMetric }): DeferredHnswIndexSettings {
    return {
      ...hnsw,
      kernel: this.#settings.kernel,
      graphIndexing: this.#settings.graphIndexing,
      loadEmbeddings: this.#embeddingLoader(indexName),
      onGraphChange: (changed) => {
        if (!this.#settings.persistence || this.#indexes.get(indexName) !== open) return;
        open.unsavedGraphChanges += changed;
        const index = open.index as DeferredHnswIndex;
        if (open.saving === undefined && this.#saveDue(open, index)) {
          open.saving = this.#saveGraph(indexName, open, undefined)
            .catch((error: unknown) => {
              if (this.#indexes.get(indexName) === open) open.saveError = error;
            })
            .finally(() => {
              open.saving = undefined;
            });
        }
      },
    };
  }

  #embeddingLoader(indexName: string): ((ids: readonly string[]) => Promise<Map<string, Float32Array>>) | undefined {
    const persistence = this.#settings.persistence;
    if (persistence?.getDocuments === undefined) return undefined;
    return async (ids) => {
      const documents = await persistence.getDocuments!({ indexName, ids });
      return new Map(documents.map((document) => [document.id, document.embedding]));
    };
  }

  /** A save is due after `interval` changes once the graph has caught up, or after four times that while it lags. */
  #saveDue(open: OpenIndex, index: DeferredHnswIndex): boolean {
    const interval = Math.max(this.#settings.graphSaveInterval ?? 1000, Math.floor(index.size / 4));
    return open.unsavedGraphChanges >= (index.stats.pending === 0 ? interval : 4 * interval);
  }

  async #persist<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (StorageError.isInstance(error) || NotFoundError.isInstance(error) || ConflictError.isInstance(error) || TypeValidationError.isInstance(error)) throw error;
      if (AbortError.isInstance(error)) throw error;
      throw new StorageError({ store: 'vector', operation, message: error instanceof Error ? error.message : String(error), cause: error });
    }
  }

  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #get(indexName: string): OpenIndex {
    const open = this.#indexes.get(indexName);
    if (!open) throw new NotFoundError({ entity: 'vector index', id: indexName, available: [...this.#indexes.keys()].sort() });
    return open;
  }

  #create(indexName: string, open: OpenIndex, dimension: number, metric: VectorMetric): FlatIndex | DeferredHnswIndex {
    return this.#settings.index === 'hnsw'
      ? new DeferredHnswIndex(this.#deferredSettings(indexName, open, { ...this.#settings.hnsw, dimension, metric }))
      : new FlatIndex({ dimension, metric, kernel: this.#settings.kernel });
  }

  async createIndex(args: { indexName: string; dimension: number; metric?: VectorMetric } & StoreCallOptions): Promise<void> {
    const metric = validateCreateIndexArgs(args);
    await this.open(args);
    await this.#exclusive(async () => {
      throwIfAborted(args.abortSignal);
      const existing = this.#indexes.get(args.indexName);
      if (existing) {
        if (existing.index.dimension !== args.dimension || existing.index.metric !== metric) {
          throw new TypeValidationError({
            value: args,
            context: 'createIndex',
            issues: [{ path: ['dimension'], message: `index "${args.indexName}" exists with dimension ${existing.index.dimension} and metric ${existing.index.metric}: delete it first or use another name` }],
          });
        }
        return;
      }
      const open: OpenIndex = { index: undefined as unknown as OpenIndex['index'], unsavedGraphChanges: 0, generation: 0, saving: undefined, saveError: undefined };
      const index = (open.index = this.#create(args.indexName, open, args.dimension, metric));
      const persistence = this.#settings.persistence;
      if (persistence) {
        const options: JSONObject = { kind: index.kind, ...(index instanceof DeferredHnswIndex ? { hnsw: { ...index.graph.settings, compactionThreshold: this.#settings.hnsw?.compactionThreshold ?? 0.25 } } : {}) };
        await this.#persist('createIndex', () => persistence.createIndex({ indexName: args.indexName, dimension: args.dimension, metric, options, abortSignal: args.abortSignal }));
      }
      this.#indexes.set(args.indexName, open);
    });
  }

  async upsert(
    args: { indexName: string; vectors: number[][]; metadata?: JSONObject[]; ids?: string[]; documents?: string[] } & StoreCallOptions,
  ): Promise<string[]> {
    await this.open(args);
    return this.#exclusive(async () => {
      throwIfAborted(args.abortSignal);
      const open = this.#get(args.indexName);
      validateUpsertArgs(args, open.index.dimension);
      const ids = args.ids ?? args.vectors.map(() => generateId());
      const entries: VectorIndexEntry[] = args.vectors.map((vector, position) => ({
        id: ids[position]!,
        vector: Float32Array.from(vector),
        metadata: args.metadata?.[position],
        document: args.documents?.[position],
      }));
      const persistence = this.#settings.persistence;
      if (persistence) {
        const documents = entries.map((entry) => ({ id: entry.id, embedding: entry.vector as Float32Array, content: entry.document, metadata: entry.metadata }));
        const written = await this.#persist('upsert', () => persistence.upsertDocuments({ indexName: args.indexName, documents, abortSignal: args.abortSignal }));
        open.generation = written.generation;
      }
      open.index.upsert(entries);
      if (open.index instanceof DeferredHnswIndex) await open.index.drainedTo(this.#settings.maxPendingVectors ?? 100_000);
      return ids;
    });
  }

  async #afterChange(indexName: string, open: OpenIndex, changed: number, abortSignal: AbortSignal | undefined): Promise<void> {
    if (!(open.index instanceof DeferredHnswIndex) || !this.#settings.persistence) return;
    open.unsavedGraphChanges += changed;
    if (open.saving === undefined && this.#saveDue(open, open.index)) await this.#saveGraph(indexName, open, abortSignal);
  }

  async #saveGraph(indexName: string, open: OpenIndex, abortSignal: AbortSignal | undefined): Promise<void> {
    const persistence = this.#settings.persistence;
    if (!persistence || !(open.index instanceof DeferredHnswIndex)) return;
    const changes = open.unsavedGraphChanges;
    const graph = open.index.graph.serializeGraph();
    await this.#persist('saveGraph', () => persistence.saveGraph({ indexName, bytes: graph, generation: open.generation, abortSignal }));
    open.unsavedGraphChanges -= changes;
  }

  async query(args: VectorQueryArgs): Promise<VectorQueryResult[]> {
    await this.open(args);
    throwIfAborted(args.abortSignal);
    const open = this.#get(args.indexName);
    const vector = resolveQueryVector(args, open.index.dimension);
    if (args.minScore !== undefined && !Number.isFinite(args.minScore)) {
      throw new TypeValidationError({ value: args.minScore, context: 'vector store arguments', issues: [{ path: ['minScore'], message: `minScore must be a finite number, got ${String(args.minScore)}` }] });
    }
    const filter = args.filter === undefined || Object.keys(args.filter).length === 0 ? undefined : compileMetadataFilter(args.filter);
    const { equalities, complete } = filter === undefined ? { equalities: undefined, complete: false } : readEqualities(args.filter);
    return open.index.search(vector, {
      topK: args.topK ?? 10,
      filter,
      equalities,
      equalitiesComplete: complete,
      minScore: args.minScore,
      includeVector: args.includeVector,
      efSearch: args.efSearch,
    });
  }

  async delete(args: { indexName: string; ids?: string[]; filter?: MetadataFilter } & StoreCallOptions): Promise<number> {
    await this.open(args);
    return this.#exclusive(async () => {
      throwIfAborted(args.abortSignal);
      const open = this.#get(args.indexName);
      const targets = new Set((args.ids ?? []).filter((id) => open.index.has(id)));
      if (args.filter !== undefined) for (const id of open.index.matchingIds(compileMetadataFilter(args.filter))) targets.add(id);
      if (targets.size === 0) return 0;
      const ids = [...targets];
      const persistence = this.#settings.persistence;
      if (persistence) {
        const written = await this.#persist('delete', () => persistence.deleteDocuments({ indexName: args.indexName, ids, abortSignal: args.abortSignal }));
        open.generation = written.generation;
      }
      const deleted = open.index.delete(ids).length;
      await this.#afterChange(args.indexName, open, deleted, args.abortSignal);
      return deleted;
    });
  }

  async describeIndex(args: { indexName: string } & StoreCallOptions): Promise<VectorIndexStats> {
    await this.open(args);
    throwIfAborted(args.abortSignal);
    const { index } = this.#get(args.indexName);
    return { dimension: index.dimension, metric: index.metric, count: index.size };
  }

  async listIndexes(options?: StoreCallOptions): Promise<string[]> {
    await this.open(options);
    throwIfAborted(options?.abortSignal);
    return [...this.#indexes.keys()].sort();
  }

  async deleteIndex(args: { indexName: string } & StoreCallOptions): Promise<void> {
    await this.open(args);
    await this.#exclusive(async () => {
      throwIfAborted(args.abortSignal);
      this.#get(args.indexName);
      const persistence = this.#settings.persistence;
      if (persistence) await this.#persist('deleteIndex', () => persistence.deleteIndex({ indexName: args.indexName, abortSignal: args.abortSignal }));
      const open = this.#indexes.get(args.indexName);
      this.#indexes.delete(args.indexName);
      if (open?.index instanceof DeferredHnswIndex) open.index.close();
    });
  }
}

/**
 * Creates a `VectorStore` over in-process indexes: exact (`flat`, the default) or `hnsw`, in memory or persisted.
 *
 * @example
 * const store = createVectorStore({ index: 'hnsw', hnsw: { efSearch: 128 }, persistence: sqliteStorage });
 * await store.createIndex({ indexName: 'docs', dimension: 384 });
 */
export function createVectorStore(settings: LocalVectorStoreSettings = {}): LocalVectorStore {
  return new LocalVectorStore(settings);
}

const metrics: readonly VectorMetric[] = ['cosine', 'dotproduct', 'euclidean'];

function checkDefinition(loaded: PersistedVectorIndex): { dimension: number; metric: VectorMetric } {
  const { name, dimension, metric } = loaded.index;
  const fail = (message: string): never => {
    throw new StorageError({ store: 'vector', operation: 'open', message: `persisted index "${name}" ${message}` });
  };
  if (!Number.isInteger(dimension) || dimension < 1) fail(`has dimension ${String(dimension)}: expected a positive integer`);
  if (!metrics.includes(metric as VectorMetric)) fail(`has metric "${metric}": expected one of ${metrics.join(', ')}`);
  if (loaded.vectors.length !== loaded.ids.length * dimension) fail(`has ${loaded.vectors.length} floats for ${loaded.ids.length} documents of dimension ${dimension}: the rows are corrupt`);
  return { dimension, metric: metric as VectorMetric };
}
