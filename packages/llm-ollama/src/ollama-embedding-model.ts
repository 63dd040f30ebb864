import type { EmbeddingModelV1, EmbeddingModelV1CallOptions, EmbeddingModelV1Result } from '@mastra-ts/core';
import type { EmbedRequest, EmbedResponse } from 'ollama';
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
    const parsed = options.providerOptions?.ollama === undefined ? undefined : parseOllamaProviderOptions(options.providerOptions.ollama);
    let embeddings: number[][] = [];
    let tokens: number | undefined = 0;
    let last: EmbedResponse | undefined;
    const values = options.values;
    for (let start = 0; start < values.length; start += this.maxEmbeddingsPerCall) {
      const request: EmbedRequest = { model: this.modelId, input: values.length <= this.maxEmbeddingsPerCall ? values : values.slice(start, start + this.maxEmbeddingsPerCall) };
      if (parsed !== undefined) {
        if (parsed.truncate !== undefined) request.truncate = parsed.truncate;
        if (parsed.dimensions !== undefined) request.dimensions = parsed.dimensions;
        if (parsed.keepAlive !== undefined) request.keep_alive = parsed.keepAlive;
        if (Object.keys(parsed.modelOptions).length > 0) request.options = parsed.modelOptions as EmbedRequest['options'];
      }
      try {
        last = await client.client.embed(request);
      } catch (error) {
        throw mapOllamaError(error, { url: `${host}/api/embed`, host, modelId: this.modelId, requestBody: request, abortSignal: options.abortSignal, responseHeaders: client.responseHeaders });
      }
      if (start === 0) embeddings = last.embeddings;
      else embeddings.push(...last.embeddings);
      tokens = tokens !== undefined && typeof last.prompt_eval_count === 'number' ? tokens + last.prompt_eval_count : undefined;
    }
    const headers = client.responseHeaders;
    const response = {
      body: last as unknown,
      get headers(): Record<string, string> {
        return headers() ?? {};
      },
    };
    return { embeddings, usage: { tokens }, response };
  }
}
