import type { LanguageModelV1Usage } from '@mastra-ts/core';

/** The `usage` object of a completion or of the last stream chunk (Groq: the completion's `usage`, or `x_groq.usage` of the last stream chunk). */
export interface GroqWireUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/** Maps wire usage to core's usage; counts the provider did not report stay undefined. */
export function mapGroqUsage(usage: GroqWireUsage | null | undefined): LanguageModelV1Usage {
  const inputTokens = usage?.prompt_tokens ?? undefined;
  const outputTokens = usage?.completion_tokens ?? undefined;
  return {
    inputTokens,
    outputTokens,
    totalTokens: usage?.total_tokens ?? (inputTokens !== undefined && outputTokens !== undefined ? inputTokens + outputTokens : undefined),
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? undefined,
    cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? undefined,
  };
}
