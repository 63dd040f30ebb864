import { AbortError, APICallError, InvalidResponseDataError, TypeValidationError, type EmbeddingModelV1CallOptions, type EmbeddingModelV1Result } from '@mastra-ts/core';
import { MockEmbeddingModelV1 } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { embed } from './embed.ts';
import { embedMany } from './embed-many.ts';

/** An embedding model whose calls finish only when the test releases them. */
class GatedModel extends MockEmbeddingModelV1 {
  readonly pending: Array<{ values: string[]; release: () => void; signal: AbortSignal | undefined }> = [];
  inFlight = 0;
  maxInFlight = 0;

  override async doEmbed(options: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ values: options.values, release: resolve, signal: options.abortSignal });
      options.abortSignal?.addEventListener('abort', () => reject(options.abortSignal!.reason), { once: true });
    }).finally(() => this.inFlight--);
    return super.doEmbed(options);
  }
}

const flush = async (): Promise<void> => {
  for (let index = 0; index < 10; index++) await Promise.resolve();
};

describe('embedMany', () => {
  const values = Array.from({ length: 10 }, (_, index) => `text number ${index}`);

  it('batches by maxEmbeddingsPerCall and keeps input order when batches finish out of order', async () => {
    const model = new GatedModel({ maxEmbeddingsPerCall: 3 });
    const result = embedMany({ model, values, maxParallelCalls: 4 });
    await flush();
    expect(model.pending.map((call) => call.values)).toEqual([values.slice(0, 3), values.slice(3, 6), values.slice(6, 9), values.slice(9)]);
    for (const call of [...model.pending].reverse()) call.release();
    const { embeddings, usage, values: returned } = await result;
    const reference = new MockEmbeddingModelV1();
    expect(embeddings).toEqual((await reference.doEmbed({ values })).embeddings);
    expect(returned).toEqual(values);
    expect(usage.tokens).toBe(30);
  });

  it('bounds concurrency by maxParallelCalls, and to one call when the model refuses parallel calls', async () => {
    const model = new GatedModel({ maxEmbeddingsPerCall: 1 });
    const result = embedMany({ model, values, maxParallelCalls: 3 });
    for (let round = 0; round < 10; round++) {
      await flush();
      model.pending.shift()?.release();
    }
    await result;
    expect(model.maxInFlight).toBe(3);
    expect(model.doEmbedCalls).toHaveLength(10);

    const serial = new GatedModel({ maxEmbeddingsPerCall: 2 });
    Object.defineProperty(serial, 'supportsParallelCalls', { value: false });
    const serialResult = embedMany({ model: serial, values, maxParallelCalls: 8 });
    for (let round = 0; round < 5; round++) {
      await flush();
      serial.pending.shift()?.release();
    }
    await serialResult;
    expect(serial.maxInFlight).toBe(1);
  });

  it('retries a retryable failure through callWithRetry', async () => {
    let calls = 0;
    const model = new MockEmbeddingModelV1({ maxEmbeddingsPerCall: 100 });
    const original = model.doEmbed.bind(model);
    model.doEmbed = async (options) => {
      if (++calls === 1) throw new APICallError({ message: 'overloaded', url: 'http://127.0.0.1/embed', requestBodyValues: {}, statusCode: 503, responseHeaders: { 'retry-after-ms': '0' } });
      return original(options);
    };
    const { embeddings } = await embedMany({ model, values: ['a', 'b'] });
    expect(calls).toBe(2);
    expect(embeddings).toHaveLength(2);
  });

  it('stops at once when aborted: running calls see the abort and no new batch starts', async () => {
    const model = new GatedModel({ maxEmbeddingsPerCall: 2 });
    const controller = new AbortController();
    const result = embedMany({ model, values, maxParallelCalls: 2, abortSignal: controller.signal });
    await flush();
    expect(model.pending).toHaveLength(2);
    controller.abort(new Error('user cancelled'));
    await expect(result).rejects.toSatisfy(AbortError.isInstance);
    expect(model.pending.every((call) => call.signal?.aborted)).toBe(true);
    await flush();
    expect(model.pending).toHaveLength(2);
    await expect(embedMany({ model, values, abortSignal: controller.signal })).rejects.toSatisfy(AbortError.isInstance);
  });

  it('rejects a response with the wrong number of embeddings, and bad arguments', async () => {
    const model = new MockEmbeddingModelV1();
    model.doEmbed = async () => ({ embeddings: [[1, 0]] });
    await expect(embedMany({ model, values: ['a', 'b'], maxRetries: 0 })).rejects.toSatisfy(InvalidResponseDataError.isInstance);
    await expect(embedMany({ model, values: ['a'], maxParallelCalls: 0 })).rejects.toSatisfy(TypeValidationError.isInstance);
    expect(await embedMany({ model, values: [] })).toEqual({ values: [], embeddings: [], usage: { tokens: undefined } });
  });
});

describe('embed', () => {
  it('embeds one value', async () => {
    const model = new MockEmbeddingModelV1();
    const result = await embed({ model, value: 'hello there' });
    expect(result.value).toBe('hello there');
    expect(result.embedding).toEqual((await new MockEmbeddingModelV1().doEmbed({ values: ['hello there'] })).embeddings[0]);
  });
});
