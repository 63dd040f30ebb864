import { embedMany, type EmbedManyOptions } from './embed-many.ts';

/** Options of `embed`. */
export type EmbedOptions = Omit<EmbedManyOptions, 'values' | 'maxParallelCalls'> & {
  /** The text to embed. */
  value: string;
};

/** The result of `embed`. */
export interface EmbedResult {
  value: string;
  embedding: number[];
  usage: { tokens: number | undefined };
}

/**
 * Embeds one text through any `EmbeddingModelV1`, with retries.
 *
 * @example
 * const { embedding } = await embed({ model: createLexicalEmbedder(), value: 'how do I reset my password?' });
 */
export async function embed(options: EmbedOptions): Promise<EmbedResult> {
  const { value, ...rest } = options;
  const result = await embedMany({ ...rest, values: [value] });
  return { value, embedding: result.embeddings[0]!, usage: result.usage };
}
