import { AbortError, APICallError, callWithRetry, InvalidResponseDataError, LoadAPIKeyError, type LanguageModelV1CallOptions, type LanguageModelV1StreamPart } from '@mastra-ts/core';
import { collectAsyncIterable } from '@mastra-ts/core/testing';
import {
  chatCompletion,
  chatCompletionStream,
  cutChatCompletionStream,
  errorResponse,
  malformedChatCompletionStream,
  rateLimited,
  startFakeOpenAI,
  streamErrorEvent,
  type FakeOpenAIServer,
} from '@mastra-ts/fake-providers/openai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenAIChatLanguageModel } from './openai-chat-language-model.ts';
import { createOpenAI } from './openai-provider.ts';

let server: FakeOpenAIServer;
beforeEach(async () => {
  server = await startFakeOpenAI();
});
afterEach(async () => {
  await server.close();
});

function model(modelId = 'gpt-4o-mini'): OpenAIChatLanguageModel {
  return createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL })(modelId) as OpenAIChatLanguageModel;
}

const hello: LanguageModelV1CallOptions = {
  prompt: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
  ],
};

const weatherTool = {
  type: 'function' as const,
  name: 'weather',
  description: 'Weather in a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('doGenerate', () => {
  it('sends system and user messages and returns text, usage and metadata', async () => {
    server.enqueue(chatCompletion({ text: 'Hi there!', usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 8 } } }));
    const result = await model().doGenerate({ ...hello, temperature: 0.3, maxOutputTokens: 100, stopSequences: ['END'], seed: 7 });
    expect(result.content).toEqual([{ type: 'text', text: 'Hi there!' }]);
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 3, totalTokens: 15, reasoningTokens: undefined, cachedInputTokens: 8 });
    expect(result.response?.id).toBe('chatcmpl-fake');
    expect(result.response?.modelId).toBe('gpt-4o-mini');
    expect(result.response?.timestamp).toEqual(new Date(1_700_000_000_000));
    expect(result.response?.headers?.['x-request-id']).toMatch(/^req_fake_/);
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
    expect(server.requests[0]!.body).toMatchInlineSnapshot(`
      {
        "max_completion_tokens": 100,
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
        "model": "gpt-4o-mini",
        "seed": 7,
        "stop": [
          "END",
        ],
        "temperature": 0.3,
      }
    `);
  });

  it('maps reasoning tokens and uses the developer role and no temperature for reasoning models', async () => {
    server.enqueue(chatCompletion({ text: '42', usage: { prompt_tokens: 5, completion_tokens: 40, completion_tokens_details: { reasoning_tokens: 32 } } }));
    const result = await model('o4-mini').doGenerate({ ...hello, temperature: 0.5 });
    expect(result.usage.reasoningTokens).toBe(32);
    expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'temperature', details: 'not supported by reasoning model o4-mini; ignored' }]);
    expect(server.requests[0]!.body.messages[0]).toEqual({ role: 'developer', content: 'Be brief.' });
    expect(server.requests[0]!.body.temperature).toBeUndefined();
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content_filter', 'content-filter'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['something_new', 'other'],
  ])('maps finish_reason %s to %s', async (wire, expected) => {
    server.enqueue(chatCompletion({ text: 'x', finishReason: wire }));
    const result = await model().doGenerate(hello);
    expect(result.finishReason).toBe(expected);
  });

  it('returns parallel tool calls with their raw JSON input', async () => {
    server.enqueue(
      chatCompletion({
        toolCalls: [
          { id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
          { id: 'call_2', name: 'weather', arguments: '{"city":"Rome"}' },
        ],
      }),
    );
    const result = await model().doGenerate({ ...hello, tools: [weatherTool], toolChoice: { type: 'required' }, providerOptions: { openai: { parallelToolCalls: true } } });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.content).toEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: '{"city":"Paris"}' },
      { type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: '{"city":"Rome"}' },
    ]);
    const body = server.requests[0]!.body;
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'weather', description: 'Weather in a city', parameters: weatherTool.inputSchema } },
    ]);
    expect(body.tool_choice).toBe('required');
    expect(body.parallel_tool_calls).toBe(true);
  });

  it('maps a specific tool choice', async () => {
    server.enqueue(chatCompletion({ toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }] }));
    await model().doGenerate({ ...hello, tools: [weatherTool], toolChoice: { type: 'tool', toolName: 'weather' } });
    expect(server.requests[0]!.body.tool_choice).toEqual({ type: 'function', function: { name: 'weather' } });
  });

  it('sends assistant tool calls and tool results back', async () => {
    server.enqueue(chatCompletion({ text: 'It is sunny in Paris.' }));
    await model().doGenerate({
      prompt: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'thinking' }, { type: 'text', text: 'Checking.' }, { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { temperature: 21 } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_2', toolName: 'weather', output: 'plain text' }] },
      ],
    });
    expect(server.requests[0]!.body.messages).toMatchInlineSnapshot(`
      [
        {
          "content": "Weather in Paris?",
          "role": "user",
        },
        {
          "content": "Checking.",
          "role": "assistant",
          "tool_calls": [
            {
              "function": {
                "arguments": "{"city":"Paris"}",
                "name": "weather",
              },
              "id": "call_1",
              "type": "function",
            },
          ],
        },
        {
          "content": "{"temperature":21}",
          "role": "tool",
          "tool_call_id": "call_1",
        },
        {
          "content": "plain text",
          "role": "tool",
          "tool_call_id": "call_2",
        },
      ]
    `);
  });

  it('sends images as URLs and base64 data URLs', async () => {
    server.enqueue(chatCompletion({ text: 'A cat.' }));
    await model().doGenerate({
      prompt: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', image: new URL('https://example.com/cat.png'), providerOptions: { openai: { imageDetail: 'low' } } },
            { type: 'image', image: 'iVBORw0KGgo=', mediaType: 'image/png' },
            { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/webp' },
          ],
        },
      ],
    });
    expect(server.requests[0]!.body.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'data:image/webp;base64,AQID' } },
    ]);
  });

  it('sends tools with strict: true only on the calls that ask for strictJsonSchema', async () => {
    server.enqueue(chatCompletion({ text: 'a' }), chatCompletion({ text: 'b' }));
    const chat = model();
    await chat.doGenerate({ ...hello, tools: [weatherTool], providerOptions: { openai: { strictJsonSchema: true } } });
    await chat.doGenerate({ ...hello, tools: [weatherTool] });
    expect(server.requests[0]!.body.tools[0].function.strict).toBe(true);
    expect(server.requests[1]!.body.tools[0].function.strict).toBeUndefined();
  });

  it('requests json_schema output natively', async () => {
    server.enqueue(chatCompletion({ text: '{"name":"Ada"}' }));
    const result = await model().doGenerate({
      ...hello,
      responseFormat: { type: 'json', name: 'person', description: 'A person', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false } },
      providerOptions: { openai: { strictJsonSchema: true } },
    });
    expect(result.content).toEqual([{ type: 'text', text: '{"name":"Ada"}' }]);
    expect(server.requests[0]!.body.response_format).toMatchInlineSnapshot(`
      {
        "json_schema": {
          "description": "A person",
          "name": "person",
          "schema": {
            "additionalProperties": false,
            "properties": {
              "name": {
                "type": "string",
              },
            },
            "required": [
              "name",
            ],
            "type": "object",
          },
          "strict": true,
        },
        "type": "json_schema",
      }
    `);
  });

  it('falls back to json_object with the schema in the instructions when structuredOutputs is off', async () => {
    const compatible = createOpenAI({ apiKey: 'k', baseURL: server.baseURL, name: 'vllm', structuredOutputs: false })('qwen');
    server.enqueue(chatCompletion({ text: '{"a":1}' }));
    await compatible.doGenerate({ ...hello, maxOutputTokens: 50, responseFormat: { type: 'json', schema: { type: 'object', properties: { a: { type: 'number' } } } } });
    const body = server.requests[0]!.body;
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.max_tokens).toBe(50);
    expect(body.messages[0]).toEqual({
      role: 'system',
      content: 'Be brief.\n\nAnswer with a single JSON object only, matching this JSON Schema: {"type":"object","properties":{"a":{"type":"number"}}}',
    });
    expect(compatible.provider).toBe('vllm.chat');
  });

  it('passes provider options through, warns about unknown ones and unsupported settings', async () => {
    server.enqueue(chatCompletion({ text: 'ok' }));
    const result = await model('gpt-5').doGenerate({
      ...hello,
      topK: 3,
      providerOptions: { openai: { reasoningEffort: 'low', user: 'u-1', store: false, serviceTier: 'flex', extraBody: { custom_flag: true }, bogus: 1 } },
    });
    const body = server.requests[0]!.body;
    expect(body).toMatchObject({ reasoning_effort: 'low', user: 'u-1', store: false, service_tier: 'flex', custom_flag: true });
    expect(body.bogus).toBeUndefined();
    expect(result.warnings.map((warning) => (warning.type === 'unsupported-setting' ? warning.setting : warning.type))).toEqual(['providerOptions.openai.bogus', 'topK']);
  });

  it('sends per-call and provider headers', async () => {
    const withHeaders = createOpenAI({ apiKey: 'k', baseURL: server.baseURL, headers: { 'x-team': 'core' }, organization: 'org-1', project: 'proj-1' })('gpt-4o-mini');
    server.enqueue(chatCompletion({ text: 'ok' }));
    await withHeaders.doGenerate({ ...hello, headers: { 'x-call': '1', 'x-dropped': undefined } });
    const headers = server.requests[0]!.headers;
    expect(headers).toMatchObject({ 'x-team': 'core', 'x-call': '1', 'openai-organization': 'org-1', 'openai-project': 'proj-1' });
    expect(headers['x-dropped']).toBeUndefined();
  });
});

describe('doStream', () => {
  it('emits the exact part sequence for streamed text', async () => {
    server.enqueue(chatCompletionStream({ text: ['Hel', 'lo', '!'], usage: { prompt_tokens: 9, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } } }));
    const { stream, request, response } = await model().doStream(hello);
    const parts = await collectAsyncIterable(stream);
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'chatcmpl-fake', modelId: 'gpt-4o-mini', timestamp: new Date(1_700_000_000_000) },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Hel' },
      { type: 'text-delta', id: 'text-0', delta: 'lo' },
      { type: 'text-delta', id: 'text-0', delta: '!' },
      { type: 'text-end', id: 'text-0' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12, reasoningTokens: undefined, cachedInputTokens: 4 } },
    ]);
    expect(server.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect((request?.body as { stream: boolean }).stream).toBe(true);
    expect(response?.headers?.['content-type']).toContain('text/event-stream');
    expect(JSON.parse(JSON.stringify(response)).headers['x-request-id']).toMatch(/^req_fake_/);
  });

  it('reads SSE framing as servers send it: CRLF line ends, comments, named events, an event split across writes, a last event without its blank line', async () => {
    const chunk = (delta: object, finish: string | null = null): string =>
      JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] });
    const second = `data: ${chunk({ content: ' wörld — ☃' })}\n\n`;
    server.enqueue({
      type: 'sse',
      events: [
        { raw: ': keep-alive\r\n\r\n' },
        { raw: `event: message\r\ndata: ${chunk({ role: 'assistant', content: 'héllo' })}\r\n\r\n` },
        // one event in three writes, cut inside its JSON
        { raw: second.slice(0, 20) },
        { raw: second.slice(20, 60) },
        { raw: second.slice(60) },
        // the last event without its blank line (and no [DONE])
        { raw: `data: ${chunk({}, 'stop')}` },
      ],
      done: false,
    });
    const parts = await collectAsyncIterable((await model().doStream(hello)).stream);
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part as { delta: string }).delta)).toEqual(['héllo', ' wörld — ☃']);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('reads the rest of the body after [DONE] instead of cancelling it, so the next call reuses the connection', async () => {
    // a server that ends the body a little after [DONE] (cancelling the body then would close the connection)
    let connections = 0;
    const late = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, finish: string | null = null): string =>
          `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        response.write(chunk({ content: 'hi' }) + chunk({}, 'stop') + 'data: [DONE]\n\n');
        setTimeout(() => response.end(), 30);
      });
    });
    late.on('connection', () => connections++);
    await new Promise<void>((resolve) => late.listen(0, '127.0.0.1', resolve));
    try {
      const lateModel = createOpenAI({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${(late.address() as AddressInfo).port}/v1` })('gpt-4o-mini');
      for (let call = 0; call < 2; call++) {
        const parts = await collectAsyncIterable((await lateModel.doStream(hello)).stream);
        expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
        // the first body ends 30 ms after [DONE]: by then the drained connection is back in the pool
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      expect(connections).toBe(1);
    } finally {
      await new Promise<void>((resolve) => late.close(() => resolve()));
    }
  });

  it('streams parallel tool calls with arguments in pieces and emits complete tool-call parts', async () => {
    server.enqueue(
      chatCompletionStream({
        toolCalls: [
          { id: 'call_a', name: 'weather', arguments: ['{"ci', 'ty":"Pa', 'ris"}'] },
          { id: 'call_b', name: 'weather', arguments: ['{"city"', ':"Rome"}'] },
        ],
      }),
    );
    const { stream } = await model().doStream({ ...hello, tools: [weatherTool] });
    const parts = (await collectAsyncIterable(stream)).filter((part) => part.type !== 'stream-start' && part.type !== 'response-metadata');
    expect(parts).toEqual([
      { type: 'tool-input-start', id: 'call_a', toolName: 'weather' },
      { type: 'tool-input-delta', id: 'call_a', delta: '{"ci' },
      { type: 'tool-input-delta', id: 'call_a', delta: 'ty":"Pa' },
      { type: 'tool-input-delta', id: 'call_a', delta: 'ris"}' },
      { type: 'tool-input-start', id: 'call_b', toolName: 'weather' },
      { type: 'tool-input-delta', id: 'call_b', delta: '{"city"' },
      { type: 'tool-input-delta', id: 'call_b', delta: ':"Rome"}' },
      { type: 'tool-input-end', id: 'call_a' },
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'weather', input: '{"city":"Paris"}' },
      { type: 'tool-input-end', id: 'call_b' },
      { type: 'tool-call', toolCallId: 'call_b', toolName: 'weather', input: '{"city":"Rome"}' },
      { type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, reasoningTokens: undefined, cachedInputTokens: undefined } },
    ]);
    for (const part of parts) if (part.type === 'tool-call') expect(JSON.parse(part.input)).toHaveProperty('city');
  });

  it('reports a refusal the same way streamed and not streamed: providerMetadata.openai.refusal, no text', async () => {
    const refusal = ["I'm sorry, ", 'I cannot help with that.'];
    server.enqueue(chatCompletion({ refusal }));
    server.enqueue(chatCompletionStream({ refusal }));
    const generated = await model().doGenerate(hello);
    const parts = await collectAsyncIterable((await model().doStream(hello)).stream);
    expect(generated.providerMetadata).toEqual({ openai: { refusal: refusal.join('') } });
    expect(generated.content).toEqual([]);
    expect(parts.some((part) => part.type === 'text-delta')).toBe(false);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', providerMetadata: { openai: { refusal: refusal.join('') } } });
  });

  it('streamed text concatenates to the generated text', async () => {
    server.enqueue(chatCompletion({ text: 'The quick brown fox' }), chatCompletionStream({ text: ['The ', 'quick ', 'brown ', 'fox'] }));
    const generated = await model().doGenerate(hello);
    const { stream } = await model().doStream(hello);
    const streamed = (await collectAsyncIterable(stream)).map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
    expect(streamed).toBe((generated.content[0] as { text: string }).text);
  });

  it('reports usage as undefined when the server sends none', async () => {
    const noUsage = createOpenAI({ apiKey: 'k', baseURL: server.baseURL, includeUsage: false })('gpt-4o-mini');
    server.enqueue(chatCompletionStream({ text: 'x' }));
    const parts = await collectAsyncIterable((await noUsage.doStream(hello)).stream);
    expect(server.requests[0]!.body.stream_options).toBeUndefined();
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', usage: { inputTokens: undefined, outputTokens: undefined, totalTokens: undefined } });
  });

  it('breaking out of the stream aborts the HTTP request', async () => {
    server.enqueue(chatCompletionStream({ text: ['a', 'b'] }, { done: false, ending: 'hang' }));
    const { stream } = await model().doStream(hello);
    for await (const part of stream) {
      if (part.type === 'text-delta') break;
    }
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
  });

  it('an abort signal stops a hanging stream with AbortError and closes the connection', async () => {
    server.enqueue(chatCompletionStream({ text: ['a'] }, { done: false, ending: 'hang' }));
    const controller = new AbortController();
    const { stream } = await model().doStream({ ...hello, abortSignal: controller.signal });
    const seen: LanguageModelV1StreamPart[] = [];
    const consume = (async () => {
      for await (const part of stream) {
        seen.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
    })();
    const error = await consume.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(AbortError.isInstance(error)).toBe(true);
    expect(seen.some((part) => part.type === 'text-delta')).toBe(true);
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
  });

  it('an abort signal aborts doGenerate while waiting for the response', async () => {
    server.enqueue({ type: 'hang' });
    const controller = new AbortController();
    const pending = model().doGenerate({ ...hello, abortSignal: controller.signal });
    await new Promise<void>((resolve) => {
      const check = (): void => (server.requests.length > 0 ? resolve() : void setImmediate(check));
      check();
    });
    controller.abort();
    const error = await pending.catch((caught: unknown) => caught);
    expect(AbortError.isInstance(error)).toBe(true);
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
  });
});

describe('errors', () => {
  it('429 with retry-after becomes a retryable APICallError with the headers', async () => {
    server.enqueue(rateLimited({ retryAfter: '2', retryAfterMs: '1500' }));
    const error = await model().doGenerate(hello).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(apiError.isRetryable).toBe(true);
    expect(apiError.responseHeaders).toMatchObject({ 'retry-after': '2', 'retry-after-ms': '1500', 'x-ratelimit-remaining-requests': '0' });
    expect(JSON.parse(apiError.responseBody!)).toEqual({ error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
    expect(apiError.url).toBe(`${server.baseURL}/chat/completions`);
    expect(apiError.message).toContain('429');
  });

  it('429 on a stream is thrown by doStream so that core can retry it', async () => {
    server.enqueue(rateLimited({ retryAfter: '1' }));
    const error = await model().doStream(hello).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error) && error.isRetryable && error.responseHeaders?.['retry-after'] === '1').toBe(true);
  });

  it('400 is not retryable and says why', async () => {
    server.enqueue(errorResponse(400, { message: "Invalid value for 'temperature'", param: 'temperature', code: 'invalid_value' }));
    const error = (await model().doGenerate(hello).catch((caught: unknown) => caught)) as APICallError;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(400);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain("Invalid value for 'temperature'");
    expect(error.data).toEqual({ message: "Invalid value for 'temperature'", type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' });
  });

  it('401 names the key variable', async () => {
    server.enqueue(errorResponse(401, { message: 'Incorrect API key provided', code: 'invalid_api_key' }));
    const error = (await model().doGenerate(hello).catch((caught: unknown) => caught)) as APICallError;
    expect(error.statusCode).toBe(401);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('OPENAI_API_KEY');
  });

  it.each([500, 503])('%i is retryable', async (status) => {
    server.enqueue(errorResponse(status, { message: 'The server had an error' }));
    const error = (await model().doGenerate(hello).catch((caught: unknown) => caught)) as APICallError;
    expect(error.statusCode).toBe(status);
    expect(error.isRetryable).toBe(true);
  });

  it('a reset connection is a retryable APICallError without status', async () => {
    server.enqueue({ type: 'reset' });
    const error = (await model().doGenerate(hello).catch((caught: unknown) => caught)) as APICallError;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBeUndefined();
    expect(error.isRetryable).toBe(true);
  });

  it('a stream cut in the middle (connection destroyed) throws a typed error after the parts already received', async () => {
    server.enqueue(cutChatCompletionStream({ text: ['one ', 'two ', 'three'] }, 3, 'destroy'));
    const { stream } = await model().doStream(hello);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const part of stream) if (part.type === 'text-delta') seen.push(part.delta);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(['one ', 'two ']);
    expect(APICallError.isInstance(error)).toBe(true);
  });

  it('a stream closed cleanly before finish_reason throws a typed error instead of finishing', async () => {
    server.enqueue(cutChatCompletionStream({ text: ['one ', 'two'] }, 2, 'end'));
    const { stream } = await model().doStream(hello);
    const error = await collectAsyncIterable(stream).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('no finish_reason');
  });

  it('a malformed JSON chunk becomes an error part and a finish with reason error', async () => {
    server.enqueue(malformedChatCompletionStream({ text: ['a', 'b'] }, 2));
    const { stream } = await model().doStream(hello);
    const parts = await collectAsyncIterable(stream);
    const errorPart = parts.find((part) => part.type === 'error');
    expect(InvalidResponseDataError.isInstance(errorPart?.error)).toBe(true);
    expect(parts.slice(-3).map((part) => part.type)).toEqual(['error', 'text-end', 'finish']);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'error' });
  });

  it('an error event inside the stream becomes an error part', async () => {
    server.enqueue((request) => ({ type: 'sse', events: [...(chatCompletionStream({ text: ['partial'] }) as (r: typeof request) => { events: object[] })(request).events.slice(0, 2), streamErrorEvent('The server is overloaded')] }));
    const { stream } = await model().doStream(hello);
    const parts = await collectAsyncIterable(stream);
    const errorPart = parts.find((part) => part.type === 'error') as { error: APICallError } | undefined;
    expect(APICallError.isInstance(errorPart?.error)).toBe(true);
    expect(errorPart!.error.message).toContain('The server is overloaded');
    expect(errorPart!.error.isRetryable).toBe(true);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'error' });
  });

  it('doGenerate rejects an answer it cannot read with InvalidResponseDataError, naming what is wrong and keeping the body, without retrying', async () => {
    const cases: Array<[Parameters<FakeOpenAIServer['enqueue']>[0], RegExp]> = [
      // a 200 that is not JSON, e.g. a proxy's HTML page
      [{ type: 'raw', status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Welcome</html>' }, /chat completion that is not JSON/],
      [{ type: 'raw', status: 200, body: '{"choices": [' }, /chat completion that is not JSON/],
      [{ type: 'json', body: ['not', 'an', 'object'] }, /is not a JSON object/],
      [{ type: 'json', body: { id: 'x', choices: { message: {} } } }, /"choices" field that is not an array/],
      [{ type: 'json', body: { id: 'x', choices: [{ index: 0, finish_reason: 'stop' }] } }, /first choice without a message object/],
    ];
    for (const [response, message] of cases) {
      server.enqueue(response);
      const error = await model().doGenerate(hello).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(InvalidResponseDataError.isInstance(error), String(error)).toBe(true);
      const invalid = error as InvalidResponseDataError;
      expect(invalid.message).toMatch(message);
      expect(invalid.message).toContain(`OpenAI answered ${server.baseURL}/chat/completions`);
      expect(invalid.message).toContain('check that the baseURL is an OpenAI-compatible API');
      const sent = response as { type: 'raw' | 'json'; body: unknown };
      expect(invalid.data).toBe(sent.type === 'raw' ? sent.body : JSON.stringify(sent.body));
    }
    // no choices at all: the error names the model
    server.enqueue({ type: 'json', body: { id: 'x', object: 'chat.completion', choices: [] } });
    await expect(model().doGenerate(hello)).rejects.toThrow(/OpenAI returned a completion without choices \(model gpt-4o-mini\)/);
    // through core's retry policy, such an answer is asked for once
    const before = server.requests.length;
    server.enqueue({ type: 'raw', status: 200, body: 'oops' }, chatCompletion({ text: 'fine' }));
    await expect(callWithRetry(() => model().doGenerate(hello), { maxRetries: 2 })).rejects.toSatisfy(InvalidResponseDataError.isInstance);
    expect(server.requests.length - before).toBe(1);
  });

  it('a missing API key raises LoadAPIKeyError naming OPENAI_API_KEY, only when a request is made', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const keyless = createOpenAI({ baseURL: server.baseURL })('gpt-4o-mini') as OpenAIChatLanguageModel;
      const error = await keyless.doGenerate(hello).catch((caught: unknown) => caught);
      expect(LoadAPIKeyError.isInstance(error)).toBe(true);
      expect((error as LoadAPIKeyError).environmentVariableName).toBe('OPENAI_API_KEY');
      expect((error as Error).message).toContain('OPENAI_API_KEY');
      expect(server.requests).toHaveLength(0);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment when a request is made', async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    const provider = createOpenAI();
    process.env.OPENAI_API_KEY = 'sk-env';
    process.env.OPENAI_BASE_URL = `${server.baseURL}/`;
    try {
      server.enqueue(chatCompletion({ text: 'env' }));
      const result = await provider('gpt-4o-mini').doGenerate(hello);
      expect(result.content).toEqual([{ type: 'text', text: 'env' }]);
      expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-env');
    } finally {
      if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved.key;
      if (saved.url === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved.url;
    }
  });
});
