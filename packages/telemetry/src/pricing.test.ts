import { describe, expect, it } from 'vitest';
import { costOf, defaultPrices, findPrice } from './pricing.ts';

describe('pricing', () => {
  it('matches exact ids, provider-qualified ids and dated variants by the longest prefix', () => {
    expect(findPrice(defaultPrices, 'openai.chat', 'gpt-4o-mini')).toBe(defaultPrices['gpt-4o-mini']);
    expect(findPrice(defaultPrices, 'openai.chat', 'gpt-4o-mini-2024-07-18')).toBe(defaultPrices['gpt-4o-mini']);
    expect(findPrice(defaultPrices, 'openai.chat', 'gpt-4o-2024-08-06')).toBe(defaultPrices['gpt-4o']);
    expect(findPrice(defaultPrices, 'anthropic.messages', 'claude-sonnet-4-20250514')).toBe(defaultPrices['claude-sonnet-4']);
    expect(findPrice(defaultPrices, 'anthropic.messages', 'claude-opus-4-5-20251101')).toBe(defaultPrices['claude-opus-4-5']);
    expect(findPrice(defaultPrices, 'groq.chat', 'openai/gpt-oss-120b')).toBe(defaultPrices['groq/openai/gpt-oss-120b']);
    expect(findPrice(defaultPrices, 'deepseek.chat', 'deepseek-chat')).toBe(defaultPrices['deepseek-chat']);
    expect(findPrice(defaultPrices, 'openai.chat', 'gpt-4omni')).toBeUndefined();
    expect(findPrice(defaultPrices, 'x', 'unknown-model')).toBeUndefined();
  });

  it('prices cached input tokens at the cached rate and reasoning as output', () => {
    const price = { input: 2, output: 8, cachedInput: 0.5 };
    expect(costOf(price, { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 100_000 })).toBeCloseTo(600_000 * 2e-6 + 400_000 * 0.5e-6 + 100_000 * 8e-6, 12);
    expect(costOf({ input: 1, output: 1 }, { inputTokens: 10, cachedInputTokens: 10, outputTokens: 0 })).toBeCloseTo(10e-6, 15);
    expect(costOf(price, {})).toBeUndefined();
    expect(costOf(undefined, { inputTokens: 1 })).toBeUndefined();
  });
});
