import type { EmbeddingModelV1, EmbeddingModelV1CallOptions, EmbeddingModelV1Result } from '../embedding-model/v1/embedding-model-v1.ts';

/**
 * A deterministic `EmbeddingModelV1`: by default each text maps to a normalized bag-of-words hash vector,
 * so similar texts get similar vectors. Calls are recorded.
 */
export class MockEmbeddingModelV1 implements EmbeddingModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'mock-provider';
  readonly modelId: string;
  readonly dimensions: number;
  readonly maxEmbeddingsPerCall: number | undefined;
  readonly supportsParallelCalls = true;
  readonly doEmbedCalls: EmbeddingModelV1CallOptions[] = [];
  readonly #embed: (value: string) => number[];

  constructor({
    modelId = 'mock-embedding',
    dimensions = 16,
    maxEmbeddingsPerCall = 100,
    embed,
  }: { modelId?: string; dimensions?: number; maxEmbeddingsPerCall?: number; embed?: (value: string) => number[] } = {}) {
    this.modelId = modelId;
    this.dimensions = dimensions;
    this.maxEmbeddingsPerCall = maxEmbeddingsPerCall;
    this.#embed = embed ?? ((value) => hashEmbedding(value, dimensions));
  }

  async doEmbed(options: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
    this.doEmbedCalls.push(options);
    if (this.maxEmbeddingsPerCall !== undefined && options.values.length > this.maxEmbeddingsPerCall) {
      throw new Error(`MockEmbeddingModelV1: ${options.values.length} values exceed maxEmbeddingsPerCall ${this.maxEmbeddingsPerCall}`);
    }
    return { embeddings: options.values.map(this.#embed), usage: { tokens: options.values.join(' ').split(/\s+/).length } };
  }
}

function hashEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 2166136261;
    for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 16777619);
    vector[(hash >>> 0) % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}
