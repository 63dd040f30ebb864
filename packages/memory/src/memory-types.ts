import type { JSONObject, JSONValue, LanguageModelV1, ModelMessage, Schema, StorageMessage } from '@mastra-ts/core';

/** Counts tokens of a text. The default is a fast estimate (about 4 characters per token). */
export interface Tokenizer {
  count(text: string): number;
}

/** A message as importance scorers see it. */
export interface ScoredMessage {
  role: StorageMessage['role'];
  /** The message's text (text parts joined; tool calls and results rendered as short text). */
  text: string;
  content: JSONValue;
  metadata: JSONObject | undefined;
}

/** Scores how important a message is to keep, from 0 (disposable) to 1 (keep forever). */
export type ImportanceScorer = (message: ScoredMessage) => number;

/** Semantic recall settings. */
export interface SemanticRecallOptions {
  /** How many similar messages to recall (default 4). */
  topK?: number;
  /** Neighbours recalled around each hit: a count for both sides, or `{ before, after }` (default 1). */
  messageRange?: number | { before: number; after: number };
  /** Search only the current thread, or every thread of the resource (default `thread`). */
  scope?: 'thread' | 'resource';
  /** Ignore vector hits scoring below this similarity (keyword hits are not affected). */
  minScore?: number;
  /**
   * Keyword search next to the vectors (default `true`, when the store has `searchMessages`): messages sharing the
   * new message's rare words (a name, a code, a number) are recalled even when the vector index misses them, and
   * the two rankings are fused (reciprocal rank fusion). `maxDocumentFrequency` bounds which words count as rare
   * (default 50 messages; see `SearchMessagesQuery`). `false` recalls by vectors only.
   */
  keywords?: boolean | { maxDocumentFrequency?: number };
  /**
   * How many candidates the vector query's graph walk keeps (HNSW's `ef`, see `VectorQueryArgs.efSearch`), default
   * 48; stores without a graph index ignore it. Recall needs the best few of several thousand messages, not the exact
   * nearest 15, and keyword search covers the rare facts a short walk misses, so recall asks for less than the vector
   * package's general-purpose 80: at 100,000 messages the walk scores about 1,750 rows instead of 2,700. Raise it
   * (or set it to the store's own value) when the vectors alone must find the closest matches.
   */
  efSearch?: number;
}

/** Working memory settings: a markdown template, or a schema whose updates are deep-merged. */
export interface WorkingMemoryOptions {
  enabled: boolean;
  /** Persist per thread (thread metadata) or per resource (shared by the resource's threads). Default `thread`. */
  scope?: 'thread' | 'resource';
  /** Markdown the agent fills in. Used when no schema is given; a default user-profile template otherwise. */
  template?: string;
  /** A Standard Schema (zod) for structured working memory. Updates are deep-merged and validated. */
  schema?: Schema;
}

/** Cleanup policy. Messages scoring at or above `keepImportance` are never deleted by it. */
export interface CleanupOptions {
  /** Keep at most this many recent messages per thread (older unimportant ones are deleted). */
  maxMessages?: number;
  /** Delete unimportant messages older than this many milliseconds. */
  maxAgeMs?: number;
  /** Importance at or above which a message is kept regardless of count and age (default 0.7). */
  keepImportance?: number;
  /** Run after saves, in the background (default true). Otherwise call `memory.cleanup()`. */
  auto?: boolean;
}

/** Token budget settings. */
export interface TokenBudgetOptions {
  /** The most tokens the memory context (history, recall, working memory) plus the input may take. */
  maxTokens: number;
  tokenizer?: Tokenizer;
}

/** Title generation settings. */
export interface GenerateTitleOptions {
  model: LanguageModelV1;
  /** Replaces the default instructions. */
  instructions?: string;
}

/** Behaviour of a `Memory`; every field can be overridden per call with `memory: { options }`. */
export interface MemoryOptions {
  /** Recent messages loaded into each call (default 10); `false` loads none. */
  lastMessages?: number | false;
  /** Recall older messages by similarity. `true` uses the defaults. */
  semanticRecall?: boolean | SemanticRecallOptions;
  workingMemory?: WorkingMemoryOptions;
  /** Names threads from their first exchange with a model, in the background. */
  generateTitle?: false | GenerateTitleOptions;
  /** Importance scorer for stored messages (default: a heuristic). */
  importance?: ImportanceScorer;
  cleanup?: CleanupOptions;
  /** Trims the assembled context to fit: a token count or settings. */
  tokenBudget?: number | TokenBudgetOptions;
}

/** A message given to `saveMessages`: a model message, optionally with its id and time. */
export type MemoryMessageInput = ModelMessage & { id?: string; createdAt?: Date };
