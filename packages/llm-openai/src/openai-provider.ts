import type { EmbeddingModelV1, LanguageModelV1 } from '@mastra-ts/core';
import { createOpenAIClientFactory } from './create-openai-client.ts';
import { OpenAIChatLanguageModel } from './openai-chat-language-model.ts';
import type { OpenAIChatModelId, OpenAIEmbeddingModelId } from './openai-chat-options.ts';
import { OpenAIEmbeddingModel } from './openai-embedding-model.ts';

/** Settings of `createOpenAI`. Every field is optional. */
export interface OpenAIProviderSettings {
  /** API key; defaults to `OPENAI_API_KEY`, read when a request is made. */
  apiKey?: string;
  /** Base URL; defaults to `OPENAI_BASE_URL`, then `https://api.openai.com/v1`. Point it at any OpenAI-compatible server. */
  baseURL?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /** `OpenAI-Organization` header. */
  organization?: string;
  /** `OpenAI-Project` header. */
  project?: string;
  /**
   * Name of an OpenAI-compatible provider (e.g. `vllm`, `lmstudio`). When set, models report
   * `<name>.chat`, read `providerOptions[name]`, and send `max_tokens` instead of `max_completion_tokens`.
   */
  name?: string;
  /** Whether the server supports `response_format: json_schema` (default true). When false, `json_object` plus instructions is used. */
  structuredOutputs?: boolean;
  /** Request usage in streams with `stream_options.include_usage` (default true). */
  includeUsage?: boolean;
}

/** Settings of an embedding model. */
export interface OpenAIEmbeddingSettings {
  /** Output dimensions (text-embedding-3 models only). */
  dimensions?: number;
}

/** An OpenAI provider: callable with a chat model id. */
export interface OpenAIProvider {
  (modelId: OpenAIChatModelId): LanguageModelV1;
  /** A chat model (the same as calling the provider). */
  languageModel(modelId: OpenAIChatModelId): LanguageModelV1;
  /** A Chat Completions model. */
  chat(modelId: OpenAIChatModelId): LanguageModelV1;
  /** A text embedding model. */
  embedding(modelId: OpenAIEmbeddingModelId, settings?: OpenAIEmbeddingSettings): EmbeddingModelV1;
  /** Alias of `embedding`. */
  textEmbeddingModel(modelId: OpenAIEmbeddingModelId, settings?: OpenAIEmbeddingSettings): EmbeddingModelV1;
}

const openAIOptionKeys = new Set([
  'reasoningEffort',
  'user',
  'parallelToolCalls',
  'store',
  'metadata',
  'serviceTier',
  'logitBias',
  'promptCacheKey',
  'safetyIdentifier',
  'verbosity',
  'prediction',
]);

/** Whether an OpenAI model id is a reasoning model (o-series, gpt-5 except its chat variants). */
export function isOpenAIReasoningModel(modelId: string): boolean {
  return /^(o\d|gpt-5)/.test(modelId) && !modelId.startsWith('gpt-5-chat');
}

/**
 * Creates an OpenAI provider. Nothing is read or checked until a request is made.
 *
 * @example
 * const openai = createOpenAI({ apiKey: process.env.MY_KEY });
 * const agent = new Agent({ name: 'a', instructions: '…', model: openai('gpt-4o-mini') });
 */
export function createOpenAI(settings: OpenAIProviderSettings = {}): OpenAIProvider {
  const name = settings.name;
  const client = createOpenAIClientFactory({
    apiKey: settings.apiKey,
    apiKeyVariable: 'OPENAI_API_KEY',
    description: name ?? 'OpenAI',
    baseURL: settings.baseURL,
    baseURLVariable: 'OPENAI_BASE_URL',
    defaultBaseURL: 'https://api.openai.com/v1',
    headers: settings.headers,
    fetch: settings.fetch,
    organization: settings.organization,
    project: settings.project,
  });
  const providerName = name ?? 'OpenAI';
  const providerOptionsKey = name ?? 'openai';
  const chat = (modelId: OpenAIChatModelId): LanguageModelV1 =>
    new OpenAIChatLanguageModel(modelId, {
      provider: `${name ?? 'openai'}.chat`,
      providerName,
      providerOptionsKey,
      client,
      apiKeyVariable: 'OPENAI_API_KEY',
      structuredOutputs: settings.structuredOutputs ?? true,
      reasoningField: name === undefined ? undefined : 'reasoning_content',
      sendReasoning: name === undefined ? 'never' : 'with-tool-calls',
      maxTokensField: name === undefined ? 'max_completion_tokens' : 'max_tokens',
      includeUsage: settings.includeUsage ?? true,
      supportedProviderOptions: openAIOptionKeys,
      isReasoningModel: name === undefined ? isOpenAIReasoningModel : () => false,
    });
  const embedding = (modelId: OpenAIEmbeddingModelId, embeddingSettings: OpenAIEmbeddingSettings = {}): EmbeddingModelV1 =>
    new OpenAIEmbeddingModel(modelId, {
      provider: `${name ?? 'openai'}.embedding`,
      providerName,
      providerOptionsKey,
      client,
      apiKeyVariable: 'OPENAI_API_KEY',
      dimensions: embeddingSettings.dimensions,
    });
  const provider = ((modelId: OpenAIChatModelId) => chat(modelId)) as OpenAIProvider;
  provider.languageModel = chat;
  provider.chat = chat;
  provider.embedding = embedding;
  provider.textEmbeddingModel = embedding;
  return provider;
}

/** The default OpenAI provider (`OPENAI_API_KEY`, `OPENAI_BASE_URL`). */
export const openai: OpenAIProvider = createOpenAI();
