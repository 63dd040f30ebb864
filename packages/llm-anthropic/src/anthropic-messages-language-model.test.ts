import {
  anthropicError,
  anthropicOverloaded,
  anthropicRateLimited,
  anthropicText,
  anthropicThinking,
  anthropicToolCalls,
  startFakeAnthropic,
  type FakeAnthropic,
} from '@mastra-ts/fake-providers/anthropic';
import {
  AbortError,
  Agent,
  APICallError,
  callWithRetry,
  createTool,
  InvalidResponseDataError,
  LoadAPIKeyError,
  resolveLanguageModel,
  TypeValidationError,
  type LanguageModelV1CallOptions,
  type LanguageModelV1FunctionTool,
  type LanguageModelV1Prompt,
  type LanguageModelV1StreamPart,
} from '@mastra-ts/core';
import { getEventListeners } from 'node:events';
import { collectAsyncIterable } from '@mastra-ts/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AnthropicMessagesLanguageModel, createAnthropic } from './index.ts';

let server: FakeAnthropic;
beforeAll(async () => {
  server = await startFakeAnthropic();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
  expect(server.pending()).toBe(0);
  vi.unstubAllEnvs();
});

const modelId = 'claude-sonnet-4-6';
const model = (id: string = modelId): AnthropicMessagesLanguageModel => createAnthropic({ apiKey: 'test-key', baseURL: server.baseURL })(id);
const user = (text: string): LanguageModelV1Prompt => [{ role: 'user', content: [{ type: 'text', text }] }];
const call = (options: Partial<LanguageModelV1CallOptions> = {}): LanguageModelV1CallOptions => ({ prompt: user('Hello'), ...options });
const lastBody = (): Record<string, unknown> => server.requests[server.requests.length - 1]!.body;

async function catchError(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('doGenerate', () => {
  it('returns text, usage with cached tokens, finish reason and response metadata', async () => {
    server.enqueue(anthropicText('Hello there!', { id: 'msg_1', usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 90, cache_creation_input_tokens: 4 } }));
    const result = await model().doGenerate(call({ maxOutputTokens: 100, temperature: 0.5, stopSequences: ['END'] }));
    expect(result.content).toEqual([{ type: 'text', text: 'Hello there!' }]);
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ inputTokens: 104, outputTokens: 5, totalTokens: 109, cachedInputTokens: 90, reasoningTokens: undefined });
    expect(result.providerMetadata).toEqual({ anthropic: { cacheCreationInputTokens: 4, stopSequence: null } });
    expect(result.response?.id).toBe('msg_1');
    expect(result.response?.modelId).toBe(modelId);
    expect(result.response?.headers?.['request-id']).toMatch(/^req_/);
    expect(result.warnings).toEqual([]);
    const request = server.requests[0]!;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['anthropic-version']).toBeDefined();
    expect(request.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 100,
        "messages": [
          {
            "content": [
              {
                "text": "Hello",
                "type": "text",
              },
            ],
            "role": "user",
          },
        ],
        "model": "claude-sonnet-4-6",
        "stop_sequences": [
          "END",
        ],
        "temperature": 0.5,
      }
    `);
  });

  it('defaults max_tokens per model', async () => {
    server.enqueue(anthropicText('a'), anthropicText('b'), anthropicText('c'));
    await model('claude-haiku-4-5').doGenerate(call());
    expect(lastBody().max_tokens).toBe(64_000);
    await model('claude-3-5-haiku-latest').doGenerate(call());
    expect(lastBody().max_tokens).toBe(8192);
    await model('claude-opus-4-1').doGenerate(call());
    expect(lastBody().max_tokens).toBe(32_000);
  });

  it('maps stop reasons', async () => {
    const cases = [
      ['end_turn', 'stop'],
      ['stop_sequence', 'stop'],
      ['max_tokens', 'length'],
      ['model_context_window_exceeded', 'length'],
      ['refusal', 'content-filter'],
      ['pause_turn', 'stop'],
    ] as const;
    for (const [stopReason, expected] of cases) {
      server.enqueue(anthropicText('x', { stop_reason: stopReason }));
      expect((await model().doGenerate(call())).finishReason).toBe(expected);
    }
  });

  it('reports unsupported settings and unknown provider options as warnings', async () => {
    server.enqueue(anthropicText('ok'));
    const result = await model().doGenerate(call({ seed: 1, presencePenalty: 0.1, temperature: 1.5, topP: 0.9, providerOptions: { anthropic: { nope: true } } }));
    expect(result.warnings.map((warning) => ('setting' in warning ? warning.setting : warning.type))).toEqual([
      'providerOptions.anthropic.nope',
      'presencePenalty',
      'seed',
      'temperature',
      'topP',
    ]);
    expect(lastBody().temperature).toBe(1);
    expect(lastBody().top_p).toBeUndefined();
  });

  it('rejects invalid provider options with a TypeValidationError naming the field', async () => {
    const error = await catchError(model().doGenerate(call({ providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 10 } } } })));
    expect(TypeValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('thinking.budgetTokens');
    expect((error as Error).message).toContain('1024');
    expect(server.requests).toHaveLength(0);
  });
});

describe('doStream', () => {
  it('emits the exact part sequence for text', async () => {
    server.enqueue(anthropicText(['Hel', 'lo', ' world'], { id: 'msg_s', usage: { input_tokens: 3, output_tokens: 4, cache_read_input_tokens: 2 } }));
    const { stream, response, request } = await model().doStream(call());
    const parts = await collectAsyncIterable(stream);
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'msg_s', modelId },
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: 'Hel' },
      { type: 'text-delta', id: '0', delta: 'lo' },
      { type: 'text-delta', id: '0', delta: ' world' },
      { type: 'text-end', id: '0' },
      {
        type: 'finish',
        finishReason: 'stop',
        usage: { inputTokens: 5, outputTokens: 4, totalTokens: 9, cachedInputTokens: 2, reasoningTokens: undefined },
        providerMetadata: { anthropic: { cacheCreationInputTokens: 0, stopSequence: null } },
      },
    ]);
    expect(response?.headers?.['content-type']).toContain('text/event-stream');
    expect((request?.body as { stream: boolean }).stream).toBe(true);
  });

  it('streamed text concatenates to the generated text', async () => {
    server.enqueue(anthropicText('The quick brown fox jumps over the lazy dog'), anthropicText('The quick brown fox jumps over the lazy dog'));
    const generated = await model().doGenerate(call());
    const { stream } = await model().doStream(call());
    const parts = await collectAsyncIterable(stream);
    const streamed = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
    expect(streamed).toBe((generated.content[0] as { text: string }).text);
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(1);
  });

  it('turns thinking into reasoning parts with the signature in providerMetadata', async () => {
    server.enqueue(anthropicThinking(['Let me ', 'think.'], 'sig-123', ['Answer'], { usage: { input_tokens: 10, output_tokens: 30, output_tokens_details: { thinking_tokens: 20 } } }));
    const { stream } = await model().doStream(call({ temperature: 0.3, providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 2048 } } } }));
    const parts = await collectAsyncIterable(stream);
    expect(parts.slice(0, 1)).toEqual([{ type: 'stream-start', warnings: [{ type: 'unsupported-setting', setting: 'temperature', details: 'not supported together with extended thinking; ignored' }] }]);
    expect(parts.slice(2, -1)).toEqual([
      { type: 'reasoning-start', id: '0' },
      { type: 'reasoning-delta', id: '0', delta: 'Let me ' },
      { type: 'reasoning-delta', id: '0', delta: 'think.' },
      { type: 'reasoning-end', id: '0', providerMetadata: { anthropic: { signature: 'sig-123' } } },
      { type: 'text-start', id: '1' },
      { type: 'text-delta', id: '1', delta: 'Answer' },
      { type: 'text-end', id: '1' },
    ]);
    expect(parts[parts.length - 1]).toMatchObject({ type: 'finish', usage: { inputTokens: 10, outputTokens: 30, reasoningTokens: 20 } });
    expect(lastBody().thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(lastBody().temperature).toBeUndefined();
    expect(lastBody().max_tokens).toBe(64_000);
  });

  it('downgrades a forced tool choice to auto while thinking is on, with a warning', async () => {
    server.enqueue(anthropicText('ok'));
    const tools = [{ type: 'function' as const, name: 'a', inputSchema: { type: 'object' } }];
    const result = await model().doGenerate(call({ tools, toolChoice: { type: 'tool', toolName: 'a' }, providerOptions: { anthropic: { thinking: { type: 'adaptive' } } } }));
    expect(lastBody().tool_choice).toEqual({ type: 'auto' });
    expect(lastBody().thinking).toEqual({ type: 'adaptive' });
    expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'toolChoice', details: 'Anthropic cannot force a tool call while extended thinking is on; sent as "auto"' }]);
  });

  it('generate returns reasoning content and sends signed thinking back on the next turn', async () => {
    server.enqueue(anthropicThinking('Pondering', 'sig-9', 'Done'), anthropicText('next'));
    const result = await model().doGenerate(call({ maxOutputTokens: 1000, providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } } }));
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'Pondering', providerMetadata: { anthropic: { signature: 'sig-9' } } },
      { type: 'text', text: 'Done' },
    ]);
    expect(lastBody().max_tokens).toBe(2024);
    const followUp = await model().doGenerate({
      prompt: [
        ...user('q'),
        { role: 'assistant', content: [{ type: 'reasoning', text: 'Pondering', signature: 'sig-9' }, { type: 'reasoning', text: 'unsigned' }, { type: 'text', text: 'Done  ' }] },
      ],
    });
    expect((lastBody().messages as unknown[])[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Pondering', signature: 'sig-9' },
        { type: 'text', text: 'Done' },
      ],
    });
    expect(followUp.warnings).toEqual([{ type: 'other', message: 'prompt[1].content[1]: reasoning without a signature cannot be sent back to Anthropic and was dropped' }]);
  });

  it('streams parallel tool calls with their input in pieces, then complete tool-call parts', async () => {
    server.enqueue(
      anthropicToolCalls(
        [
          { id: 'toolu_a', name: 'weather', input: { city: 'Paris' }, inputChunks: ['', '{"ci', 'ty": "Pa', 'ris"}'] },
          { id: 'toolu_b', name: 'weather', input: { city: 'Oslo' }, inputChunks: ['{"city":', '"Oslo"}'] },
        ],
        { text: 'Checking.' },
      ),
    );
    const tools = [{ type: 'function' as const, name: 'weather', description: 'Weather of a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    const { stream } = await model().doStream(call({ tools, toolChoice: { type: 'required' }, providerOptions: { anthropic: { disableParallelToolUse: false } } }));
    const parts = await collectAsyncIterable(stream);
    expect(parts.slice(2)).toEqual([
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: 'Checking.' },
      { type: 'text-end', id: '0' },
      { type: 'tool-input-start', id: 'toolu_a', toolName: 'weather' },
      { type: 'tool-input-delta', id: 'toolu_a', delta: '{"ci' },
      { type: 'tool-input-delta', id: 'toolu_a', delta: 'ty": "Pa' },
      { type: 'tool-input-delta', id: 'toolu_a', delta: 'ris"}' },
      { type: 'tool-input-end', id: 'toolu_a' },
      { type: 'tool-call', toolCallId: 'toolu_a', toolName: 'weather', input: '{"city": "Paris"}' },
      { type: 'tool-input-start', id: 'toolu_b', toolName: 'weather' },
      { type: 'tool-input-delta', id: 'toolu_b', delta: '{"city":' },
      { type: 'tool-input-delta', id: 'toolu_b', delta: '"Oslo"}' },
      { type: 'tool-input-end', id: 'toolu_b' },
      { type: 'tool-call', toolCallId: 'toolu_b', toolName: 'weather', input: '{"city":"Oslo"}' },
      expect.objectContaining({ type: 'finish', finishReason: 'tool-calls' }),
    ]);
    for (const part of parts) if (part.type === 'tool-call') expect(JSON.parse(part.input)).toHaveProperty('city');
    expect({ tools: lastBody().tools, tool_choice: lastBody().tool_choice }).toMatchInlineSnapshot(`
      {
        "tool_choice": {
          "type": "any",
        },
        "tools": [
          {
            "description": "Weather of a city",
            "input_schema": {
              "properties": {
                "city": {
                  "type": "string",
                },
              },
              "required": [
                "city",
              ],
              "type": "object",
            },
            "name": "weather",
          },
        ],
      }
    `);
  });

  it('generate returns parallel tool calls as JSON text input', async () => {
    server.enqueue(anthropicToolCalls([{ id: 't1', name: 'a', input: { x: 1 } }, { id: 't2', name: 'b', input: {} }]));
    const tools: LanguageModelV1FunctionTool[] = [
      { type: 'function' as const, name: 'a', inputSchema: { type: 'object', properties: { x: { type: 'number' } } } },
      { type: 'function' as const, name: 'b', inputSchema: { type: 'object', properties: {} } },
    ];
    const result = await model().doGenerate(call({ tools, providerOptions: { anthropic: { disableParallelToolUse: true } } }));
    expect(result.content).toEqual([
      { type: 'tool-call', toolCallId: 't1', toolName: 'a', input: '{"x":1}' },
      { type: 'tool-call', toolCallId: 't2', toolName: 'b', input: '{}' },
    ]);
    expect(result.finishReason).toBe('tool-calls');
    expect(lastBody().tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
  });
});

describe('message conversion', () => {
  it('hoists system messages, merges same-role turns, sends tool results as user tool_result blocks and images by URL and base64', async () => {
    server.enqueue(anthropicText('ok'));
    const png = 'iVBORw0KGgoAAAANSUhEUg';
    await model().doGenerate({
      prompt: [
        { role: 'system', content: 'You are terse.' },
        { role: 'system', content: 'Answer in French.', providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } },
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image', image: new URL('https://example.com/cat.png') }] },
        { role: 'user', content: [{ type: 'image', image: png }, { type: 'image', image: new Uint8Array([0xff, 0xd8, 0xff]), mediaType: 'image/jpeg' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Calling.' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { q: 'cat' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'lookup', output: { found: true } }] },
        { role: 'user', content: [{ type: 'text', text: 'And?' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c2', toolName: 'lookup', input: {} }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c2', toolName: 'lookup', output: 'boom', isError: true }] },
      ],
    });
    const { system, messages } = lastBody();
    expect({ system, messages }).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": [
              {
                "text": "Look:",
                "type": "text",
              },
              {
                "source": {
                  "type": "url",
                  "url": "https://example.com/cat.png",
                },
                "type": "image",
              },
              {
                "source": {
                  "data": "iVBORw0KGgoAAAANSUhEUg",
                  "media_type": "image/png",
                  "type": "base64",
                },
                "type": "image",
              },
              {
                "source": {
                  "data": "/9j/",
                  "media_type": "image/jpeg",
                  "type": "base64",
                },
                "type": "image",
              },
            ],
            "role": "user",
          },
          {
            "content": [
              {
                "text": "Calling.",
                "type": "text",
              },
              {
                "id": "c1",
                "input": {
                  "q": "cat",
                },
                "name": "lookup",
                "type": "tool_use",
              },
            ],
            "role": "assistant",
          },
          {
            "content": [
              {
                "content": "{"found":true}",
                "tool_use_id": "c1",
                "type": "tool_result",
              },
              {
                "text": "And?",
                "type": "text",
              },
            ],
            "role": "user",
          },
          {
            "content": [
              {
                "id": "c2",
                "input": {},
                "name": "lookup",
                "type": "tool_use",
              },
            ],
            "role": "assistant",
          },
          {
            "content": [
              {
                "content": "boom",
                "is_error": true,
                "tool_use_id": "c2",
                "type": "tool_result",
              },
            ],
            "role": "user",
          },
        ],
        "system": [
          {
            "text": "You are terse.",
            "type": "text",
          },
          {
            "cache_control": {
              "type": "ephemeral",
            },
            "text": "Answer in French.",
            "type": "text",
          },
        ],
      }
    `);
  });

  it('passes prompt caching, PDFs and provider options through', async () => {
    server.enqueue(anthropicText('ok'));
    await model().doGenerate({
      prompt: [
        {
          role: 'user',
          content: [
            { type: 'file', data: 'JVBERi0x', mediaType: 'application/pdf', filename: 'a.pdf', providerOptions: { anthropic: { cacheControl: { type: 'ephemeral', ttl: '1h' } } } },
            { type: 'text', text: 'Summarize' },
          ],
        },
      ],
      providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' }, userId: 'u-1', effort: 'low' } },
    });
    const body = lastBody();
    expect((body.messages as Array<{ content: unknown[] }>)[0]!.content[0]).toEqual({
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' },
      title: 'a.pdf',
      cache_control: { type: 'ephemeral', ttl: '1h' },
    });
    expect(body.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.metadata).toEqual({ user_id: 'u-1' });
    expect(body.output_config).toEqual({ effort: 'low' });
  });

  it('rejects an image whose type cannot be detected, naming the field and the fix', async () => {
    const error = await catchError(model().doGenerate({ prompt: [{ role: 'user', content: [{ type: 'image', image: 'AAAA' }] }] }));
    expect(TypeValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('prompt[0].content[0].mediaType');
    expect((error as Error).message).toContain('set mediaType');
  });
});

describe('JSON output', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'object', properties: { v: { type: 'string' } } } } }, required: ['name'] };

  it('uses native output_config.format on models that have it', async () => {
    server.enqueue(anthropicText('{"name":"x","tags":[]}'));
    const result = await model().doGenerate(call({ responseFormat: { type: 'json', schema } }));
    expect(result.content).toEqual([{ type: 'text', text: '{"name":"x","tags":[]}' }]);
    expect(lastBody().output_config).toMatchInlineSnapshot(`
      {
        "format": {
          "schema": {
            "additionalProperties": false,
            "properties": {
              "name": {
                "type": "string",
              },
              "tags": {
                "items": {
                  "additionalProperties": false,
                  "properties": {
                    "v": {
                      "type": "string",
                    },
                  },
                  "type": "object",
                },
                "type": "array",
              },
            },
            "required": [
              "name",
            ],
            "type": "object",
          },
          "type": "json_schema",
        },
      }
    `);
  });

  it('forces a json tool on older models and returns its input as text, in generate and stream', async () => {
    server.enqueue(anthropicToolCalls([{ id: 'j', name: 'json', input: { name: 'y' } }]), anthropicToolCalls([{ id: 'j', name: 'json', input: { name: 'y' }, inputChunks: ['{"name"', ':"y"}'] }]));
    const generated = await model('claude-3-5-haiku-latest').doGenerate(call({ responseFormat: { type: 'json', schema } }));
    expect(generated.content).toEqual([{ type: 'text', text: '{"name":"y"}' }]);
    expect(generated.finishReason).toBe('stop');
    expect(lastBody().tool_choice).toEqual({ type: 'tool', name: 'json' });
    const { stream } = await model('claude-3-5-haiku-latest').doStream(call({ responseFormat: { type: 'json', schema } }));
    const parts = await collectAsyncIterable(stream);
    expect(parts.slice(2)).toEqual([
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: '{"name"' },
      { type: 'text-delta', id: '0', delta: ':"y"}' },
      { type: 'text-end', id: '0' },
      expect.objectContaining({ type: 'finish', finishReason: 'stop' }),
    ]);
  });

  it('instructs the model when no schema is given', async () => {
    server.enqueue(anthropicText('{}'));
    await model().doGenerate(call({ responseFormat: { type: 'json' } }));
    expect(lastBody().system).toEqual([{ type: 'text', text: 'Answer with a single valid JSON value only, without prose or code fences.' }]);
  });
});

describe('errors', () => {
  it('429 with retry-after becomes a retryable APICallError with lower-case headers; the provider does not retry', async () => {
    server.enqueue(anthropicRateLimited(7));
    const error = await catchError(model().doGenerate(call()));
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(apiError.isRetryable).toBe(true);
    expect(apiError.responseHeaders?.['retry-after']).toBe('7');
    expect(apiError.url).toBe(`${server.baseURL}/v1/messages`);
    expect(JSON.parse(apiError.responseBody!).error.type).toBe('rate_limit_error');
    expect(apiError.message).toContain('rate_limit_error');
    expect(server.requests).toHaveLength(1);
  });

  it('core retry policy retries a 429 after retry-after and then succeeds', async () => {
    server.enqueue(anthropicRateLimited(0), anthropicText('after retry'));
    const result = await callWithRetry((abortSignal) => model().doGenerate(call(abortSignal ? { abortSignal } : {})), { maxRetries: 2 });
    expect(result.content).toEqual([{ type: 'text', text: 'after retry' }]);
    expect(server.requests).toHaveLength(2);
  });

  it('400 is not retryable and says why', async () => {
    server.enqueue(anthropicError(400, 'invalid_request_error', 'messages: roles must alternate'));
    const error = (await catchError(model().doGenerate(call()))) as APICallError;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(400);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('messages: roles must alternate');
  });

  it('401 names the key variable', async () => {
    server.enqueue(anthropicError(401, 'authentication_error', 'invalid x-api-key'));
    const error = (await catchError(model().doGenerate(call()))) as APICallError;
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('ANTHROPIC_API_KEY');
  });

  it('529 overloaded and 500 are retryable, in generate and when a stream starts', async () => {
    server.enqueue(anthropicOverloaded(), anthropicError(500, 'api_error', 'Internal server error'));
    const overloaded = (await catchError(model().doGenerate(call()))) as APICallError;
    expect(overloaded.statusCode).toBe(529);
    expect(overloaded.isRetryable).toBe(true);
    const internal = (await catchError(model().doStream(call()))) as APICallError;
    expect(APICallError.isInstance(internal)).toBe(true);
    expect(internal.statusCode).toBe(500);
    expect(internal.isRetryable).toBe(true);
  });

  it('a reset connection becomes a retryable APICallError without status', async () => {
    server.enqueue({ kind: 'reset' }, { kind: 'reset' });
    for (const run of [() => model().doGenerate(call()), () => model().doStream(call())]) {
      const error = (await catchError(run())) as APICallError;
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error.statusCode).toBeUndefined();
      expect(error.isRetryable).toBe(true);
    }
  });

  it('a stream cut mid-way throws a typed error after the parts already received (no hang)', async () => {
    server.enqueue(anthropicText(['one ', 'two ', 'three'], { cutAfterEvents: 5 }));
    const { stream } = await model().doStream(call());
    const parts: LanguageModelV1StreamPart[] = [];
    const error = await catchError(
      (async () => {
        for await (const part of stream) parts.push(part);
      })(),
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).isRetryable).toBe(true);
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'response-metadata', 'text-start', 'text-delta', 'text-delta']);
  });

  it('a stream that ends cleanly before message_stop is an error too', async () => {
    server.enqueue({ kind: 'sse', events: [{ event: 'message_start', data: { type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', content: [], model: modelId, stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } } }] });
    const { stream } = await model().doStream(call());
    const error = await catchError(collectAsyncIterable(stream));
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('before message_stop');
  });

  it('an in-stream error event becomes an error part and a finish with reason error', async () => {
    server.enqueue(anthropicText(['partial', ' text'], { errorAfterEvents: { after: 4, type: 'overloaded_error', message: 'Overloaded' } }));
    const { stream } = await model().doStream(call());
    const parts = await collectAsyncIterable(stream);
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'response-metadata', 'text-start', 'text-delta', 'error', 'finish']);
    const errorPart = parts[4] as { type: 'error'; error: APICallError };
    expect(APICallError.isInstance(errorPart.error)).toBe(true);
    expect(errorPart.error.isRetryable).toBe(true);
    expect(errorPart.error.message).toContain('overloaded_error');
    expect(parts[5]).toMatchObject({ type: 'finish', finishReason: 'error' });
  });

  it('malformed JSON in an event is a typed error', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    server.enqueue({ kind: 'sse', events: [{ raw: 'event: message_start\ndata: {"type":"message_start",\n\n' }] });
    const { stream } = await model().doStream(call());
    const error = await catchError(collectAsyncIterable(stream));
    consoleError.mockRestore();
    expect(InvalidResponseDataError.isInstance(error)).toBe(true);
  });

  it('a missing key raises LoadAPIKeyError naming ANTHROPIC_API_KEY, at request time only', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    const provider = createAnthropic({ baseURL: server.baseURL });
    const keyless = provider('claude-haiku-4-5');
    const error = await catchError(keyless.doGenerate(call()));
    expect(LoadAPIKeyError.isInstance(error)).toBe(true);
    expect((error as LoadAPIKeyError).environmentVariableName).toBe('ANTHROPIC_API_KEY');
    expect((error as Error).message).toContain('ANTHROPIC_API_KEY');
    vi.stubEnv('ANTHROPIC_API_KEY', 'from-env');
    server.enqueue(anthropicText('ok'));
    await keyless.doGenerate(call());
    expect(JSON.stringify(server.requests[0]!.headers)).toContain('from-env');
  });
});

describe('abort', () => {
  it('aborting mid-stream closes the HTTP connection (seen by the server) and ends the stream with AbortError', async () => {
    server.enqueue(anthropicText(['a', 'b', 'c'], { holdAfterEvents: 4 }));
    const controller = new AbortController();
    const { stream } = await model().doStream(call({ abortSignal: controller.signal }));
    const parts: LanguageModelV1StreamPart[] = [];
    const error = await catchError(
      (async () => {
        for await (const part of stream) {
          parts.push(part);
          if (part.type === 'text-delta') controller.abort();
        }
      })(),
    );
    expect(AbortError.isInstance(error)).toBe(true);
    const request = server.requests[0]!;
    await request.closed;
    expect(request.clientAborted).toBe(true);
    expect(request.responseCompleted).toBe(false);
  });

  it('breaking out of the loop aborts the request', async () => {
    server.enqueue(anthropicText(['a', 'b', 'c'], { holdAfterEvents: 4 }));
    const { stream } = await model().doStream(call());
    for await (const part of stream) if (part.type === 'text-delta') break;
    const request = server.requests[0]!;
    await request.closed;
    expect(request.clientAborted).toBe(true);
  });

  it('aborting before the response starts rejects with AbortError', async () => {
    server.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const pending = model().doGenerate(call({ abortSignal: controller.signal }));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    const error = await catchError(pending);
    expect(AbortError.isInstance(error)).toBe(true);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted).toBe(true);
  });
});

describe('stream decoding', () => {
  const messageStart = { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: modelId, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } } };

  it('decodes SSE as the SDK does: CRLF endings, comments, pings, multi-line data and events split across writes', async () => {
    const start = `event: message_start\r\ndata: ${JSON.stringify(messageStart)}\r\n\r\n`;
    server.enqueue({
      kind: 'sse',
      events: [
        { raw: ': keep-alive comment\r\n' },
        { raw: start.slice(0, 30) },
        { raw: start.slice(30) },
        { raw: 'event: ping\ndata: {"type": "ping"}\n\n' },
        { raw: 'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' },
        { raw: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,\ndata: "delta":{"type":"text_delta","text":"Grü"}}\n\n' },
        { raw: 'event: content_block_delta\ndata:{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ße"}}\n\nevent: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' },
        { raw: 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}\n\n' },
        { raw: 'event: message_stop\ndata: {"type":"message_stop"}\n\n' },
      ],
    });
    const parts = await collectAsyncIterable((await model().doStream(call())).stream);
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'response-metadata', 'text-start', 'text-delta', 'text-delta', 'text-end', 'finish']);
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part as { delta: string }).delta).join('')).toBe('Grüße');
    expect(parts[parts.length - 1]).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 7 } });
  });

  it('an error event whose data is not JSON still becomes an error part', async () => {
    server.enqueue({ kind: 'sse', events: [{ event: 'message_start', data: messageStart }, { raw: 'event: error\ndata: upstream exploded\n\n' }] });
    const parts = await collectAsyncIterable((await model().doStream(call())).stream);
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'response-metadata', 'error', 'finish']);
    expect(((parts[2] as { error: Error }).error).message).toContain('upstream exploded');
  });

  it('a reused abort signal keeps no listener once calls end, whether they stream, fail or are broken off', async () => {
    const controller = new AbortController();
    server.enqueue(anthropicText(['a', 'b']), anthropicText(['c']), anthropicOverloaded(), anthropicText(['d', 'e', 'f'], { holdAfterEvents: 4 }), anthropicText('g'));
    await collectAsyncIterable((await model().doStream(call({ abortSignal: controller.signal }))).stream);
    await collectAsyncIterable((await model().doStream(call({ abortSignal: controller.signal }))).stream);
    await catchError(model().doStream(call({ abortSignal: controller.signal })));
    for await (const part of (await model().doStream(call({ abortSignal: controller.signal }))).stream) if (part.type === 'text-delta') break;
    await model().doGenerate(call({ abortSignal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('aborting a stream before its response starts rejects with AbortError', async () => {
    server.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const pending = model().doStream(call({ abortSignal: controller.signal }));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    expect(AbortError.isInstance(await catchError(pending))).toBe(true);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('agent and routing', () => {
  it('runs a tool round trip through a core Agent', async () => {
    server.enqueue(
      anthropicToolCalls([
        { id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
        { id: 'toolu_2', name: 'weather', input: { city: 'Rome' } },
      ]),
      anthropicText('Paris 21°C, Rome 25°C'),
    );
    const weather = createTool({
      id: 'weather',
      description: 'Current temperature of a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, celsius: city === 'Paris' ? 21 : 25 }),
    });
    const agent = new Agent({ name: 'weather-agent', instructions: 'Use the weather tool.', model: model(), tools: { weather } });
    const result = await agent.generate('Weather in Paris and Rome?');
    expect(result.text).toBe('Paris 21°C, Rome 25°C');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolResults.map((toolResult) => toolResult.output)).toEqual([
      { city: 'Paris', celsius: 21 },
      { city: 'Rome', celsius: 25 },
    ]);
    const second = server.requests[1]!.body;
    expect(second.system).toEqual([{ type: 'text', text: 'Use the weather tool.' }]);
    expect(second.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"city":"Paris","celsius":21}' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: '{"city":"Rome","celsius":25}' },
        ],
      },
    ]);
  });

  it('keeps signed thinking across an Agent tool loop with extended thinking (streamed)', async () => {
    server.enqueue(
      { kind: 'message', content: [{ type: 'thinking', thinking: ['I should ', 'look it up.'], signature: 'sig-agent' }, { type: 'tool_use', id: 'toolu_t', name: 'lookup', input: { q: 'x' } }] },
      anthropicText('Found it.'),
    );
    const lookup = createTool({ id: 'lookup', inputSchema: z.object({ q: z.string() }), execute: async () => 'result' });
    const agent = new Agent({ name: 'thinker', instructions: 'Think.', model: model(), tools: { lookup } });
    const streamed = await agent.stream('Find x', { providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } } });
    let text = '';
    for await (const chunk of streamed.textStream) text += chunk;
    expect(text).toBe('Found it.');
    const assistant = (server.requests[1]!.body.messages as Array<{ role: string; content: unknown[] }>)[1]!;
    expect(assistant).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should look it up.', signature: 'sig-agent' },
        { type: 'tool_use', id: 'toolu_t', name: 'lookup', input: { q: 'x' } },
      ],
    });
  });

  it('sends settings headers and per-call headers', async () => {
    server.enqueue(anthropicText('ok'));
    const withHeaders = createAnthropic({ apiKey: 'k', baseURL: `${server.baseURL}/v1/`, headers: { 'x-team': 'core' } })(modelId);
    await withHeaders.doGenerate(call({ headers: { 'x-call': '1', 'x-dropped': undefined } }));
    const headers = server.requests[0]!.headers;
    expect(headers['x-team']).toBe('core');
    expect(headers['x-call']).toBe('1');
    expect(headers).not.toHaveProperty('x-dropped');
    expect(server.requests[0]!.path).toBe('/v1/messages');
  });

  it('streams an agent through a routing string', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', 'routing-key');
    vi.stubEnv('ANTHROPIC_BASE_URL', server.baseURL);
    const resolved = await resolveLanguageModel('anthropic/claude-haiku-4-5');
    expect(resolved.provider).toBe('anthropic.messages');
    expect(resolved.modelId).toBe('claude-haiku-4-5');
    server.enqueue(anthropicText(['Bon', 'jour']));
    const agent = new Agent({ name: 'router', instructions: 'Be brief.', model: 'anthropic/claude-haiku-4-5' });
    const streamed = await agent.stream('Hi');
    const chunks: string[] = [];
    for await (const chunk of streamed.textStream) chunks.push(chunk);
    expect(chunks).toEqual(['Bon', 'jour']);
    expect(lastBody().model).toBe('claude-haiku-4-5');
  });

  it('structured output through an Agent', async () => {
    server.enqueue(anthropicText('{"city":"Paris","celsius":21}'));
    const agent = new Agent({ name: 'json', instructions: 'Extract.', model: model() });
    const result = await agent.generate('Paris is 21°C', { structuredOutput: { schema: z.object({ city: z.string(), celsius: z.number() }) } });
    expect(result.object).toEqual({ city: 'Paris', celsius: 21 });
    expect((lastBody().output_config as { format: { type: string } }).format.type).toBe('json_schema');
  });
});
