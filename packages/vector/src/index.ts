/**
 * `@mastra-ts/vector`: exact and HNSW vector indexes with a WebAssembly SIMD kernel, Mongo-style metadata filters,
 * persistence through any storage, and RAG helpers (chunkers, batched embedding, a local lexical embedder).
 *
 * @module
 */
export { equalitiesOf, readEqualities, type EqualityValue, type MetadataEquality } from './equality-postings.ts';
export { FlatIndex, type FlatIndexSettings } from './flat-index.ts';
export { HnswIndex, type HnswIndexSettings, type HnswIndexStats, type HnswQueryPath, type HnswSettings } from './hnsw-index.ts';
export { InMemoryVectorPersistence } from './in-memory-vector-persistence.ts';
export { defaultScanKernel, type ScanKernelName } from './kernels/scan-kernel.ts';
export { createVectorStore, LocalVectorStore, type LocalVectorStoreSettings } from './local-vector-store.ts';
export type { VectorIndex, VectorIndexEntry, VectorSearchOptions } from './vector-index.ts';
export type {
  PersistedVectorDocument,
  PersistedVectorGraph,
  PersistedVectorIndex,
  PersistedVectorIndexDefinition,
  VectorPersistence,
} from './vector-persistence.ts';
export { chunkMarkdown, type MarkdownChunkSettings } from './rag/markdown-chunker.ts';
export { chunkRecursively, defaultSeparators, type RecursiveChunkSettings } from './rag/recursive-character-chunker.ts';
export { chunkSentences, type SentenceChunkSettings } from './rag/sentence-chunker.ts';
export type { ChunkSizeSettings, TextChunk } from './rag/text-chunk.ts';
export { embed, type EmbedOptions, type EmbedResult } from './rag/embed.ts';
export { embedMany, type EmbedManyOptions, type EmbedManyResult } from './rag/embed-many.ts';
export { createLexicalEmbedder, lexicalEmbedderProvider, type LexicalEmbedderSettings } from './rag/lexical-embedder.ts';
