import { ollamaEmbeddings, ollamaModelNotFound, startFakeOllama, type FakeOllama } from '@mastra-ts/fake-providers/ollama';
import { APICallError, resolveEmbeddingModel } from '@mastra-ts/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOllama } from './index.ts';

let server: FakeOllama;
beforeAll(async () => {
  server = await startFakeOllama();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
  expect(server.pending()).toBe(0);
  vi.unstubAllEnvs();
});

describe('OllamaEmbeddingModel', () => {
  it('embeds a batch through /api/embed with usage and options', async () => {
    server.enqueue(ollamaEmbeddings([[0.1, 0.2], [0.3, 0.4]]));
    const model = createOllama({ host: server.baseURL }).embedding('nomic-embed-text');
    expect(model.provider).toBe('ollama.embedding');
    const result = await model.doEmbed({ values: ['a', 'b'], providerOptions: { ollama: { truncate: true, dimensions: 2, keep_alive: 0, num_ctx: 2048 } } });
    expect(result.embeddings).toEqual([[0.1, 0.2], [0.3, 0.4]]);
    expect(result.usage).toEqual({ tokens: 8 });
    expect(server.requests[0]!.path).toBe('/api/embed');
    expect(server.requests[0]!.body).toEqual({ model: 'nomic-embed-text', input: ['a', 'b'], truncate: true, dimensions: 2, keep_alive: 0, options: { num_ctx: 2048 } });
  });

  it('splits inputs larger than maxEmbeddingsPerCall into several requests, in order', async () => {
    const model = createOllama({ host: server.baseURL }).embedding('all-minilm');
    const values = Array.from({ length: model.maxEmbeddingsPerCall + 2 }, (_, index) => `v${index}`);
    server.enqueue(ollamaEmbeddings(values.slice(0, model.maxEmbeddingsPerCall).map((_, index) => [index])), ollamaEmbeddings([[model.maxEmbeddingsPerCall], [model.maxEmbeddingsPerCall + 1]]));
    const result = await model.doEmbed({ values });
    expect(result.embeddings.map((vector) => vector[0])).toEqual(values.map((_, index) => index));
    expect(server.requests.map((request) => (request.body.input as string[]).length)).toEqual([model.maxEmbeddingsPerCall, 2]);
  });

  it('a missing model is a 404 APICallError telling to ollama pull', async () => {
    server.enqueue(ollamaModelNotFound('nomic-embed-text'));
    const error = await createOllama({ host: server.baseURL })
      .embedding('nomic-embed-text')
      .doEmbed({ values: ['x'] })
      .catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(404);
    expect((error as Error).message).toContain('ollama pull nomic-embed-text');
  });

  it('resolves ollama/… routing strings to embedding models', async () => {
    vi.stubEnv('OLLAMA_HOST', server.baseURL);
    server.enqueue(ollamaEmbeddings([[1, 2, 3]]));
    const model = await resolveEmbeddingModel('ollama/nomic-embed-text');
    expect((await model.doEmbed({ values: ['hello'] })).embeddings).toEqual([[1, 2, 3]]);
  });
});
