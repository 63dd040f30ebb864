import type { LanguageModelV1Usage } from '../../language-model/v1/index.ts';

/** The `usage` object of a completion or of the last stream chunk (OpenAI, Groq, DeepSeek and compatible servers). */
export interface OpenAICompatibleWireUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek reports cache hits here. */
  prompt_cache_hit_tokens?: number | null;
}

/** Maps wire usage to core's usage; counts the provider did not report stay undefined. */
export function mapOpenAICompatibleUsage(usage: OpenAICompatibleWireUsage | null | undefined): LanguageModelV1Usage {
  const inputTokens = usage?.prompt_tokens ?? undefined;
  const outputTokens = usage?.completion_tokens ?? undefined;
  return {
    inputTokens,
    outputTokens,
    totalTokens: usage?.total_tokens ?? (inputTokens !== undefined && outputTokens !== undefined ? inputTokens + outputTokens : undefined),
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? undefined,
    cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? usage?.prompt_cache_hit_tokens ?? undefined,
  };
}
