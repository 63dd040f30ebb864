import type { EmbeddingModelV1, EmbeddingModelV1CallOptions, EmbeddingModelV1Result } from '@mastra-ts/core';
import type { EmbedResponse } from 'ollama';
import type { OllamaConfig } from './ollama-chat-language-model.ts';
import { parseOllamaProviderOptions, type OllamaEmbeddingModelId } from './ollama-chat-options.ts';
import { createOllamaCallClient } from './ollama-client.ts';
import { mapOllamaError } from './ollama-error.ts';

/** An Ollama embedding model (`/api/embed`) as a core `EmbeddingModelV1`. Larger inputs are split into batches. */
export class OllamaEmbeddingModel implements EmbeddingModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: OllamaEmbeddingModelId;
  readonly dimensions: number | undefined = undefined;
  /** Values per `/api/embed` request. */
  readonly maxEmbeddingsPerCall: number = 512;
  readonly supportsParallelCalls: boolean = true;
  private readonly config: OllamaConfig;

  constructor(modelId: OllamaEmbeddingModelId, config: OllamaConfig) {
    this.modelId = modelId;
    this.provider = config.provider.replace(/\.chat$/, '.embedding');
    this.config = config;
  }

  async doEmbed(options: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
    if (options.values.length === 0) return { embeddings: [], usage: { tokens: 0 } };
    const host = this.config.host();
    const client = createOllamaCallClient({ host, headers: this.config.headers, fetch: this.config.fetch, abortSignal: options.abortSignal, callHeaders: options.headers });
    const parsed = parseOllamaProviderOptions(options.providerOptions?.ollama);
    const embeddings: number[][] = [];
    let tokens: number | undefined = 0;
    let last: EmbedResponse | undefined;
    for (let start = 0; start < options.values.length; start += this.maxEmbeddingsPerCall) {
      const request = {
        model: this.modelId,
        input: options.values.slice(start, start + this.maxEmbeddingsPerCall),
        ...(parsed.truncate !== undefined ? { truncate: parsed.truncate } : {}),
        ...(parsed.dimensions !== undefined ? { dimensions: parsed.dimensions } : {}),
        ...(parsed.keepAlive !== undefined ? { keep_alive: parsed.keepAlive } : {}),
        ...(Object.keys(parsed.modelOptions).length > 0 ? { options: parsed.modelOptions } : {}),
      };
      try {
        last = await client.client.embed(request);
      } catch (error) {
        throw mapOllamaError(error, { url: `${host}/api/embed`, host, modelId: this.modelId, requestBody: request, abortSignal: options.abortSignal, responseHeaders: client.responseHeaders });
      }
      embeddings.push(...last.embeddings);
      tokens = tokens !== undefined && typeof last.prompt_eval_count === 'number' ? tokens + last.prompt_eval_count : undefined;
    }
    const response = Object.defineProperty({ body: last as unknown }, 'headers', { enumerable: true, get: () => client.responseHeaders() ?? {} }) as { body: unknown; headers: Record<string, string> };
    return { embeddings, usage: { tokens }, response };
  }
}
