import type { EmbeddingModelV1, EmbeddingModelV1CallOptions, EmbeddingModelV1Result } from '@mastra-ts/core';
import type OpenAI from 'openai';
import { toOpenAICompatibleCallError } from '@mastra-ts/core/provider-utils';
import { LazyResponseHeaders } from './lazy-response-headers.ts';
import { openAISdkErrors } from './openai-sdk-errors.ts';
import { openAIRequestOptions } from './openai-request-options.ts';
import { RequestAbortLink } from './request-abort-link.ts';

/** How the embedding model is called. Built by the provider factory. */
export interface OpenAIEmbeddingConfig {
  provider: string;
  providerName: string;
  providerOptionsKey: string;
  client: () => OpenAI;
  apiKeyVariable: string;
  /** Output dimensions requested from `text-embedding-3-*` models. */
  dimensions?: number | undefined;
}

const knownDimensions: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** The most inputs one `POST /embeddings` accepts. */
export const OPENAI_MAX_EMBEDDINGS_PER_CALL = 2048;

/** An OpenAI embedding model. Larger inputs than 2048 values are split into batches, in order. */
export class OpenAIEmbeddingModel implements EmbeddingModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly maxEmbeddingsPerCall: number = OPENAI_MAX_EMBEDDINGS_PER_CALL;
  readonly supportsParallelCalls: boolean = true;
  readonly dimensions: number | undefined;
  private readonly config: OpenAIEmbeddingConfig;

  constructor(modelId: string, config: OpenAIEmbeddingConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.config = config;
    this.dimensions = config.dimensions ?? knownDimensions[modelId];
  }

  async doEmbed(options: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
    const client = this.config.client();
    const extra = options.providerOptions?.[this.config.providerOptionsKey];
    const dimensions = typeof extra?.dimensions === 'number' ? extra.dimensions : this.config.dimensions;
    const user = typeof extra?.user === 'string' ? extra.user : undefined;
    const embeddings: number[][] = [];
    let tokens: number | undefined;
    // the last batch's headers, converted when first read (see LazyResponseHeaders)
    let lastHeaders: Headers | undefined;
    const link = options.abortSignal ? new RequestAbortLink(options.abortSignal) : undefined;
    try {
      for (let start = 0; start < options.values.length || start === 0; start += this.maxEmbeddingsPerCall) {
        const input = options.values.slice(start, start + this.maxEmbeddingsPerCall);
        if (input.length === 0) break;
        const body = { model: this.modelId, input, ...(dimensions === undefined ? {} : { dimensions }), ...(user === undefined ? {} : { user }) };
        try {
          const { data, response } = await client.embeddings
            .create(body, openAIRequestOptions(options, link))
            .withResponse();
          for (const item of [...data.data].sort((left, right) => left.index - right.index)) embeddings.push(item.embedding);
          if (data.usage?.prompt_tokens !== undefined) tokens = (tokens ?? 0) + data.usage.prompt_tokens;
          lastHeaders = response.headers;
        } catch (error) {
          throw toOpenAICompatibleCallError(error, {
            providerName: this.config.providerName,
            url: `${client.baseURL}/embeddings`,
            requestBody: body,
            apiKeyVariable: this.config.apiKeyVariable,
            abortSignal: options.abortSignal,
            sdkErrors: openAISdkErrors,
          });
        }
      }
    } finally {
      link?.dispose();
    }
    return { embeddings, usage: { tokens }, ...(lastHeaders ? { response: new LazyResponseHeaders(lastHeaders) } : {}) };
  }
}
