import { ConflictError, NotFoundError, throwIfAborted, type JSONObject, type StoreCallOptions } from '@mastra-ts/core';
import type { PersistedVectorDocument, PersistedVectorGraph, PersistedVectorIndex, PersistedVectorIndexDefinition, VectorPersistence } from './vector-persistence.ts';

interface SavedIndex {
  definition: PersistedVectorIndexDefinition;
  documents: Map<string, PersistedVectorDocument>;
  graph: PersistedVectorGraph | null;
}

/**
 * A `VectorPersistence` in process memory. It copies everything in and out, so a second `LocalVectorStore` over the
 * same object behaves like a process reopening a database. Meant for tests; counts calls in `calls`.
 */
export class InMemoryVectorPersistence implements VectorPersistence {
  readonly #indexes = new Map<string, SavedIndex>();
  /** How many times each method ran. */
  readonly calls: Record<keyof Required<VectorPersistence>, number> = {
    createIndex: 0,
    listIndexes: 0,
    deleteIndex: 0,
    upsertDocuments: 0,
    deleteDocuments: 0,
    loadIndex: 0,
    saveGraph: 0,
    getDocuments: 0,
  };

  async createIndex(args: { indexName: string; dimension: number; metric: string; options?: JSONObject } & StoreCallOptions): Promise<PersistedVectorIndexDefinition> {
    this.calls.createIndex++;
    throwIfAborted(args.abortSignal);
    const existing = this.#indexes.get(args.indexName);
    if (existing) {
      if (existing.definition.dimension !== args.dimension || existing.definition.metric !== args.metric) {
        throw new ConflictError({ entity: 'vector index', id: args.indexName, message: `vector index "${args.indexName}" exists with another dimension or metric` });
      }
      return structuredClone(existing.definition);
    }
    const definition = { name: args.indexName, dimension: args.dimension, metric: args.metric, options: structuredClone(args.options), generation: 0 };
    this.#indexes.set(args.indexName, { definition, documents: new Map(), graph: null });
    return structuredClone(definition);
  }

  async listIndexes(options?: StoreCallOptions): Promise<PersistedVectorIndexDefinition[]> {
    this.calls.listIndexes++;
    throwIfAborted(options?.abortSignal);
    return [...this.#indexes.values()].map((index) => structuredClone(index.definition)).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async deleteIndex(args: { indexName: string } & StoreCallOptions): Promise<boolean> {
    this.calls.deleteIndex++;
    throwIfAborted(args.abortSignal);
    return this.#indexes.delete(args.indexName);
  }

  async upsertDocuments(args: { indexName: string; documents: readonly PersistedVectorDocument[] } & StoreCallOptions): Promise<{ generation: number }> {
    this.calls.upsertDocuments++;
    throwIfAborted(args.abortSignal);
    const index = this.#require(args.indexName);
    for (const document of args.documents) index.documents.set(document.id, structuredClone({ ...document, embedding: Float32Array.from(document.embedding) }));
    return { generation: ++index.definition.generation };
  }

  async deleteDocuments(args: { indexName: string; ids: readonly string[] } & StoreCallOptions): Promise<{ deleted: number; generation: number }> {
    this.calls.deleteDocuments++;
    throwIfAborted(args.abortSignal);
    const index = this.#require(args.indexName);
    let deleted = 0;
    for (const id of args.ids) if (index.documents.delete(id)) deleted++;
    return { deleted, generation: ++index.definition.generation };
  }

  async loadIndex(args: { indexName: string } & StoreCallOptions): Promise<PersistedVectorIndex | null> {
    this.calls.loadIndex++;
    throwIfAborted(args.abortSignal);
    const index = this.#indexes.get(args.indexName);
    if (!index) return null;
    const documents = [...index.documents.values()];
    const dimension = index.definition.dimension;
    const vectors = new Float32Array(documents.length * dimension);
    documents.forEach((document, position) => vectors.set(document.embedding, position * dimension));
    return {
      index: structuredClone(index.definition),
      ids: documents.map((document) => document.id),
      vectors,
      contents: documents.map((document) => document.content),
      metadata: documents.map((document) => structuredClone(document.metadata)),
      graph: index.graph === null ? null : { bytes: index.graph.bytes.slice(), generation: index.graph.generation },
    };
  }

  async getDocuments(args: { indexName: string; ids: readonly string[] } & StoreCallOptions): Promise<PersistedVectorDocument[]> {
    this.calls.getDocuments++;
    throwIfAborted(args.abortSignal);
    const documents = this.#require(args.indexName).documents;
    return args.ids.flatMap((id) => {
      const document = documents.get(id);
      return document === undefined ? [] : [{ ...structuredClone(document), embedding: Float32Array.from(document.embedding) }];
    });
  }

  async saveGraph(args: { indexName: string; bytes: Uint8Array; generation: number } & StoreCallOptions): Promise<void> {
    this.calls.saveGraph++;
    throwIfAborted(args.abortSignal);
    this.#require(args.indexName).graph = { bytes: args.bytes.slice(), generation: args.generation };
  }

  #require(indexName: string): SavedIndex {
    const index = this.#indexes.get(indexName);
    if (!index) throw new NotFoundError({ entity: 'vector index', id: indexName, available: [...this.#indexes.keys()] });
    return index;
  }
}
