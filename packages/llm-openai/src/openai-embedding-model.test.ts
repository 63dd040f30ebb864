import { APICallError } from '@mastra-ts/core';
import { embeddingsResponse, errorResponse, startFakeOpenAI, type FakeOpenAIServer } from '@mastra-ts/fake-providers/openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAI } from './openai-provider.ts';

let server: FakeOpenAIServer;
beforeEach(async () => {
  server = await startFakeOpenAI();
});
afterEach(async () => {
  await server.close();
});

const vectorOf = (text: string): number[] => [text.length, 0.5, -0.25];

describe('OpenAIEmbeddingModel', () => {
  it('embeds values in order and reports usage and dimensions', async () => {
    server.enqueue(embeddingsResponse((input) => input.map(vectorOf), { prompt_tokens: 7 }));
    const model = createOpenAI({ apiKey: 'k', baseURL: server.baseURL }).embedding('text-embedding-3-small');
    expect(model.dimensions).toBe(1536);
    expect(model.maxEmbeddingsPerCall).toBe(2048);
    const result = await model.doEmbed({ values: ['a', 'bb', 'ccc'] });
    expect(result.embeddings).toEqual([vectorOf('a'), vectorOf('bb'), vectorOf('ccc')]);
    expect(result.usage).toEqual({ tokens: 7 });
    // the response's headers, read when asked for, and serialized with the result
    expect(result.response?.headers?.['x-request-id']).toMatch(/^req_/);
    expect(JSON.parse(JSON.stringify(result.response)).headers['content-type']).toBe('application/json');
    expect(server.requests[0]!.path).toBe('/v1/embeddings');
    expect(server.requests[0]!.body).toMatchObject({ model: 'text-embedding-3-small', input: ['a', 'bb', 'ccc'] });
  });

  it('splits more than 2048 values into batches within the API limit', async () => {
    server.setFallback(embeddingsResponse((input) => input.map(vectorOf)));
    const values = Array.from({ length: 4100 }, (_, index) => 'x'.repeat((index % 5) + 1));
    const result = await createOpenAI({ apiKey: 'k', baseURL: server.baseURL }).textEmbeddingModel('text-embedding-3-small', { dimensions: 3 }).doEmbed({ values });
    expect(server.requests.map((request) => request.body.input.length)).toEqual([2048, 2048, 4]);
    expect(server.requests[0]!.body.dimensions).toBe(3);
    expect(result.embeddings).toHaveLength(4100);
    expect(result.embeddings[4099]).toEqual(vectorOf(values[4099]!));
  });

  it('works against a fake server that keeps no record and reports each request to onRequest (the benchmarks\' setting)', async () => {
    const seen: string[] = [];
    const quiet = await startFakeOpenAI({ record: false, onRequest: (request) => seen.push(request.headers['x-row']!), fallback: embeddingsResponse((input) => input.map(vectorOf)) });
    try {
      const model = createOpenAI({ apiKey: 'k', baseURL: quiet.baseURL, headers: { 'x-row': 'a' } }).embedding('text-embedding-3-small');
      for (const value of ['one', 'two']) expect((await model.doEmbed({ values: [value] })).embeddings).toEqual([vectorOf(value)]);
      expect(seen).toEqual(['a', 'a']);
      expect(quiet.requests).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('maps errors to APICallError', async () => {
    server.enqueue(errorResponse(400, { message: "'input' is too long" }));
    const error = await createOpenAI({ apiKey: 'k', baseURL: server.baseURL }).embedding('text-embedding-3-small').doEmbed({ values: ['a'] }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(APICallError.isInstance(error) && error.statusCode === 400 && error.url.endsWith('/embeddings')).toBe(true);
  });
});
