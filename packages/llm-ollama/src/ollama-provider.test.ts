import { listModelProviders } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { createOllama, ollama, OllamaChatLanguageModel, OllamaEmbeddingModel, VERSION } from './index.ts';

describe('createOllama', () => {
  it('returns a callable provider with chat, languageModel, embedding and textEmbeddingModel', () => {
    const provider = createOllama({ host: 'localhost:11434' });
    for (const model of [provider('llama3.2'), provider.chat('llama3.2'), provider.languageModel('llama3.2')]) {
      expect(model).toBeInstanceOf(OllamaChatLanguageModel);
      expect(model.provider).toBe('ollama.chat');
      expect(model.modelId).toBe('llama3.2');
    }
    for (const model of [provider.embedding('nomic-embed-text'), provider.textEmbeddingModel('nomic-embed-text')]) {
      expect(model).toBeInstanceOf(OllamaEmbeddingModel);
      expect(model.provider).toBe('ollama.embedding');
      expect(model.maxEmbeddingsPerCall).toBeGreaterThan(0);
    }
  });

  it('exports a default instance, VERSION and registers the ollama routing prefix on import', () => {
    expect(ollama('qwen3').modelId).toBe('qwen3');
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(listModelProviders()).toContain('ollama');
  });
});
