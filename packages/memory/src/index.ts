/**
 * @module
 * `@mastra-ts/memory`: conversation memory for mastra-ts agents. Threads, the last messages (keyset reads),
 * semantic recall with neighbours, working memory (markdown or schema, deep-merged), importance-based cleanup
 * and a token budget, over any `MemoryStore`.
 */
export { Memory, type MemoryConfig, type ThreadPage } from './memory.ts';
export type {
  CleanupOptions,
  GenerateTitleOptions,
  ImportanceScorer,
  MemoryMessageInput,
  MemoryOptions,
  ScoredMessage,
  SemanticRecallOptions,
  TokenBudgetOptions,
  Tokenizer,
  WorkingMemoryOptions,
} from './memory-types.ts';
export type { CleanupResult } from './cleanup.ts';
export { defaultImportanceScorer } from './importance.ts';
export { estimateTokenizer } from './token-budget.ts';
export { defaultWorkingMemoryTemplate, updateWorkingMemoryToolName } from './working-memory.ts';
export { deepMerge } from './deep-merge.ts';
