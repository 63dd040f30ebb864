import { loadOptionalSetting, withoutTrailingSlash } from '@mastra-ts/core/provider-utils';
import { OllamaChatLanguageModel } from './ollama-chat-language-model.ts';
import type { OllamaChatModelId, OllamaEmbeddingModelId } from './ollama-chat-options.ts';
import { OllamaEmbeddingModel } from './ollama-embedding-model.ts';

/** Settings of `createOllama`. Every field is optional. */
export interface OllamaProviderSettings {
  /** Server root; default: `OLLAMA_HOST`, else `http://127.0.0.1:11434`. */
  host?: string;
  /** Alias of `host` (AI SDK style); a trailing `/api` is removed. */
  baseURL?: string;
  /** Headers sent with every request (e.g. `Authorization` for a proxy or ollama.com). */
  headers?: Record<string, string>;
  /** A fetch implementation (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
}

/** The Ollama provider: call it with a model name to get a chat `LanguageModelV1`. */
export interface OllamaProvider {
  (modelId: OllamaChatModelId): OllamaChatLanguageModel;
  /** A chat model. */
  languageModel(modelId: OllamaChatModelId): OllamaChatLanguageModel;
  /** Same as `languageModel`. */
  chat(modelId: OllamaChatModelId): OllamaChatLanguageModel;
  /** An embedding model (`/api/embed`). */
  embedding(modelId: OllamaEmbeddingModelId): OllamaEmbeddingModel;
  /** Same as `embedding`. */
  textEmbeddingModel(modelId: OllamaEmbeddingModelId): OllamaEmbeddingModel;
}

function normalizeHost(host: string): string {
  const withProtocol = /^[a-z]+:\/\//i.test(host) ? host : `http://${host}`;
  return withoutTrailingSlash(withProtocol)!.replace(/\/api$/, '');
}

/**
 * Creates an Ollama provider on the official `ollama` client. No key is needed; the host is resolved
 * when a request is made.
 *
 * @example
 * ```ts
 * import { createOllama } from '@mastra-ts/llm-ollama';
 * const ollama = createOllama({ host: 'http://gpu-box:11434' });
 * const agent = new Agent({ name: 'local', instructions: '…', model: ollama('llama3.2') });
 * ```
 */
export function createOllama(settings: OllamaProviderSettings = {}): OllamaProvider {
  let lastRaw: string | undefined;
  let lastHost = '';
  const config = {
    provider: 'ollama.chat',
    host: (): string => {
      const raw = settings.host ?? settings.baseURL ?? loadOptionalSetting({ settingValue: undefined, environmentVariableName: 'OLLAMA_HOST' }) ?? 'http://127.0.0.1:11434';
      if (raw !== lastRaw) {
        lastHost = normalizeHost(raw);
        lastRaw = raw;
      }
      return lastHost;
    },
    headers: settings.headers,
    fetch: settings.fetch,
  };
  const chat = (modelId: OllamaChatModelId): OllamaChatLanguageModel => new OllamaChatLanguageModel(modelId, config);
  const embedding = (modelId: OllamaEmbeddingModelId): OllamaEmbeddingModel => new OllamaEmbeddingModel(modelId, config);
  const provider = ((modelId: OllamaChatModelId) => chat(modelId)) as OllamaProvider;
  provider.languageModel = chat;
  provider.chat = chat;
  provider.embedding = embedding;
  provider.textEmbeddingModel = embedding;
  return provider;
}

/** The default Ollama provider (`OLLAMA_HOST`, else `http://127.0.0.1:11434`). */
export const ollama: OllamaProvider = createOllama();
