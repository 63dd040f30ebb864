import type { LanguageModelV1Usage } from '@mastra-ts/core';

/** The usage fields Anthropic reports (in `message`, `message_start` and cumulatively in `message_delta`). */
export interface AnthropicWireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/** Merges a later (cumulative) usage report into an earlier one; `null` fields keep the earlier value. */
export function mergeAnthropicUsage(previous: AnthropicWireUsage, next: AnthropicWireUsage | null | undefined): AnthropicWireUsage {
  if (!next) return previous;
  const merged: AnthropicWireUsage = { ...previous };
  for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens_details'] as const) {
    const value = next[key];
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/** Anthropic usage to core usage: input tokens include cache reads and cache writes. */
export function mapAnthropicUsage(usage: AnthropicWireUsage): LanguageModelV1Usage {
  const uncached = usage.input_tokens ?? undefined;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const inputTokens = uncached === undefined ? undefined : uncached + cacheRead + cacheWrite;
  const outputTokens = usage.output_tokens ?? undefined;
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens !== undefined && outputTokens !== undefined ? inputTokens + outputTokens : undefined,
    cachedInputTokens: usage.cache_read_input_tokens ?? (uncached === undefined ? undefined : 0),
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? undefined,
  };
}
