import { APICallError, callWithRetry, InvalidResponseDataError } from '@mastra-ts/core';
import { embeddingsResponse, errorResponse, startFakeOpenAI, type FakeOpenAIServer } from '@mastra-ts/fake-providers/openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeFloat32Base64 } from './openai-embedding-model.ts';
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

  it('places vectors by their index, and takes numbers from a server that ignores the base64 request', async () => {
    // an OpenAI-compatible server may answer out of order, and with plain numbers
    server.enqueue({
      type: 'json',
      body: { object: 'list', data: [{ object: 'embedding', index: 1, embedding: [2, 2] }, { object: 'embedding', index: 0, embedding: [1, 1] }], model: 'm', usage: { prompt_tokens: 4, total_tokens: 4 } },
    });
    const model = createOpenAI({ apiKey: 'k', baseURL: server.baseURL }).embedding('text-embedding-3-small');
    const result = await model.doEmbed({ values: ['first', 'second'] });
    expect(result.embeddings).toEqual([[1, 1], [2, 2]]);
    expect(result.usage).toEqual({ tokens: 4 });
    // the SDK still asks for base64, its default
    expect(server.requests[0]!.body.encoding_format).toBe('base64');
  });

  it('rejects an answer it cannot read with InvalidResponseDataError, naming what is wrong and keeping the body, without retrying', async () => {
    const model = createOpenAI({ apiKey: 'k', baseURL: server.baseURL }).embedding('text-embedding-3-small');
    const answer = (data: unknown) => ({ type: 'json' as const, body: { object: 'list', data, model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } } });
    const cases: Array<[Parameters<FakeOpenAIServer['enqueue']>[0], RegExp]> = [
      [{ type: 'raw', status: 200, body: '{"data": [' }, /embeddings response that is not JSON/],
      [answer(undefined), /has no "data" array/],
      [answer([{ index: 0, embedding: [1] }]), /holds 1 embeddings for 2 inputs/],
      [answer([{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }]), /has an embedding at index 0: each of 0 to 1 must appear once/],
      [answer([{ index: 0, embedding: [1] }, { index: 2, embedding: [2] }]), /has an embedding at index 2: each of 0 to 1 must appear once/],
      // three bytes: not whole float32 values
      [answer([{ index: 0, embedding: [1] }, { index: 1, embedding: Buffer.from([1, 2, 3]).toString('base64') }]), /at index 1 that is neither base64 float32 bytes nor an array of numbers/],
      [answer([{ index: 0, embedding: [1] }, { index: 1, embedding: null }]), /at index 1 that is neither/],
    ];
    for (const [response, message] of cases) {
      server.enqueue(response);
      const error = await model.doEmbed({ values: ['a', 'b'] }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(InvalidResponseDataError.isInstance(error), String(error)).toBe(true);
      const invalid = error as InvalidResponseDataError;
      expect(invalid.message).toMatch(message);
      expect(invalid.message).toContain(`OpenAI answered ${server.baseURL}/embeddings`);
      expect(invalid.message).toContain('check that the baseURL is an OpenAI-compatible API');
      // the body as the server sent it
      const sent = response as { type: 'raw' | 'json'; body: unknown };
      expect(invalid.data).toBe(sent.type === 'raw' ? sent.body : JSON.stringify(sent.body));
    }
    // through core's retry policy, such an answer is asked for once
    const before = server.requests.length;
    server.enqueue(answer(undefined), embeddingsResponse((input) => input.map(vectorOf)));
    await expect(callWithRetry(() => model.doEmbed({ values: ['a'] }), { maxRetries: 2 })).rejects.toSatisfy(InvalidResponseDataError.isInstance);
    expect(server.requests.length - before).toBe(1);
  });

  it('decodes base64 float32 bytes, also from a buffer that does not start at a multiple of 4', () => {
    const values = [0.1, -2.5, 3.25e-8, 1e30, -0, Number.POSITIVE_INFINITY];
    const encoded = Buffer.from(new Float32Array(values).buffer).toString('base64');
    expect(decodeFloat32Base64(encoded)).toEqual(values.map(Math.fround));
    // Node hands out small buffers at multiples of 8 today; a view at an odd offset must decode the same
    const from = Buffer.from.bind(Buffer) as (value: string, encoding: BufferEncoding) => Buffer;
    const spy = vi.spyOn(Buffer, 'from').mockImplementationOnce(((value: string, encoding: BufferEncoding) => {
      const bytes = from(value, encoding);
      const shifted = Buffer.alloc(bytes.length + 1);
      bytes.copy(shifted, 1);
      return shifted.subarray(1);
    }) as typeof Buffer.from);
    try {
      expect(decodeFloat32Base64(encoded)).toEqual(values.map(Math.fround));
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    expect(decodeFloat32Base64('')).toEqual([]);
    expect(decodeFloat32Base64(Buffer.from([1, 2, 3, 4, 5]).toString('base64'))).toBeUndefined();
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
