export { createTestMessage, createTestThread, describeMemoryStore, type StoreFactory } from './describe-memory-store.ts';
export { createTestRun, describeWorkflowStore } from './describe-workflow-store.ts';
export { describeRecordStore } from './describe-record-store.ts';
export { describeTraceStore } from './describe-trace-store.ts';
export { describeVectorStore, seededVectors } from './describe-vector-store.ts';
export { describeCache } from './describe-cache.ts';
export { describeLanguageModel, languageModelConformanceCases, type EmbeddingHarness, type LanguageModelCapabilities, type LanguageModelConformanceCase, type LanguageModelConformanceOptions, type LanguageModelHarness, type RecordedModelRequest, type ScriptedToolCall, type ScriptedUsage, type WireImage, type ZodLike } from './describe-language-model.ts';
