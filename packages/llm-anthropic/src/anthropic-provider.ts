import Anthropic from '@anthropic-ai/sdk';
import { loadApiKey, withoutTrailingSlash } from '@mastra-ts/core/provider-utils';
import { AnthropicMessagesLanguageModel } from './anthropic-messages-language-model.ts';
import type { AnthropicMessagesModelId } from './anthropic-messages-options.ts';

/** Settings of `createAnthropic`. Every field is optional. */
export interface AnthropicProviderSettings {
  /** API key; default: the `ANTHROPIC_API_KEY` environment variable, read when a request is made. */
  apiKey?: string;
  /** API root without `/v1`; default `https://api.anthropic.com` (or `ANTHROPIC_BASE_URL`). */
  baseURL?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout of the SDK in ms (default 10 minutes). Core's retry policy has its own `timeoutMs`. */
  timeout?: number;
}

/** The Anthropic provider: call it with a model id to get a `LanguageModelV1`. */
export interface AnthropicProvider {
  (modelId: AnthropicMessagesModelId): AnthropicMessagesLanguageModel;
  /** A Messages API model. */
  languageModel(modelId: AnthropicMessagesModelId): AnthropicMessagesLanguageModel;
  /** Same as `languageModel`. */
  messages(modelId: AnthropicMessagesModelId): AnthropicMessagesLanguageModel;
}

/**
 * Creates an Anthropic provider on the official `@anthropic-ai/sdk`, with the SDK's retries off
 * (core's retry policy applies). Creating it never throws: the key is read when a request is made.
 *
 * @example
 * ```ts
 * import { createAnthropic } from '@mastra-ts/llm-anthropic';
 * const anthropic = createAnthropic({ apiKey: process.env.MY_KEY });
 * const agent = new Agent({ name: 'a', instructions: '…', model: anthropic('claude-sonnet-4-5') });
 * ```
 */
export function createAnthropic(settings: AnthropicProviderSettings = {}): AnthropicProvider {
  let cached: { apiKey: string; baseURL: string; client: Anthropic } | undefined;
  let lastRawBaseURL: string | undefined;
  let lastBaseURL = '';
  let lastURL = '';
  // normalised once per distinct setting / ANTHROPIC_BASE_URL value, not on every call
  const resolveBaseURL = (): string => {
    const raw = settings.baseURL ?? (typeof process === 'undefined' ? undefined : process.env.ANTHROPIC_BASE_URL) ?? 'https://api.anthropic.com';
    if (raw !== lastRawBaseURL) {
      lastBaseURL = withoutTrailingSlash(raw)!.replace(/\/v1$/, '');
      lastURL = `${lastBaseURL}/v1/messages`;
      lastRawBaseURL = raw;
    }
    return lastBaseURL;
  };
  const client = (): Anthropic => {
    const apiKey = loadApiKey({ apiKey: settings.apiKey, environmentVariableName: 'ANTHROPIC_API_KEY', description: 'Anthropic' });
    const baseURL = resolveBaseURL();
    if (cached !== undefined && cached.apiKey === apiKey && cached.baseURL === baseURL) return cached.client;
    const instance = new Anthropic({
      apiKey,
      baseURL,
      maxRetries: 0,
      // providers do not log: failures reach the caller as typed errors
      logLevel: 'off',
      timeout: settings.timeout ?? 600_000,
      ...(settings.headers ? { defaultHeaders: settings.headers } : {}),
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
    cached = { apiKey, baseURL, client: instance };
    return instance;
  };
  const config = {
    provider: 'anthropic.messages',
    client,
    get url(): string {
      resolveBaseURL();
      return lastURL;
    },
  };
  const createModel = (modelId: AnthropicMessagesModelId): AnthropicMessagesLanguageModel => new AnthropicMessagesLanguageModel(modelId, config);
  const provider = ((modelId: AnthropicMessagesModelId) => createModel(modelId)) as AnthropicProvider;
  provider.languageModel = createModel;
  provider.messages = createModel;
  return provider;
}

/** The default Anthropic provider (`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`). */
export const anthropic: AnthropicProvider = createAnthropic();
