/**
 * @module
 * `@mastra-ts/core`: the contracts every mastra-ts package implements (language and embedding models,
 * stores, vector store, logger, tracer, cache), the `Agent`, tools, the `Mastra` registry, model routing,
 * config loading, typed errors and the retry policy. No runtime dependencies.
 */
export type * from './language-model/v1/index.ts';
export type * from './embedding-model/v1/index.ts';
export { fromAISDKLanguageModel, isAISDKLanguageModel, type AISDKLanguageModel } from './language-model/from-ai-sdk.ts';
export type { JSONArray, JSONObject, JSONSchema7, JSONValue, ProviderMetadata, ProviderOptions } from './shared/json-value.ts';

export {
  AbortError,
  APICallError,
  ConfigError,
  ConflictError,
  InvalidResponseDataError,
  JSONParseError,
  LoadAPIKeyError,
  MastraTsError,
  NoSuchModelError,
  NotFoundError,
  RetryError,
  StorageError,
  StructuredOutputError,
  ToolExecutionError,
  TypeValidationError,
  UnsupportedFunctionalityError,
} from './errors/index.ts';

export { Agent, type AgentHost } from './agent/agent.ts';
export type {
  AgentCallOptions,
  AgentConfig,
  AgentGenerateResult,
  AgentInstructions,
  AgentMemory,
  AgentMemoryOption,
  AgentStreamPart,
  AgentStreamResult,
  FinishReason,
  ModelSettings,
  StepResult,
  ToolCall,
  ToolResult,
  Usage,
} from './agent/agent-types.ts';
export { normalizeInput, toPromptMessage } from './agent/model-message.ts';
export type { AgentInput, FilePart, ImagePart, ModelMessage, ReasoningPart, TextPart, ToolCallPart, ToolResultPart } from './agent/model-message.ts';
export { RequestContext } from './agent/request-context.ts';
export { addUsage, emptyUsage } from './agent/usage.ts';

export { createTool, isTool, type AnyTool, type Tool, type ToolExecutionContext, type ToolSet } from './tools/tool.ts';
export {
  jsonSchema,
  safeValidate,
  toJSONSchema,
  validate,
  type InferSchemaOutput,
  type Schema,
  type StandardSchemaV1,
  type StandardSchemaV1Result,
  type ValidationResult,
} from './tools/schema.ts';

export { Mastra, type MastraConfig, type MastraStorage, type RegisteredWorkflow } from './mastra/mastra.ts';
export {
  knownProviderPackages,
  listModelProviders,
  parseModelRoutingString,
  registerModelProvider,
  resolveEmbeddingModel,
  resolveLanguageModel,
  toLanguageModelV1,
  unregisterModelProvider,
  type ModelProviderRegistration,
} from './model-router/model-registry.ts';
export { loadConfig, type LoadConfigOptions } from './config/load-config.ts';
export { callWithRetry, retryAfterMs, retryDelay, sleep, type RetryCallOptions, type RetryPolicy } from './retry/retry-policy.ts';

export type {
  ListMessagesQuery,
  ListThreadsQuery,
  MemoryStore,
  MessageCursor,
  MessageSearchHit,
  Page,
  SearchMessagesQuery,
  StorageMessage,
  StorageResource,
  StorageThread,
  StoreCallOptions,
} from './storage/memory-store.ts';
export type {
  ListWorkflowRunsQuery,
  UpdateWorkflowRunArgs,
  WorkflowRunRecord,
  WorkflowRunStatus,
  WorkflowStepResultRecord,
  WorkflowStore,
} from './storage/workflow-store.ts';
export type { ListRecordsQuery, RecordFieldCondition, RecordStore, StoredRecord } from './storage/record-store.ts';
export type { ListSpansQuery, SpanRecord, TraceStore } from './storage/trace-store.ts';
export { InMemoryMemoryStore, compareMessagePosition } from './storage/in-memory-memory-store.ts';
export {
  compareSearchHits,
  defaultMaxDocumentFrequency,
  isSearchableTerm,
  messageSearchTerms,
  messageSearchText,
  queryTerms,
  rankSearchHits,
  searchTerms,
  termWeight,
  type SearchPosting,
} from './storage/message-search.ts';
export { InMemoryWorkflowStore } from './storage/in-memory-workflow-store.ts';
export { InMemoryRecordStore } from './storage/in-memory-record-store.ts';
export { InMemoryTraceStore } from './storage/in-memory-trace-store.ts';
export { createInMemoryStorage } from './storage/create-in-memory-storage.ts';
export { Records } from './storage/records.ts';
export { assertValidFieldPath, assertValidTableName, decodeRecordCursor, encodeRecordCursor } from './storage/record-validation.ts';
export { throwIfAborted } from './storage/check-abort.ts';

export type { VectorIndexStats, VectorMetric, VectorQueryArgs, VectorQueryResult, VectorStore } from './vector/vector-store.ts';
export { InMemoryVectorStore } from './vector/in-memory-vector-store.ts';
export { compileMetadataFilter, matchesMetadataFilter, type FieldOperators, type MetadataFilter, type MetadataPredicate } from './vector/metadata-filter.ts';
export { assertValidIndexName, efSearchProblem, maxEfSearch, resolveQueryVector, scoreFromDistance, validateCreateIndexArgs, validateUpsertArgs } from './vector/vector-validation.ts';

export { createConsoleLogger, noopLogger, type LogFunction, type Logger, type LogLevel } from './observability/logger.ts';
export { noopTracer, type Span, type SpanAttributes, type SpanAttributeValue, type StartSpanOptions, type Tracer } from './observability/tracer.ts';
export type { Cache } from './cache/cache.ts';
export { InMemoryCache } from './cache/in-memory-cache.ts';
export { generateId } from './utils/generate-id.ts';
export { raceAbort } from './utils/race-abort.ts';
