import type { ProviderOptions } from '../../shared/json-value.ts';

/** Options of one embedding call. */
export interface EmbeddingModelV1CallOptions {
  /** The texts to embed; at most `maxEmbeddingsPerCall` of them. */
  values: string[];
  abortSignal?: AbortSignal;
  headers?: Record<string, string | undefined>;
  providerOptions?: ProviderOptions;
}

/** The result of one embedding call: one vector per value, in order. */
export interface EmbeddingModelV1Result {
  embeddings: number[][];
  usage?: { tokens: number | undefined };
  response?: { headers?: Record<string, string>; body?: unknown };
}

/** A text embedding model. */
export interface EmbeddingModelV1 {
  readonly specificationVersion: 'v1';
  /** e.g. `openai.embedding`. */
  readonly provider: string;
  readonly modelId: string;
  /** Vector length, when known before the first call. */
  readonly dimensions?: number | undefined;
  /** The largest `values` batch one call accepts; callers split larger inputs. */
  readonly maxEmbeddingsPerCall: number | undefined;
  /** Whether several calls may run at once. */
  readonly supportsParallelCalls: boolean;
  doEmbed(options: EmbeddingModelV1CallOptions): PromiseLike<EmbeddingModelV1Result>;
}
