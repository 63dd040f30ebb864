/**
 * @module
 * `@mastra-ts/llm-ollama`: Ollama chat and embedding models for mastra-ts, on the official `ollama`
 * client. Importing this module registers the `ollama/…` routing strings.
 */
import { registerModelProvider } from '@mastra-ts/core';
import { ollama } from './ollama-provider.ts';

export { createOllama, ollama } from './ollama-provider.ts';
export type { OllamaProvider, OllamaProviderSettings } from './ollama-provider.ts';
export { mapOllamaDoneReason, OllamaChatLanguageModel } from './ollama-chat-language-model.ts';
export type { OllamaConfig } from './ollama-chat-language-model.ts';
export { OllamaEmbeddingModel } from './ollama-embedding-model.ts';
export type { OllamaChatModelId, OllamaEmbeddingModelId, OllamaProviderOptions } from './ollama-chat-options.ts';
export { VERSION } from './version.ts';

registerModelProvider({
  id: 'ollama',
  packageName: '@mastra-ts/llm-ollama',
  languageModel: (modelId) => ollama(modelId),
  embeddingModel: (modelId) => ollama.embedding(modelId),
});
