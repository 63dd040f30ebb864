import { describeVectorStore } from '@mastra-ts/conformance';
import { InMemoryVectorPersistence } from './in-memory-vector-persistence.ts';
import { createVectorStore } from './local-vector-store.ts';

describeVectorStore('LocalVectorStore (flat, wasm-simd)', () => createVectorStore({ index: 'flat' }));
describeVectorStore('LocalVectorStore (flat, js-unrolled8)', () => createVectorStore({ index: 'flat', kernel: 'js-unrolled8' }));
describeVectorStore('LocalVectorStore (hnsw)', () => createVectorStore({ index: 'hnsw' }));
describeVectorStore('LocalVectorStore (hnsw, persisted)', () => createVectorStore({ index: 'hnsw', persistence: new InMemoryVectorPersistence() }));
