/**
 * @module
 * `@mastra-ts/llm-openai`: OpenAI chat and embedding models, DeepSeek, and any OpenAI-compatible
 * server, on the official `openai` SDK. Importing this module registers the `openai/…` and
 * `deepseek/…` routing strings with `@mastra-ts/core`.
 */
import { registerModelProvider } from '@mastra-ts/core';
import { deepseek } from './deepseek-provider.ts';
import { openai } from './openai-provider.ts';

export { createOpenAI, isOpenAIReasoningModel, openai } from './openai-provider.ts';
export type { OpenAIEmbeddingSettings, OpenAIProvider, OpenAIProviderSettings } from './openai-provider.ts';
export { createDeepSeek, deepseek } from './deepseek-provider.ts';
export type { DeepSeekChatModelId, DeepSeekProvider, DeepSeekProviderSettings } from './deepseek-provider.ts';
export type { OpenAIChatModelId, OpenAIChatProviderOptions, OpenAIEmbeddingModelId } from './openai-chat-options.ts';
export { OpenAIChatLanguageModel } from './openai-chat-language-model.ts';
export { OpenAIEmbeddingModel, OPENAI_MAX_EMBEDDINGS_PER_CALL } from './openai-embedding-model.ts';
export { VERSION } from './version.ts';

registerModelProvider({
  id: 'openai',
  packageName: '@mastra-ts/llm-openai',
  languageModel: (modelId) => openai(modelId),
  embeddingModel: (modelId) => openai.embedding(modelId),
});
registerModelProvider({
  id: 'deepseek',
  packageName: '@mastra-ts/llm-openai',
  languageModel: (modelId) => deepseek(modelId),
});
