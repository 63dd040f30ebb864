import { describe, expect, it } from 'vitest';
import { mapOpenAICompatibleFinishReason } from './map-openai-compatible-finish-reason.ts';
import { mapOpenAICompatibleContent } from './openai-compatible-content.ts';
import { openAICompatibleRequestOptions } from './openai-compatible-request-options.ts';
import { mapOpenAICompatibleUsage } from './openai-compatible-usage.ts';

describe('mapOpenAICompatibleContent', () => {
  it('returns reasoning from the configured field, text, then function calls; skips other tool call types', () => {
    const message = {
      content: 'Calling.',
      reasoning: 'plan',
      tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
        { id: 'c2', type: 'custom', custom: { name: 'x', input: 'y' } },
      ],
    };
    expect(mapOpenAICompatibleContent(message, 'reasoning')).toEqual([
      { type: 'reasoning', text: 'plan' },
      { type: 'text', text: 'Calling.' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}' },
    ]);
    expect(mapOpenAICompatibleContent(message, undefined).map((part) => part.type)).toEqual(['text', 'tool-call']);
    expect(mapOpenAICompatibleContent({ content: '', tool_calls: null }, 'reasoning')).toEqual([]);
  });
});

describe('mapOpenAICompatibleUsage', () => {
  it('maps counts, sums a missing total, and reads cached tokens from OpenAI or DeepSeek fields', () => {
    expect(mapOpenAICompatibleUsage({ prompt_tokens: 10, completion_tokens: 4, completion_tokens_details: { reasoning_tokens: 3 }, prompt_tokens_details: { cached_tokens: 6 } })).toEqual({
      inputTokens: 10,
      outputTokens: 4,
      totalTokens: 14,
      reasoningTokens: 3,
      cachedInputTokens: 6,
    });
    expect(mapOpenAICompatibleUsage({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 20, prompt_cache_hit_tokens: 8 })).toMatchObject({ totalTokens: 20, cachedInputTokens: 8 });
    expect(mapOpenAICompatibleUsage(undefined)).toEqual({ inputTokens: undefined, outputTokens: undefined, totalTokens: undefined, reasoningTokens: undefined, cachedInputTokens: undefined });
  });
});

describe('mapOpenAICompatibleFinishReason', () => {
  it('maps the wire finish reasons', () => {
    const reasons = ['stop', 'length', 'content_filter', 'tool_calls', 'function_call', null, undefined, 'eos'];
    expect(reasons.map(mapOpenAICompatibleFinishReason)).toEqual(['stop', 'length', 'content-filter', 'tool-calls', 'tool-calls', 'unknown', 'unknown', 'other']);
  });
});

describe('openAICompatibleRequestOptions', () => {
  it('passes the abort signal and drops undefined headers', () => {
    const signal = new AbortController().signal;
    expect(openAICompatibleRequestOptions({ abortSignal: signal, headers: { 'x-a': '1', 'x-b': undefined } })).toEqual({ signal, headers: { 'x-a': '1' } });
    expect(openAICompatibleRequestOptions({})).toEqual({});
  });
});
