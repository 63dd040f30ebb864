import type { LanguageModelV1 } from '@mastra-ts/core';
import { loadApiKey, loadOptionalSetting, withoutTrailingSlash } from '@mastra-ts/core/provider-utils';
import Groq from 'groq-sdk';
import { GroqChatLanguageModel } from './groq-chat-language-model.ts';
import type { GroqChatModelId } from './groq-chat-options.ts';

/** Settings of `createGroq`. Every field is optional. */
export interface GroqProviderSettings {
  /** API key; defaults to `GROQ_API_KEY`, read when a request is made. */
  apiKey?: string;
  /** Origin of the API; defaults to `GROQ_BASE_URL`, then `https://api.groq.com` (the SDK appends `/openai/v1`). */
  baseURL?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

/** A Groq provider: callable with a chat model id. */
export interface GroqProvider {
  (modelId: GroqChatModelId): LanguageModelV1;
  /** A chat model (the same as calling the provider). */
  languageModel(modelId: GroqChatModelId): LanguageModelV1;
  /** A chat model. */
  chat(modelId: GroqChatModelId): LanguageModelV1;
}

/**
 * Creates a Groq provider on the official `groq-sdk`. Nothing is read or checked until a request is made.
 *
 * @example
 * const agent = new Agent({ name: 'a', instructions: '…', model: groq('llama-3.3-70b-versatile') });
 */
export function createGroq(settings: GroqProviderSettings = {}): GroqProvider {
  let cached: { apiKey: string; baseURL: string; client: Groq } | undefined;
  const client = (): Groq => {
    const apiKey = loadApiKey({ apiKey: settings.apiKey, environmentVariableName: 'GROQ_API_KEY', description: 'Groq' });
    const baseURL = withoutTrailingSlash(settings.baseURL ?? loadOptionalSetting({ settingValue: undefined, environmentVariableName: 'GROQ_BASE_URL' })) ?? 'https://api.groq.com';
    if (cached?.apiKey === apiKey && cached.baseURL === baseURL) return cached.client;
    const created = new Groq({
      apiKey,
      baseURL,
      maxRetries: 0,
      logLevel: 'off',
      ...(settings.headers ? { defaultHeaders: settings.headers } : {}),
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
    cached = { apiKey, baseURL, client: created };
    return created;
  };
  const chat = (modelId: GroqChatModelId): LanguageModelV1 => new GroqChatLanguageModel(modelId, { client });
  const provider = ((modelId: GroqChatModelId) => chat(modelId)) as GroqProvider;
  provider.languageModel = chat;
  provider.chat = chat;
  return provider;
}

/** The default Groq provider (`GROQ_API_KEY`). */
export const groq: GroqProvider = createGroq();
