import type { LanguageModelV1 } from '@mastra-ts/core';
import { createOpenAIClientFactory } from './create-openai-client.ts';
import { OpenAIChatLanguageModel } from './openai-chat-language-model.ts';

/** DeepSeek chat model ids; any other string is accepted too. */
export type DeepSeekChatModelId = 'deepseek-chat' | 'deepseek-reasoner' | (string & {});

/** Settings of `createDeepSeek`. */
export interface DeepSeekProviderSettings {
  /** API key; defaults to `DEEPSEEK_API_KEY`, read when a request is made. */
  apiKey?: string;
  /** Base URL; defaults to `https://api.deepseek.com`. */
  baseURL?: string;
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

/** A DeepSeek provider: callable with a model id. */
export interface DeepSeekProvider {
  (modelId: DeepSeekChatModelId): LanguageModelV1;
  languageModel(modelId: DeepSeekChatModelId): LanguageModelV1;
  chat(modelId: DeepSeekChatModelId): LanguageModelV1;
}

/**
 * Creates a DeepSeek provider on the `openai` SDK. `reasoning_content` (deepseek-reasoner, thinking
 * mode) becomes reasoning parts; JSON output uses `json_object` with the schema in the instructions,
 * since DeepSeek has no `json_schema` response format.
 */
export function createDeepSeek(settings: DeepSeekProviderSettings = {}): DeepSeekProvider {
  const client = createOpenAIClientFactory({
    apiKey: settings.apiKey,
    apiKeyVariable: 'DEEPSEEK_API_KEY',
    description: 'DeepSeek',
    baseURL: settings.baseURL,
    defaultBaseURL: 'https://api.deepseek.com',
    headers: settings.headers,
    fetch: settings.fetch,
  });
  const chat = (modelId: DeepSeekChatModelId): LanguageModelV1 =>
    new OpenAIChatLanguageModel(modelId, {
      provider: 'deepseek.chat',
      providerName: 'DeepSeek',
      providerOptionsKey: 'deepseek',
      client,
      apiKeyVariable: 'DEEPSEEK_API_KEY',
      structuredOutputs: false,
      reasoningField: 'reasoning_content',
      sendReasoning: 'with-tool-calls',
      maxTokensField: 'max_tokens',
      includeUsage: true,
      supportedProviderOptions: new Set(['user', 'thinking', 'logitBias', 'reasoningEffort']),
      isReasoningModel: () => false,
    });
  const provider = ((modelId: DeepSeekChatModelId) => chat(modelId)) as DeepSeekProvider;
  provider.languageModel = chat;
  provider.chat = chat;
  return provider;
}

/** The default DeepSeek provider (`DEEPSEEK_API_KEY`). */
export const deepseek: DeepSeekProvider = createDeepSeek();
