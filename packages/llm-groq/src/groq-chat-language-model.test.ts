import { AbortError, APICallError, InvalidResponseDataError, LoadAPIKeyError, type LanguageModelV1CallOptions } from '@mastra-ts/core';
import { collectAsyncIterable } from '@mastra-ts/core/testing';
import {
  cutChatCompletionStream,
  errorResponse,
  groqChatCompletion,
  groqChatCompletionStream,
  malformedChatCompletionStream,
  rateLimited,
  startFakeGroq,
  type FakeGroqServer,
} from '@mastra-ts/fake-providers/groq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GroqChatLanguageModel } from './groq-chat-language-model.ts';
import { createGroq } from './groq-provider.ts';

let server: FakeGroqServer;
beforeEach(async () => {
  server = await startFakeGroq();
});
afterEach(async () => {
  await server.close();
});

function model(modelId = 'llama-3.3-70b-versatile'): GroqChatLanguageModel {
  return createGroq({ apiKey: 'gsk-test', baseURL: server.baseURL })(modelId) as GroqChatLanguageModel;
}

const hello: LanguageModelV1CallOptions = {
  prompt: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
  ],
};

const weatherTool = { type: 'function' as const, name: 'weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('GroqChatLanguageModel', () => {
  it('generates text at /openai/v1/chat/completions with usage and metadata', async () => {
    server.enqueue(groqChatCompletion({ text: 'Hi!', usage: { prompt_tokens: 11, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 5 } } }));
    const result = await model().doGenerate({ ...hello, maxOutputTokens: 32, temperature: 0.2 });
    expect(result.content).toEqual([{ type: 'text', text: 'Hi!' }]);
    expect(result.usage).toEqual({ inputTokens: 11, outputTokens: 2, totalTokens: 13, reasoningTokens: undefined, cachedInputTokens: 5 });
    expect(result.response?.modelId).toBe('llama-3.3-70b-versatile');
    expect(server.requests[0]!.path).toBe('/openai/v1/chat/completions');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer gsk-test');
    expect(server.requests[0]!.body).toMatchInlineSnapshot(`
      {
        "max_completion_tokens": 32,
        "messages": [
          {
            "content": "Be brief.",
            "role": "system",
          },
          {
            "content": "Hello",
            "role": "user",
          },
        ],
        "model": "llama-3.3-70b-versatile",
        "temperature": 0.2,
      }
    `);
  });

  it('streams text with the exact part sequence and reads usage from x_groq', async () => {
    server.enqueue(groqChatCompletionStream({ text: ['Hel', 'lo'], usage: { prompt_tokens: 7, completion_tokens: 2 } }));
    const { stream } = await model().doStream(hello);
    expect(await collectAsyncIterable(stream)).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'chatcmpl-fake', modelId: 'llama-3.3-70b-versatile', timestamp: new Date(1_700_000_000_000) },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Hel' },
      { type: 'text-delta', id: 'text-0', delta: 'lo' },
      { type: 'text-end', id: 'text-0' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 7, outputTokens: 2, totalTokens: 9, reasoningTokens: undefined, cachedInputTokens: undefined } },
    ]);
    expect(server.requests[0]!.body.stream).toBe(true);
  });

  it('surfaces parsed reasoning as reasoning parts (generate and stream)', async () => {
    server.enqueue(groqChatCompletion({ reasoning: 'think', text: 'answer' }), groqChatCompletionStream({ reasoning: ['thi', 'nk'], text: 'answer' }));
    const generated = await model('openai/gpt-oss-20b').doGenerate({ ...hello, providerOptions: { groq: { reasoningFormat: 'parsed', reasoningEffort: 'low' } } });
    expect(generated.content).toEqual([
      { type: 'reasoning', text: 'think' },
      { type: 'text', text: 'answer' },
    ]);
    expect(server.requests[0]!.body).toMatchObject({ reasoning_format: 'parsed', reasoning_effort: 'low' });
    const parts = await collectAsyncIterable((await model('openai/gpt-oss-20b').doStream(hello)).stream);
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'response-metadata',
      'reasoning-start',
      'reasoning-delta',
      'reasoning-delta',
      'reasoning-end',
      'text-start',
      'text-delta',
      'text-end',
      'finish',
    ]);
  });

  it('streams parallel tool calls with arguments in pieces', async () => {
    server.enqueue(
      groqChatCompletionStream({
        toolCalls: [
          { id: 'call_1', name: 'weather', arguments: ['{"city":', '"Paris"}'] },
          { id: 'call_2', name: 'weather', arguments: ['{"city":"Rome"}'] },
        ],
      }),
    );
    const parts = await collectAsyncIterable((await model().doStream({ ...hello, tools: [weatherTool], providerOptions: { groq: { parallelToolCalls: true } } })).stream);
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: '{"city":"Paris"}' },
      { type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: '{"city":"Rome"}' },
    ]);
    expect(parts.filter((part) => part.type === 'tool-input-delta').map((part) => (part as { delta: string }).delta)).toEqual(['{"city":', '"Paris"}', '{"city":"Rome"}']);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
    expect(server.requests[0]!.body.parallel_tool_calls).toBe(true);
  });

  it('sends images, tool results, and json_schema (or json_object when structuredOutputs is off)', async () => {
    server.enqueue(groqChatCompletion({ text: '{}' }), groqChatCompletion({ text: '{}' }));
    const prompt: LanguageModelV1CallOptions['prompt'] = [
      { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', image: 'aGk=', mediaType: 'image/png' }, { type: 'image', image: new URL('https://example.com/a.jpg') }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Oslo' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { temperature: 3 } }] },
    ];
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    await model().doGenerate({ prompt, responseFormat: { type: 'json', schema } });
    await model().doGenerate({ prompt, responseFormat: { type: 'json', schema }, providerOptions: { groq: { structuredOutputs: false } } });
    const [first, second] = server.requests.map((request) => request.body);
    expect(first.messages[0].content).toEqual([
      { type: 'text', text: 'Look' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,aGk=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
    ]);
    expect(first.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '{"temperature":3}' },
    ]);
    expect(first.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema, strict: false } });
    expect(second.response_format).toEqual({ type: 'json_object' });
    expect(second.messages[0]).toEqual({ role: 'system', content: `Answer with a single JSON object only, matching this JSON Schema: ${JSON.stringify(schema)}` });
  });

  it('warns about unknown provider options and topK', async () => {
    server.enqueue(groqChatCompletion({ text: 'ok' }));
    const result = await model().doGenerate({ ...hello, topK: 4, providerOptions: { groq: { nope: true, user: 'u' } } });
    expect(result.warnings.map((warning) => (warning.type === 'unsupported-setting' ? warning.setting : warning.type))).toEqual(['providerOptions.groq.nope', 'topK']);
    expect(server.requests[0]!.body.user).toBe('u');
  });

  it('breaking out of the stream closes the connection', async () => {
    server.enqueue(groqChatCompletionStream({ text: ['a', 'b'] }, { done: false, ending: 'hang' }));
    for await (const part of (await model().doStream(hello)).stream) if (part.type === 'text-delta') break;
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
  });

  it('returning the stream before reading it closes the connection too', async () => {
    server.enqueue(groqChatCompletionStream({ text: ['a', 'b'] }, { done: false, ending: 'hang' }));
    const { stream } = await model().doStream(hello);
    await stream[Symbol.asyncIterator]().return?.();
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
  });

  it('an abort signal mid-stream throws AbortError', async () => {
    server.enqueue(groqChatCompletionStream({ text: ['a'] }, { done: false, ending: 'hang' }));
    const controller = new AbortController();
    const { stream } = await model().doStream({ ...hello, abortSignal: controller.signal });
    const error = await (async () => {
      for await (const part of stream) if (part.type === 'text-delta') controller.abort();
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(AbortError.isInstance(error)).toBe(true);
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
  });
});

describe('Groq errors', () => {
  it('429 with retry-after is retryable with headers; 400 is not; 401 names GROQ_API_KEY; 503 is retryable', async () => {
    server.enqueue(
      rateLimited({ retryAfter: '3' }),
      errorResponse(400, { message: 'messages: is required' }),
      errorResponse(401, { message: 'Invalid API Key', code: 'invalid_api_key' }),
      errorResponse(503, { message: 'over capacity' }),
    );
    const errors = [];
    for (let index = 0; index < 4; index++) errors.push((await model().doGenerate(hello).catch((caught: unknown) => caught)) as APICallError);
    expect(errors.every((error) => APICallError.isInstance(error))).toBe(true);
    expect(errors.map((error) => [error.statusCode, error.isRetryable])).toEqual([
      [429, true],
      [400, false],
      [401, false],
      [503, true],
    ]);
    expect(errors[0]!.responseHeaders?.['retry-after']).toBe('3');
    expect(errors[1]!.message).toContain('messages: is required');
    expect(errors[2]!.message).toContain('GROQ_API_KEY');
  });

  it('a reset connection is a retryable APICallError', async () => {
    server.enqueue({ type: 'reset' });
    const error = (await model().doStream(hello).catch((caught: unknown) => caught)) as APICallError;
    expect(APICallError.isInstance(error) && error.isRetryable && error.statusCode === undefined).toBe(true);
  });

  it('a stream cut in the middle throws a typed error, no hang', async () => {
    server.enqueue(cutChatCompletionStream({ text: ['one', 'two', 'three'], usageIn: 'x_groq' }, 3, 'destroy'));
    const { stream } = await model().doStream(hello);
    const error = await collectAsyncIterable(stream).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
  });

  it('a malformed JSON chunk becomes an error part and finish with reason error', async () => {
    server.enqueue(malformedChatCompletionStream({ text: ['a'], usageIn: 'x_groq', reasoningField: 'reasoning' }, 1));
    const parts = await collectAsyncIterable((await model().doStream(hello)).stream);
    expect(InvalidResponseDataError.isInstance(parts.find((part) => part.type === 'error')?.error)).toBe(true);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'error' });
  });

  it('a missing key raises LoadAPIKeyError naming GROQ_API_KEY before any request', async () => {
    const saved = process.env.GROQ_API_KEY;
    delete process.env.GROQ_API_KEY;
    try {
      const error = await (createGroq({ baseURL: server.baseURL })('llama-3.1-8b-instant') as GroqChatLanguageModel).doGenerate(hello).catch((caught: unknown) => caught);
      expect(LoadAPIKeyError.isInstance(error) && error.environmentVariableName === 'GROQ_API_KEY').toBe(true);
      expect(server.requests).toHaveLength(0);
    } finally {
      if (saved !== undefined) process.env.GROQ_API_KEY = saved;
    }
  });
});
