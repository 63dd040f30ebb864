import { AbortError, callWithRetry, InvalidResponseDataError, throwIfAborted, TypeValidationError, type EmbeddingModelV1, type ProviderOptions } from '@mastra-ts/core';

/** Options of `embedMany`. */
export interface EmbedManyOptions {
  model: EmbeddingModelV1;
  /** Texts to embed. */
  values: readonly string[];
  /** Most calls in flight at once (default 4; 1 when the model does not support parallel calls). */
  maxParallelCalls?: number | undefined;
  /** Retries per call on retryable errors (default 2). */
  maxRetries?: number | undefined;
  abortSignal?: AbortSignal | undefined;
  headers?: Record<string, string | undefined> | undefined;
  providerOptions?: ProviderOptions | undefined;
}

/** The result of `embedMany`: one embedding per value, in input order. */
export interface EmbedManyResult {
  values: string[];
  embeddings: number[][];
  /** Summed over calls; undefined when the provider reported none. */
  usage: { tokens: number | undefined };
}

/**
 * Embeds many texts through any `EmbeddingModelV1`: splits them into batches of the model's
 * `maxEmbeddingsPerCall`, runs up to `maxParallelCalls` batches at once, retries each through core's
 * `callWithRetry`, and returns embeddings in input order. Aborting stops new calls and cancels running ones.
 *
 * @example
 * const { embeddings } = await embedMany({ model: openai.embedding('text-embedding-3-small'), values: chunks.map((chunk) => chunk.text) });
 */
export async function embedMany(options: EmbedManyOptions): Promise<EmbedManyResult> {
  const { model, values, abortSignal } = options;
  if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) {
    throw new TypeValidationError({ value: values, context: 'embedMany', issues: [{ path: ['values'], message: 'values must be an array of strings' }] });
  }
  const requested = options.maxParallelCalls ?? 4;
  if (!(Number.isInteger(requested) && requested >= 1) && requested !== Infinity) {
    throw new TypeValidationError({ value: requested, context: 'embedMany', issues: [{ path: ['maxParallelCalls'], message: `maxParallelCalls must be a positive integer, got ${String(requested)}` }] });
  }
  throwIfAborted(abortSignal);
  const batchSize = model.maxEmbeddingsPerCall ?? Math.max(1, values.length);
  const batches: Array<{ start: number; values: string[] }> = [];
  for (let start = 0; start < values.length; start += batchSize) batches.push({ start, values: values.slice(start, start + batchSize) });
  const embeddings = new Array<number[]>(values.length);
  let tokens: number | undefined;
  const parallel = model.supportsParallelCalls ? Math.min(requested, batches.length) : 1;
  let next = 0;
  const failure = new AbortController();
  const signal = abortSignal ? AbortSignal.any([abortSignal, failure.signal]) : failure.signal;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      throwIfAborted(abortSignal);
      if (failure.signal.aborted) return;
      const batch = batches[next++]!;
      const result = await callWithRetry(
        (attemptSignal) => model.doEmbed({ values: batch.values, abortSignal: attemptSignal, ...(options.headers ? { headers: options.headers } : {}), ...(options.providerOptions ? { providerOptions: options.providerOptions } : {}) }),
        { maxRetries: options.maxRetries ?? 2, abortSignal: signal },
      );
      if (!Array.isArray(result.embeddings) || result.embeddings.length !== batch.values.length) {
        throw new InvalidResponseDataError({
          data: result,
          message: `${model.provider}/${model.modelId} returned ${Array.isArray(result.embeddings) ? result.embeddings.length : 'no'} embeddings for ${batch.values.length} values`,
        });
      }
      result.embeddings.forEach((embedding, offset) => (embeddings[batch.start + offset] = embedding));
      if (result.usage?.tokens !== undefined) tokens = (tokens ?? 0) + result.usage.tokens;
    }
  };
  try {
    await Promise.all(
      Array.from({ length: parallel }, () =>
        worker().catch((error: unknown) => {
          failure.abort(error);
          throw error;
        }),
      ),
    );
  } catch (error) {
    if (abortSignal?.aborted && !AbortError.isInstance(error)) throw new AbortError({ cause: abortSignal.reason });
    throw error;
  }
  return { values: [...values], embeddings, usage: { tokens } };
}
