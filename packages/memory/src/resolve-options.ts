import { defaultMaxDocumentFrequency, efSearchProblem, TypeValidationError } from '@mastra-ts/core';
import type { MemoryOptions, SemanticRecallOptions, WorkingMemoryOptions } from './memory-types.ts';

/** The vector query's candidate list unless `semanticRecall.efSearch` says otherwise (see `SemanticRecallOptions`). */
export const defaultRecallEfSearch = 48;

/** Options with defaults applied and validated. */
export interface ResolvedOptions {
  lastMessages: number;
  semanticRecall:
    | {
        topK: number;
        before: number;
        after: number;
        scope: 'thread' | 'resource';
        minScore: number | undefined;
        /** Keyword search's rarity bound, or undefined when keyword search is off. */
        keywords: { maxDocumentFrequency: number } | undefined;
        /** The vector query's candidate list (`VectorQueryArgs.efSearch`). */
        efSearch: number;
      }
    | undefined;
  workingMemory: WorkingMemoryOptions | undefined;
  tokenBudget: number | undefined;
}

/** Applies defaults to the memory's options, with per-call overrides on top (`memory: { options }`). */
export function resolveOptions(base: MemoryOptions, overrides: Record<string, unknown> | undefined): ResolvedOptions {
  const options = { ...base, ...(overrides as Partial<MemoryOptions> | undefined) };
  const context = overrides ? 'memory call options' : 'Memory options';
  const lastMessages = options.lastMessages === false ? 0 : (options.lastMessages ?? 10);
  if (!Number.isInteger(lastMessages) || lastMessages < 0) fail(context, ['lastMessages'], options.lastMessages, 'lastMessages must be an integer >= 0, or false');

  let semanticRecall: ResolvedOptions['semanticRecall'];
  if (options.semanticRecall) {
    const recall: SemanticRecallOptions = options.semanticRecall === true ? {} : options.semanticRecall;
    const topK = recall.topK ?? 4;
    if (!Number.isInteger(topK) || topK < 1) fail(context, ['semanticRecall', 'topK'], recall.topK, 'topK must be an integer >= 1');
    const range = recall.messageRange ?? 1;
    const before = typeof range === 'number' ? range : range.before;
    const after = typeof range === 'number' ? range : range.after;
    for (const [name, value] of [['before', before], ['after', after]] as const) {
      if (!Number.isInteger(value) || value < 0) fail(context, ['semanticRecall', 'messageRange', name], value, 'messageRange must be an integer >= 0 or { before, after } of them');
    }
    const scope = recall.scope ?? 'thread';
    if (scope !== 'thread' && scope !== 'resource') fail(context, ['semanticRecall', 'scope'], scope, 'scope must be "thread" or "resource"');
    const keywordOption: unknown = recall.keywords ?? true;
    let keywords: { maxDocumentFrequency: number } | undefined;
    if (keywordOption !== false) {
      if (keywordOption !== true && typeof keywordOption !== 'object') {
        fail(context, ['semanticRecall', 'keywords'], keywordOption, 'keywords must be true, false or { maxDocumentFrequency }');
      }
      const maxDocumentFrequency = keywordOption === true ? defaultMaxDocumentFrequency : ((keywordOption as { maxDocumentFrequency?: unknown }).maxDocumentFrequency ?? defaultMaxDocumentFrequency);
      if (typeof maxDocumentFrequency !== 'number' || !Number.isInteger(maxDocumentFrequency) || maxDocumentFrequency < 1) {
        fail(context, ['semanticRecall', 'keywords', 'maxDocumentFrequency'], maxDocumentFrequency, 'maxDocumentFrequency must be an integer >= 1');
      }
      keywords = { maxDocumentFrequency };
    }
    const efSearch = recall.efSearch ?? defaultRecallEfSearch;
    const efSearchIssue = efSearchProblem(efSearch);
    if (efSearchIssue !== undefined) fail(context, ['semanticRecall', 'efSearch'], recall.efSearch, `${efSearchIssue} (default ${defaultRecallEfSearch})`);
    semanticRecall = { topK, before, after, scope, minScore: recall.minScore, keywords, efSearch };
  }

  let workingMemory: WorkingMemoryOptions | undefined;
  if (options.workingMemory?.enabled) {
    const scope = options.workingMemory.scope ?? 'thread';
    if (scope !== 'thread' && scope !== 'resource') fail(context, ['workingMemory', 'scope'], scope, 'scope must be "thread" or "resource"');
    const schema = options.workingMemory.schema;
    if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function') {
      fail(context, ['workingMemory', 'schema'], schema, 'schema must be a Standard Schema such as a zod object');
    }
    workingMemory = { ...options.workingMemory, scope };
  }

  const budget = options.tokenBudget;
  const tokenBudget = typeof budget === 'object' && budget !== null ? budget.maxTokens : budget;
  if (tokenBudget !== undefined && (typeof tokenBudget !== 'number' || !Number.isFinite(tokenBudget) || tokenBudget <= 0)) {
    fail(context, ['tokenBudget'], budget, 'tokenBudget must be a positive number of tokens or { maxTokens, tokenizer }');
  }

  const cleanup = options.cleanup;
  if (cleanup) {
    for (const key of ['maxMessages', 'maxAgeMs'] as const) {
      const value = cleanup[key];
      if (value !== undefined && (typeof value !== 'number' || value < 0 || !Number.isFinite(value))) fail(context, ['cleanup', key], value, `${key} must be a number >= 0`);
    }
    const keep = cleanup.keepImportance;
    if (keep !== undefined && (typeof keep !== 'number' || keep < 0 || keep > 1)) fail(context, ['cleanup', 'keepImportance'], keep, 'keepImportance must be between 0 and 1');
  }
  return { lastMessages, semanticRecall, workingMemory, tokenBudget };
}

function fail(context: string, path: PropertyKey[], value: unknown, message: string): never {
  throw new TypeValidationError({ value, context, issues: [{ path, message }] });
}
