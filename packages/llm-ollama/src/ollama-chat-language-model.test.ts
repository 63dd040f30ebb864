import { ollamaError, ollamaModelNotFound, ollamaText, ollamaToolCalls, startFakeOllama, type FakeOllama } from '@mastra-ts/fake-providers/ollama';
import {
  AbortError,
  Agent,
  APICallError,
  createTool,
  InvalidResponseDataError,
  resolveLanguageModel,
  TypeValidationError,
  type LanguageModelV1CallOptions,
  type LanguageModelV1Prompt,
  type LanguageModelV1StreamPart,
} from '@mastra-ts/core';
import { collectAsyncIterable } from '@mastra-ts/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createOllama, mapOllamaDoneReason, type OllamaChatLanguageModel } from './index.ts';

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

const model = (id = 'llama3.2'): OllamaChatLanguageModel => createOllama({ host: server.baseURL })(id);
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
  it('returns text, usage, finish reason and sends sampling settings as options', async () => {
    server.enqueue(ollamaText(['Hi', ' there'], { promptEvalCount: 11, evalCount: 3 }));
    const result = await model().doGenerate(call({ temperature: 0.2, maxOutputTokens: 50, seed: 7, stopSequences: ['\n\n'], providerOptions: { ollama: { num_ctx: 8192, keep_alive: '10m' } } }));
    expect(result.content).toEqual([{ type: 'text', text: 'Hi there' }]);
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ inputTokens: 11, outputTokens: 3, totalTokens: 14 });
    expect(result.response?.modelId).toBe('llama3.2');
    expect(result.response?.timestamp).toEqual(new Date('2026-01-01T00:00:00.000Z'));
    expect(server.requests[0]!.path).toBe('/api/chat');
    expect(lastBody()).toMatchInlineSnapshot(`
      {
        "keep_alive": "10m",
        "messages": [
          {
            "content": "Hello",
            "role": "user",
          },
        ],
        "model": "llama3.2",
        "options": {
          "num_ctx": 8192,
          "num_predict": 50,
          "seed": 7,
          "stop": [
            "

      ",
          ],
          "temperature": 0.2,
        },
        "stream": false,
      }
    `);
  });

  it('maps done reasons', () => {
    expect(mapOllamaDoneReason('stop', false)).toBe('stop');
    expect(mapOllamaDoneReason('stop', true)).toBe('tool-calls');
    expect(mapOllamaDoneReason('length', false)).toBe('length');
    expect(mapOllamaDoneReason('unload', false)).toBe('other');
    expect(mapOllamaDoneReason(undefined, false)).toBe('unknown');
  });

  it('returns thinking as reasoning and tool calls with generated ids', async () => {
    server.enqueue(ollamaToolCalls([{ name: 'weather', arguments: { city: 'Paris' } }, { id: 'call_7', name: 'weather', arguments: { city: 'Oslo' } }], { thinking: ['Need ', 'weather.'] }));
    const tools = [{ type: 'function' as const, name: 'weather', description: 'Weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }];
    const result = await model('qwen3').doGenerate(call({ tools, providerOptions: { ollama: { think: true } } }));
    expect(result.content[0]).toEqual({ type: 'reasoning', text: 'Need weather.' });
    expect(result.content.slice(1)).toEqual([
      { type: 'tool-call', toolCallId: expect.any(String), toolName: 'weather', input: '{"city":"Paris"}' },
      { type: 'tool-call', toolCallId: 'call_7', toolName: 'weather', input: '{"city":"Oslo"}' },
    ]);
    expect(result.finishReason).toBe('tool-calls');
    expect({ tools: lastBody().tools, think: lastBody().think }).toMatchInlineSnapshot(`
      {
        "think": true,
        "tools": [
          {
            "function": {
              "description": "Weather",
              "name": "weather",
              "parameters": {
                "properties": {
                  "city": {
                    "type": "string",
                  },
                },
                "type": "object",
              },
            },
            "type": "function",
          },
        ],
      }
    `);
  });

  it('sends JSON output through format: the schema, or "json" without one', async () => {
    server.enqueue(ollamaText('{"a":1}'), ollamaText('{}'));
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };
    const result = await model().doGenerate(call({ responseFormat: { type: 'json', schema } }));
    expect(result.content).toEqual([{ type: 'text', text: '{"a":1}' }]);
    expect(lastBody().format).toEqual(schema);
    await model().doGenerate(call({ responseFormat: { type: 'json' } }));
    expect(lastBody().format).toBe('json');
  });

  it('warns about tool choices Ollama cannot honour', async () => {
    server.enqueue(ollamaText('x'), ollamaText('y'));
    const tools = [
      { type: 'function' as const, name: 'a', inputSchema: { type: 'object' } },
      { type: 'function' as const, name: 'b', inputSchema: { type: 'object' } },
    ];
    const required = await model().doGenerate(call({ tools, toolChoice: { type: 'required' } }));
    expect(required.warnings).toEqual([{ type: 'unsupported-setting', setting: 'toolChoice', details: 'Ollama cannot force a tool call; "required" was sent as "auto"' }]);
    await model().doGenerate(call({ tools, toolChoice: { type: 'none' } }));
    expect(lastBody().tools).toBeUndefined();
  });

  it('rejects invalid provider options naming the field', async () => {
    const error = await catchError(model().doGenerate(call({ providerOptions: { ollama: { think: 'very' } } })));
    expect(TypeValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('think');
  });
});

describe('message conversion', () => {
  it('converts system, multi-turn, tool results and images (URL images are downloaded)', async () => {
    const imageServer = await startFakeOllama();
    imageServer.enqueue({ kind: 'json', body: 'not really an image' });
    server.enqueue(ollamaText('ok'));
    await model().doGenerate({
      prompt: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', image: 'iVBORw0KGgo=', mediaType: 'image/png' }, { type: 'image', image: new URL(`${imageServer.baseURL}/cat.png`) }] },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'hmm' }, { type: 'text', text: 'Let me check.' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { q: 'x' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'lookup', output: { found: true } }, { type: 'tool-result', toolCallId: 'c2', toolName: 'other', output: 'plain' }] },
        { role: 'user', content: [{ type: 'image', image: new Uint8Array([1, 2, 3]) }] },
      ],
    });
    await imageServer.close();
    expect(lastBody().messages).toMatchInlineSnapshot(`
      [
        {
          "content": "Be terse.",
          "role": "system",
        },
        {
          "content": "What is this?",
          "images": [
            "iVBORw0KGgo=",
            "Im5vdCByZWFsbHkgYW4gaW1hZ2Ui",
          ],
          "role": "user",
        },
        {
          "content": "Let me check.",
          "role": "assistant",
          "thinking": "hmm",
          "tool_calls": [
            {
              "function": {
                "arguments": {
                  "q": "x",
                },
                "name": "lookup",
              },
            },
          ],
        },
        {
          "content": "{"found":true}",
          "role": "tool",
          "tool_name": "lookup",
        },
        {
          "content": "plain",
          "role": "tool",
          "tool_name": "other",
        },
        {
          "content": "",
          "images": [
            "AQID",
          ],
          "role": "user",
        },
      ]
    `);
  });
});

describe('doStream', () => {
  it('emits the exact part sequence for NDJSON thinking, text and parallel tool calls', async () => {
    server.enqueue({ kind: 'chat', thinking: ['Hm', 'm.'], content: ['Hel', 'lo'], toolCalls: [{ id: 'call_1', name: 'a', arguments: { x: 1 } }, { id: 'call_2', name: 'b', arguments: {} }], promptEvalCount: 9, evalCount: 4 });
    const { stream, request } = await model().doStream(call());
    const parts = await collectAsyncIterable(stream);
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', modelId: 'llama3.2', timestamp: new Date('2026-01-01T00:00:00.000Z') },
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Hm' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'm.' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'Hel' },
      { type: 'text-delta', id: 'text-1', delta: 'lo' },
      { type: 'text-end', id: 'text-1' },
      { type: 'tool-input-start', id: 'call_1', toolName: 'a' },
      { type: 'tool-input-delta', id: 'call_1', delta: '{"x":1}' },
      { type: 'tool-input-end', id: 'call_1' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'a', input: '{"x":1}' },
      { type: 'tool-input-start', id: 'call_2', toolName: 'b' },
      { type: 'tool-input-delta', id: 'call_2', delta: '{}' },
      { type: 'tool-input-end', id: 'call_2' },
      { type: 'tool-call', toolCallId: 'call_2', toolName: 'b', input: '{}' },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 },
        providerMetadata: { ollama: { totalDuration: 4883583458, loadDuration: 1334875, promptEvalDuration: 342546000, evalDuration: 4535599000 } },
      },
    ]);
    expect((request?.body as { stream: boolean }).stream).toBe(true);
    expect(lastBody().stream).toBe(true);
  });

  it('streamed text concatenates to the generated text', async () => {
    server.enqueue(ollamaText(['a', 'b', 'c']), ollamaText(['a', 'b', 'c']));
    const generated = await model().doGenerate(call());
    const parts = await collectAsyncIterable((await model().doStream(call())).stream);
    expect(parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('')).toBe((generated.content[0] as { text: string }).text);
  });

  it('reassembles lines split across network chunks, several lines per chunk and a last line without newline', async () => {
    const line = (content: string, done = false): string =>
      JSON.stringify({ model: 'llama3.2', created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content }, done, ...(done ? { done_reason: 'stop', prompt_eval_count: 3, eval_count: 4 } : {}) });
    const body = `${line('Grüß')}\n${line(' dich')}\n${line('!')}\n${line('', true)}`;
    const bytes = new TextEncoder().encode(body);
    const umlaut = bytes.indexOf(0xc3);
    // cuts inside the first line (between the two bytes of "ü"), then one chunk holding the rest of it and the next two lines
    const cuts = [umlaut + 1, bytes.length - 10, bytes.length];
    const fetch = async (): Promise<Response> => {
      let index = 0;
      let from = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (index === cuts.length) return controller.close();
          controller.enqueue(bytes.slice(from, cuts[index]));
          from = cuts[index++]!;
        },
      });
      return new Response(stream, { headers: { 'content-type': 'application/x-ndjson' } });
    };
    const parts = await collectAsyncIterable((await createOllama({ host: 'http://127.0.0.1:9', fetch })('llama3.2').doStream(call())).stream);
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part as { delta: string }).delta)).toEqual(['Grüß', ' dich', '!']);
    expect(parts[parts.length - 1]).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } });
  });

  it('a stream cut mid-way throws a typed, retryable error (no hang)', async () => {
    server.enqueue(ollamaText(['one', 'two', 'three'], { cutAfterLines: 2 }));
    const parts: LanguageModelV1StreamPart[] = [];
    const { stream } = await model().doStream(call());
    const error = await catchError(
      (async () => {
        for await (const part of stream) parts.push(part);
      })(),
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).isRetryable).toBe(true);
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(2);
  });

  it('an { error } line in the stream becomes an error part and finish with reason error', async () => {
    server.enqueue(ollamaText(['one', 'two'], { errorAfterLines: { after: 1, message: 'out of memory' } }));
    const parts = await collectAsyncIterable((await model().doStream(call())).stream);
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'response-metadata', 'text-start', 'text-delta', 'text-end', 'error', 'finish']);
    const errorPart = parts[5] as { error: APICallError };
    expect(APICallError.isInstance(errorPart.error)).toBe(true);
    expect(errorPart.error.message).toContain('out of memory');
    expect(parts[6]).toMatchObject({ type: 'finish', finishReason: 'error' });
  });

  it('a malformed NDJSON line is a typed error', async () => {
    server.enqueue({ kind: 'ndjson', lines: [{ model: 'llama3.2', created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content: 'ok' }, done: false }, { raw: '{"model":"llama3.2","mess\n' }] });
    const { stream } = await model().doStream(call());
    const error = await catchError(collectAsyncIterable(stream));
    expect(InvalidResponseDataError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('not valid JSON');
  });

  it('aborting mid-stream closes the connection (seen by the server)', async () => {
    server.enqueue(ollamaText(['a', 'b', 'c'], { holdAfterLines: 1 }));
    const controller = new AbortController();
    const { stream } = await model().doStream(call({ abortSignal: controller.signal }));
    const error = await catchError(
      (async () => {
        for await (const part of stream) if (part.type === 'text-delta') controller.abort();
      })(),
    );
    expect(AbortError.isInstance(error)).toBe(true);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted).toBe(true);
  });

  it('breaking out of the loop aborts the request', async () => {
    server.enqueue(ollamaText(['a', 'b', 'c'], { holdAfterLines: 1 }));
    const { stream } = await model().doStream(call());
    for await (const part of stream) if (part.type === 'text-delta') break;
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted).toBe(true);
  });

  it('aborting a non-streaming call before the response rejects with AbortError', async () => {
    server.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const pending = model().doGenerate(call({ abortSignal: controller.signal }));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    expect(AbortError.isInstance(await catchError(pending))).toBe(true);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted).toBe(true);
  });
});

describe('errors', () => {
  it('404 for a missing model tells to ollama pull, and is not retryable', async () => {
    server.enqueue(ollamaModelNotFound('llama9'), ollamaModelNotFound('llama9'));
    for (const run of [() => model('llama9').doGenerate(call()), () => model('llama9').doStream(call())]) {
      const error = (await catchError(run())) as APICallError;
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error.statusCode).toBe(404);
      expect(error.isRetryable).toBe(false);
      expect(error.message).toContain('ollama pull llama9');
      expect(error.responseHeaders?.['content-type']).toContain('application/json');
    }
  });

  it('500 is retryable, 400 is not', async () => {
    server.enqueue(ollamaError(500, 'llama runner process has terminated'), ollamaError(400, 'invalid options'));
    const internal = (await catchError(model().doGenerate(call()))) as APICallError;
    expect(internal.statusCode).toBe(500);
    expect(internal.isRetryable).toBe(true);
    const bad = (await catchError(model().doGenerate(call()))) as APICallError;
    expect(bad.isRetryable).toBe(false);
    expect(bad.message).toContain('invalid options');
  });

  it('a reset connection is a retryable APICallError; an unreachable host says to run ollama serve', async () => {
    server.enqueue({ kind: 'reset' });
    const reset = (await catchError(model().doGenerate(call()))) as APICallError;
    expect(APICallError.isInstance(reset)).toBe(true);
    expect(reset.isRetryable).toBe(true);
    const closed = await startFakeOllama();
    const host = closed.baseURL;
    await closed.close();
    const refused = (await catchError(createOllama({ host })('llama3.2').doGenerate(call()))) as APICallError;
    expect(APICallError.isInstance(refused)).toBe(true);
    expect(refused.message).toContain('ollama serve');
  });
});

describe('host, agent and routing', () => {
  it('reads OLLAMA_HOST at request time and accepts baseURL with /api', async () => {
    vi.stubEnv('OLLAMA_HOST', server.baseURL.replace('http://', ''));
    server.enqueue(ollamaText('env'), ollamaText('base'));
    const fromEnv = await createOllama()('llama3.2').doGenerate(call());
    expect(fromEnv.content).toEqual([{ type: 'text', text: 'env' }]);
    const fromBase = await createOllama({ baseURL: `${server.baseURL}/api` })('llama3.2').doGenerate(call());
    expect(fromBase.content).toEqual([{ type: 'text', text: 'base' }]);
  });

  it('runs a tool round trip through a core Agent via a routing string', async () => {
    vi.stubEnv('OLLAMA_HOST', server.baseURL);
    const resolved = await resolveLanguageModel('ollama/llama3.2');
    expect(resolved.provider).toBe('ollama.chat');
    server.enqueue(ollamaToolCalls([{ name: 'add', arguments: { a: 2, b: 3 } }]), ollamaText(['The sum ', 'is 5.']));
    const add = createTool({ id: 'add', description: 'Adds', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b });
    const agent = new Agent({ name: 'calc', instructions: 'Use tools.', model: 'ollama/llama3.2', tools: { add } });
    const result = await agent.generate('2+3?');
    expect(result.text).toBe('The sum is 5.');
    expect(result.steps[0]!.toolResults[0]!.output).toBe(5);
    const messages = server.requests[1]!.body.messages as Array<Record<string, unknown>>;
    expect(messages.slice(2)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'add', arguments: { a: 2, b: 3 } } }] },
      { role: 'tool', content: '5', tool_name: 'add' },
    ]);
  });
});
