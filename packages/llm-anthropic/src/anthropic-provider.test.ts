import { listModelProviders } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { anthropic, AnthropicMessagesLanguageModel, createAnthropic, VERSION } from './index.ts';

describe('createAnthropic', () => {
  it('returns a callable provider with languageModel and messages, without reading the key', () => {
    const provider = createAnthropic({ apiKey: undefined });
    for (const model of [provider('claude-haiku-4-5'), provider.languageModel('claude-haiku-4-5'), provider.messages('claude-haiku-4-5')]) {
      expect(model).toBeInstanceOf(AnthropicMessagesLanguageModel);
      expect(model.specificationVersion).toBe('v1');
      expect(model.provider).toBe('anthropic.messages');
      expect(model.modelId).toBe('claude-haiku-4-5');
    }
  });

  it('exports a default instance, VERSION and registers the anthropic routing prefix on import', () => {
    expect(anthropic('claude-sonnet-4-6').modelId).toBe('claude-sonnet-4-6');
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(listModelProviders()).toContain('anthropic');
  });
});
