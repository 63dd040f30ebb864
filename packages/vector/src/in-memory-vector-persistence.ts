import { NotFoundError, throwIfAborted, type StoreCallOptions } from '@mastra-ts/core';
import type { VectorDocumentRecord, VectorIndexDefinition, VectorPersistence } from './vector-persistence.ts';

interface SavedIndex {
  definition: VectorIndexDefinition;
  documents: Map<string, VectorDocumentRecord>;
  graph: Uint8Array | undefined;
}

/**
 * A `VectorPersistence` in process memory: copies everything in and out, so a second `LocalVectorStore` over the
 * same object behaves like a process reopening a database. Meant for tests; counts calls in `calls`.
 */
export class InMemoryVectorPersistence implements VectorPersistence {
  readonly #indexes = new Map<string, SavedIndex>();
  /** How many times each method ran. */
  readonly calls: Record<keyof VectorPersistence, number> = {
    listVectorIndexes: 0,
    saveVectorIndex: 0,
    deleteVectorIndex: 0,
    loadVectorDocuments: 0,
    upsertVectorDocuments: 0,
    deleteVectorDocuments: 0,
    loadVectorIndexGraph: 0,
    saveVectorIndexGraph: 0,
  };

  async listVectorIndexes(options?: StoreCallOptions): Promise<VectorIndexDefinition[]> {
    this.calls.listVectorIndexes++;
    throwIfAborted(options?.abortSignal);
    return [...this.#indexes.values()].map((index) => structuredClone(index.definition));
  }

  async saveVectorIndex(args: { definition: VectorIndexDefinition } & StoreCallOptions): Promise<void> {
    this.calls.saveVectorIndex++;
    throwIfAborted(args.abortSignal);
    const existing = this.#indexes.get(args.definition.indexName);
    this.#indexes.set(args.definition.indexName, {
      definition: structuredClone(args.definition),
      documents: existing?.documents ?? new Map(),
      graph: existing?.graph,
    });
  }

  async deleteVectorIndex(args: { indexName: string } & StoreCallOptions): Promise<void> {
    this.calls.deleteVectorIndex++;
    throwIfAborted(args.abortSignal);
    this.#indexes.delete(args.indexName);
  }

  async loadVectorDocuments(args: { indexName: string } & StoreCallOptions): Promise<VectorDocumentRecord[]> {
    this.calls.loadVectorDocuments++;
    throwIfAborted(args.abortSignal);
    return [...(this.#indexes.get(args.indexName)?.documents.values() ?? [])].map((document) => structuredClone(document));
  }

  async upsertVectorDocuments(args: { indexName: string; documents: VectorDocumentRecord[] } & StoreCallOptions): Promise<void> {
    this.calls.upsertVectorDocuments++;
    throwIfAborted(args.abortSignal);
    const index = this.#require(args.indexName);
    for (const document of args.documents) index.documents.set(document.id, structuredClone(document));
  }

  async deleteVectorDocuments(args: { indexName: string; ids: string[] } & StoreCallOptions): Promise<void> {
    this.calls.deleteVectorDocuments++;
    throwIfAborted(args.abortSignal);
    const index = this.#require(args.indexName);
    for (const id of args.ids) index.documents.delete(id);
  }

  async loadVectorIndexGraph(args: { indexName: string } & StoreCallOptions): Promise<Uint8Array | undefined> {
    this.calls.loadVectorIndexGraph++;
    throwIfAborted(args.abortSignal);
    const graph = this.#indexes.get(args.indexName)?.graph;
    return graph === undefined ? undefined : graph.slice();
  }

  async saveVectorIndexGraph(args: { indexName: string; graph: Uint8Array } & StoreCallOptions): Promise<void> {
    this.calls.saveVectorIndexGraph++;
    throwIfAborted(args.abortSignal);
    this.#require(args.indexName).graph = args.graph.slice();
  }

  #require(indexName: string): SavedIndex {
    const index = this.#indexes.get(indexName);
    if (!index) throw new NotFoundError({ entity: 'persisted vector index', id: indexName, available: [...this.#indexes.keys()] });
    return index;
  }
}
