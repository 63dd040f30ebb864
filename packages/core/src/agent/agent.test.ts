import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AbortError } from '../errors/abort-error.ts';
import { APICallError } from '../errors/api-call-error.ts';
import { NoSuchModelError } from '../errors/no-such-model-error.ts';
import { RetryError } from '../errors/retry-error.ts';
import { StructuredOutputError } from '../errors/structured-output-error.ts';
import type { LanguageModelV1StreamPart } from '../language-model/v1/language-model-v1-stream-part.ts';
import { registerModelProvider, unregisterModelProvider } from '../model-router/model-registry.ts';
import { collectAsyncIterable } from '../testing/async-iterable.ts';
import { MockLanguageModelV1, textResult, textStreamParts, toolCallResult } from '../testing/mock-language-model-v1.ts';
import { createTool } from '../tools/tool.ts';
import { Agent } from './agent.ts';
import type { AgentMemory } from './agent-types.ts';
import type { ModelMessage } from './model-message.ts';
import { RequestContext } from './request-context.ts';

const weather = createTool({
  id: 'weather',
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string() }),
  outputSchema: z.object({ city: z.string(), celsius: z.number() }),
  execute: async ({ city }) => ({ city, celsius: city.length }),
});

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('Agent.generate', () => {
  it('sends instructions and input, returns text, usage and response messages', async () => {
    const model = new MockLanguageModelV1({ doGenerate: textResult('Hello!') });
    const agent = new Agent({ name: 'greeter', instructions: 'Be brief.', model });
    const result = await agent.generate('Hi');
    expect(result.text).toBe('Hello!');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ inputTokens: 3, outputTokens: 10, totalTokens: 13 });
    expect(result.steps).toHaveLength(1);
    expect(result.response.messages).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] }]);
    expect(model.doGenerateCalls[0]?.prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ]);
    expect(model.doGenerateCalls[0]?.tools).toBeUndefined();
  });

  it('resolves instructions from the request context', async () => {
    const model = new MockLanguageModelV1({ doGenerate: textResult('ok') });
    const agent = new Agent({
      name: 'dynamic',
      instructions: ({ requestContext }) => `Answer in ${String(requestContext.get('language'))}.`,
      model,
    });
    await agent.generate('Hi', { requestContext: new RequestContext({ language: 'French' }) });
    expect(model.doGenerateCalls[0]?.prompt[0]).toEqual({ role: 'system', content: 'Answer in French.' });
  });

  it('runs tools and feeds results back until the model answers', async () => {
    const model = new MockLanguageModelV1({
      doGenerate: [toolCallResult([{ toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } }]), textResult('It is 5 degrees.')],
    });
    const onStepFinish = vi.fn();
    const agent = new Agent({ name: 'w', instructions: 'Use tools.', model, tools: { weather } });
    const result = await agent.generate('Weather in Paris?', { onStepFinish });
    expect(result.text).toBe('It is 5 degrees.');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolResults).toEqual([
      expect.objectContaining({ toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' }, output: { city: 'Paris', celsius: 5 }, isError: false }),
    ]);
    expect(result.totalUsage.totalTokens).toBe(26);
    expect(onStepFinish).toHaveBeenCalledTimes(2);
    expect(model.doGenerateCalls[0]?.tools).toEqual([
      {
        type: 'function',
        name: 'weather',
        description: 'Current weather for a city',
        inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ]);
    expect(model.doGenerateCalls[1]?.prompt.slice(2)).toEqual([
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { city: 'Paris', celsius: 5 } }] },
    ]);
  });

  it('stops at maxSteps while the model keeps calling tools', async () => {
    let call = 0;
    const model = new MockLanguageModelV1({ doGenerate: () => toolCallResult([{ toolCallId: `c${call++}`, toolName: 'weather', input: { city: 'Rome' } }]) });
    const agent = new Agent({ name: 'loop', instructions: 'x', model, tools: { weather } });
    const result = await agent.generate('go', { maxSteps: 3 });
    expect(model.doGenerateCalls).toHaveLength(3);
    expect(result.steps).toHaveLength(3);
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolResults).toHaveLength(1);
  });

  it('defaults to 5 steps', async () => {
    let call = 0;
    const model = new MockLanguageModelV1({ doGenerate: () => toolCallResult([{ toolCallId: `c${call++}`, toolName: 'weather', input: { city: 'Rome' } }]) });
    await new Agent({ name: 'loop', instructions: 'x', model, tools: { weather } }).generate('go');
    expect(model.doGenerateCalls).toHaveLength(5);
  });

  it('hands invalid tool input back to the model as a tool error', async () => {
    const execute = vi.fn(async () => ({ city: 'x', celsius: 1 }));
    const strict = createTool({ id: 'weather', inputSchema: z.object({ city: z.string() }), execute });
    const model = new MockLanguageModelV1({ doGenerate: [toolCallResult([{ toolCallId: 'c1', toolName: 'weather', input: { city: 42 } }]), textResult('sorry')] });
    const result = await new Agent({ name: 'a', instructions: 'x', model, tools: { weather: strict } }).generate('go');
    expect(execute).not.toHaveBeenCalled();
    const toolMessage = model.doGenerateCalls[1]?.prompt.at(-1);
    expect(toolMessage?.role).toBe('tool');
    const part = toolMessage?.role === 'tool' ? toolMessage.content[0] : undefined;
    expect(part?.isError).toBe(true);
    expect(String(part?.output)).toMatch(/Invalid input for tool "weather": city: .*expected string/i);
    expect(result.steps[0]?.toolResults[0]?.isError).toBe(true);
    expect(result.text).toBe('sorry');
  });

  it('hands malformed JSON arguments and unknown tools back as tool errors', async () => {
    const model = new MockLanguageModelV1({
      doGenerate: [
        toolCallResult([
          { toolCallId: 'c1', toolName: 'weather', input: '{"city": "Par' },
          { toolCallId: 'c2', toolName: 'teleport', input: {} },
        ]),
        textResult('done'),
      ],
    });
    await new Agent({ name: 'a', instructions: 'x', model, tools: { weather } }).generate('go');
    const toolMessage = model.doGenerateCalls[1]?.prompt.at(-1);
    const outputs = toolMessage?.role === 'tool' ? toolMessage.content.map((part) => [part.isError, String(part.output)]) : [];
    expect(outputs[0]?.[0]).toBe(true);
    expect(outputs[0]?.[1]).toMatch(/Invalid JSON arguments for tool "weather"/);
    expect(outputs[1]).toEqual([true, 'Unknown tool "teleport". Available tools: weather.']);
  });

  it('hands a throwing tool back to the model as a tool error', async () => {
    const broken = createTool({ id: 'broken', inputSchema: z.object({}), execute: async () => { throw new Error('database is down'); } });
    const model = new MockLanguageModelV1({ doGenerate: [toolCallResult([{ toolCallId: 'c1', toolName: 'broken', input: {} }]), textResult('The database is down.')] });
    const result = await new Agent({ name: 'a', instructions: 'x', model, tools: { broken } }).generate('go');
    const toolMessage = model.doGenerateCalls[1]?.prompt.at(-1);
    expect(toolMessage).toEqual({ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'broken', output: 'Tool "broken" failed: database is down', isError: true }] });
    expect(result.text).toBe('The database is down.');
  });

  it('runs parallel tool calls concurrently', async () => {
    const started: string[] = [];
    const gate = deferred();
    const slow = createTool({
      id: 'slow',
      inputSchema: z.object({ name: z.string() }),
      execute: async ({ name }) => {
        started.push(name);
        await gate.promise;
        return name.toUpperCase();
      },
    });
    const model = new MockLanguageModelV1({
      doGenerate: [toolCallResult([{ toolCallId: 'a', toolName: 'slow', input: { name: 'a' } }, { toolCallId: 'b', toolName: 'slow', input: { name: 'b' } }]), textResult('ok')],
    });
    const pending = new Agent({ name: 'p', instructions: 'x', model, tools: { slow } }).generate('go');
    await vi.waitFor(() => expect(started).toEqual(['a', 'b']));
    gate.resolve();
    const result = await pending;
    expect(result.steps[0]?.toolResults.map((toolResult) => toolResult.output)).toEqual(['A', 'B']);
  });

  it('stops with finish reason tool-calls when a client-side tool is called', async () => {
    const confirm = createTool({ id: 'confirm', description: 'Ask the user', inputSchema: z.object({ question: z.string() }) });
    const model = new MockLanguageModelV1({ doGenerate: [toolCallResult([{ toolCallId: 'c1', toolName: 'confirm', input: { question: 'Sure?' } }])] });
    const result = await new Agent({ name: 'c', instructions: 'x', model, tools: { confirm } }).generate('delete it');
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toEqual([
      { type: 'tool-call', toolCallId: 'c1', toolName: 'confirm', input: { question: 'Sure?' }, payload: { toolCallId: 'c1', toolName: 'confirm', args: { question: 'Sure?' } } },
    ]);
    expect(result.toolResults).toEqual([]);
  });

  it('offers only active tools and passes tool choice', async () => {
    const other = createTool({ id: 'other', execute: async () => 1 });
    const model = new MockLanguageModelV1({ doGenerate: textResult('ok') });
    await new Agent({ name: 'a', instructions: 'x', model, tools: { weather, other } }).generate('go', { activeTools: ['other'], toolChoice: 'required' });
    expect(model.doGenerateCalls[0]?.tools?.map((tool) => tool.name)).toEqual(['other']);
    expect(model.doGenerateCalls[0]?.toolChoice).toEqual({ type: 'required' });
  });

  it('returns a validated object for structured output', async () => {
    const schema = z.object({ name: z.string(), age: z.number() });
    const model = new MockLanguageModelV1({ doGenerate: textResult('{"name":"Ada","age":36}') });
    const result = await new Agent({ name: 's', instructions: 'x', model }).generate('who?', { structuredOutput: { schema } });
    expect(result.object).toEqual({ name: 'Ada', age: 36 });
    expect(model.doGenerateCalls[0]?.responseFormat).toEqual({ type: 'json', schema: expect.objectContaining({ type: 'object', required: ['name', 'age'] }) });
  });

  it('repairs invalid structured output once', async () => {
    const schema = z.object({ name: z.string(), age: z.number() });
    const model = new MockLanguageModelV1({ doGenerate: [textResult('{"name":"Ada","age":"old"}'), textResult('```json\n{"name":"Ada","age":36}\n```')] });
    const result = await new Agent({ name: 's', instructions: 'x', model }).generate('who?', { structuredOutput: { schema } });
    expect(result.object).toEqual({ name: 'Ada', age: 36 });
    const repair = model.doGenerateCalls[1]?.prompt.at(-1);
    expect(repair?.role).toBe('user');
    expect(JSON.stringify(repair)).toMatch(/age/);
  });

  it('fails with StructuredOutputError after the repair turn also fails', async () => {
    const schema = z.object({ name: z.string() });
    const model = new MockLanguageModelV1({ doGenerate: [textResult('not json'), textResult('still not json')] });
    const error = await new Agent({ name: 's', instructions: 'x', model }).generate('who?', { structuredOutput: { schema } }).catch((caught: unknown) => caught);
    expect(StructuredOutputError.isInstance(error)).toBe(true);
    expect((error as StructuredOutputError).text).toBe('still not json');
    expect(model.doGenerateCalls).toHaveLength(2);
  });

  it('a refusal fails structured output at once (no repair turn), and providerMetadata reaches steps and results', async () => {
    const schema = z.object({ name: z.string() });
    const refused = { ...textResult(''), content: [], providerMetadata: { openai: { refusal: 'I cannot help with that.' } } };
    const model = new MockLanguageModelV1({ doGenerate: [refused, refused] });
    const error = await new Agent({ name: 's', instructions: 'x', model }).generate('who?', { structuredOutput: { schema } }).catch((caught: unknown) => caught);
    expect(StructuredOutputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('the model refused: I cannot help with that.');
    expect(model.doGenerateCalls).toHaveLength(1);

    const plain = await new Agent({ name: 's', instructions: 'x', model: new MockLanguageModelV1({ doGenerate: refused }) }).generate('who?');
    expect(plain.providerMetadata).toEqual({ openai: { refusal: 'I cannot help with that.' } });
    expect(plain.steps[0]!.providerMetadata).toEqual({ openai: { refusal: 'I cannot help with that.' } });

    const parts: LanguageModelV1StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, providerMetadata: { openai: { refusal: 'No.' } } },
    ];
    const streamed = await new Agent({ name: 's', instructions: 'x', model: new MockLanguageModelV1({ doStream: parts }) }).stream('who?');
    expect(await streamed.providerMetadata).toEqual({ openai: { refusal: 'No.' } });
    expect((await streamed.steps)[0]!.providerMetadata).toEqual({ openai: { refusal: 'No.' } });
  });

  it('loads memory before the call and saves input and response after it', async () => {
    const saved: ModelMessage[][] = [];
    const memory: AgentMemory = {
      prepare: async ({ threadId, resourceId }) => ({
        system: [`thread ${threadId} of ${resourceId}`],
        messages: [{ role: 'user', content: 'earlier question' }, { role: 'assistant', content: 'earlier answer' }],
      }),
      save: async ({ messages }) => {
        saved.push(messages);
      },
    };
    const model = new MockLanguageModelV1({ doGenerate: textResult('new answer') });
    const agent = new Agent({ name: 'm', instructions: 'x', model, memory });
    await agent.generate('new question', { memory: { thread: 't1', resource: 'u1' } });
    expect(model.doGenerateCalls[0]?.prompt.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(model.doGenerateCalls[0]?.prompt[0]).toEqual({ role: 'system', content: 'x\n\nthread t1 of u1' });
    expect(saved).toEqual([[{ role: 'user', content: 'new question' }, { role: 'assistant', content: [{ type: 'text', text: 'new answer' }] }]]);
  });

  it('merges defaultOptions under call options', async () => {
    const model = new MockLanguageModelV1({ doGenerate: textResult('ok') });
    const agent = new Agent({ name: 'd', instructions: 'x', model, defaultOptions: { modelSettings: { temperature: 0.2, maxOutputTokens: 50 } } });
    await agent.generate('go', { modelSettings: { temperature: 0.9 } });
    expect(model.doGenerateCalls[0]).toMatchObject({ temperature: 0.9, maxOutputTokens: 50 });
  });
});

describe('Agent retries', () => {
  it('retries a 429 after its retry-after delay', async () => {
    vi.useFakeTimers();
    try {
      const model = new MockLanguageModelV1({
        doGenerate: (_options, index) => {
          if (index === 0) {
            throw new APICallError({ message: 'Rate limited', url: 'https://api.example/v1', statusCode: 429, responseHeaders: { 'retry-after': '3' } });
          }
          return textResult('after waiting');
        },
      });
      const pending = new Agent({ name: 'r', instructions: 'x', model }).generate('go');
      await vi.advanceTimersByTimeAsync(2999);
      expect(model.doGenerateCalls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(model.doGenerateCalls).toHaveLength(2);
      expect((await pending).text).toBe('after waiting');
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not retry a 400', async () => {
    const model = new MockLanguageModelV1({
      doGenerate: () => {
        throw new APICallError({ message: 'Bad request: messages is required', url: 'https://api.example/v1', statusCode: 400 });
      },
    });
    const error = await new Agent({ name: 'r', instructions: 'x', model }).generate('go').catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(400);
    expect(model.doGenerateCalls).toHaveLength(1);
  });

  it('gives up after maxRetries with a RetryError holding every attempt', async () => {
    vi.useFakeTimers();
    try {
      const model = new MockLanguageModelV1({
        doGenerate: () => {
          throw new APICallError({ message: 'Unavailable', url: 'https://api.example/v1', statusCode: 503, responseHeaders: { 'retry-after-ms': '10' } });
        },
      });
      const pending = new Agent({ name: 'r', instructions: 'x', model }).generate('go', { modelSettings: { maxRetries: 1 } }).catch((caught: unknown) => caught);
      await vi.advanceTimersByTimeAsync(10);
      const error = await pending;
      expect(RetryError.isInstance(error)).toBe(true);
      expect((error as RetryError).errors).toHaveLength(2);
      expect(model.doGenerateCalls).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('retries a stream that fails before its first part, never after', async () => {
    const model = new MockLanguageModelV1({
      doStream: (_options, index) => {
        if (index === 0) throw new APICallError({ message: 'overloaded', url: 'u', statusCode: 529, responseHeaders: { 'retry-after-ms': '0' } });
        if (index === 1) {
          return {
            stream: (async function* () {
              yield { type: 'stream-start', warnings: [] } satisfies LanguageModelV1StreamPart;
              yield { type: 'text-delta', id: 't', delta: 'half' } satisfies LanguageModelV1StreamPart;
              throw new APICallError({ message: 'connection reset', url: 'u', isRetryable: true });
            })(),
          };
        }
        return textStreamParts(['never']);
      },
    });
    const result = await new Agent({ name: 'r', instructions: 'x', model }).stream('go');
    const parts = await collectAsyncIterable(result.fullStream);
    expect(model.doStreamCalls).toHaveLength(2);
    expect(parts.map((part) => part.type)).toEqual(['start', 'step-start', 'text-delta', 'error']);
    await expect(result.text).rejects.toThrow('connection reset');
  });
});

describe('Agent.stream', () => {
  it('calls the model in the same turn when nothing needs awaiting, and once dynamic instructions are resolved otherwise', async () => {
    const model = new MockLanguageModelV1({ doStream: textStreamParts(['a']) });
    const fast = new Agent({ name: 'f', instructions: 'x', model }).stream('hi');
    expect(model.doStreamCalls).toHaveLength(1);
    expect((await (await fast).getFullOutput()).text).toBe('a');

    const dynamic = new MockLanguageModelV1({ doStream: textStreamParts(['b']) });
    const slow = new Agent({ name: 'd', instructions: async () => 'from context', model: dynamic }).stream('hi');
    expect(dynamic.doStreamCalls).toHaveLength(0);
    expect((await (await slow).getFullOutput()).text).toBe('b');
    expect(dynamic.doStreamCalls[0]?.prompt[0]).toEqual({ role: 'system', content: 'from context' });
  });

  it('rejects bad input, without throwing synchronously, on the synchronous path too', async () => {
    const agent = new Agent({ name: 'f', instructions: 'x', model: new MockLanguageModelV1({ doStream: textStreamParts(['a']) }) });
    const streamed = agent.stream([{ role: 'robot', content: 'hi' } as never]);
    const generated = agent.generate([{ role: 'robot', content: 'hi' } as never]);
    await expect(streamed).rejects.toThrow('unknown role "robot"');
    await expect(generated).rejects.toThrow('unknown role "robot"');
  });

  it('emits parts as the model produces them, before it finishes', async () => {
    const release = deferred();
    const model = new MockLanguageModelV1({
      doStream: {
        stream: (async function* () {
          yield* textStreamParts(['Hel']).slice(0, 3);
          await release.promise;
          yield { type: 'text-delta', id: 't0', delta: 'lo' } satisfies LanguageModelV1StreamPart;
          yield* textStreamParts([]).slice(2);
        })(),
      },
    });
    const result = await new Agent({ name: 's', instructions: 'x', model }).stream('hi');
    const iterator = result.textStream[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: 'Hel', done: false });
    release.resolve();
    expect(await iterator.next()).toEqual({ value: 'lo', done: false });
    expect(await result.text).toBe('Hello');
    expect(await result.finishReason).toBe('stop');
  });

  it('streams tool calls, results and steps in order', async () => {
    const model = new MockLanguageModelV1({
      doStream: [
        [
          { type: 'stream-start', warnings: [] },
          { type: 'tool-input-start', id: 'c1', toolName: 'weather' },
          { type: 'tool-input-delta', id: 'c1', delta: '{"city":' },
          { type: 'tool-input-delta', id: 'c1', delta: '"Oslo"}' },
          { type: 'tool-input-end', id: 'c1' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}' },
          { type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } },
        ],
        textStreamParts(['Cold.']),
      ],
    });
    const result = await new Agent({ name: 's', instructions: 'x', model, tools: { weather } }).stream('weather?');
    const parts = await collectAsyncIterable(result.fullStream);
    expect(parts.map((part) => part.type)).toEqual([
      'start',
      'step-start',
      'tool-input-start',
      'tool-input-delta',
      'tool-input-delta',
      'tool-input-end',
      'tool-call',
      'tool-result',
      'step-end',
      'step-start',
      'text-start',
      'text-delta',
      'text-end',
      'step-end',
      'finish',
    ]);
    expect(parts.find((part) => part.type === 'tool-result')).toMatchObject({ output: { city: 'Oslo', celsius: 4 } });
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 10, totalTokens: 13 }, totalUsage: expect.objectContaining({ totalTokens: 16 }) });
  });

  it('lets fullStream and textStream be read independently', async () => {
    const model = new MockLanguageModelV1({ doStream: textStreamParts(['a', 'b', 'c']) });
    const result = await new Agent({ name: 's', instructions: 'x', model }).stream('hi');
    const [full, text] = await Promise.all([collectAsyncIterable(result.fullStream), collectAsyncIterable(result.textStream)]);
    expect(text).toEqual(['a', 'b', 'c']);
    expect(full.filter((part) => part.type === 'text-delta')).toHaveLength(3);
    expect((await result.getFullOutput()).text).toBe('abc');
  });

  it('abort in the middle of a stream stops the model stream and a running tool', async () => {
    const controller = new AbortController();
    let toolSignal: AbortSignal | undefined;
    const toolStarted = deferred();
    const hang = createTool({
      id: 'hang',
      execute: async (_input, { abortSignal }) => {
        toolSignal = abortSignal;
        toolStarted.resolve();
        await new Promise(() => {});
      },
    });
    let modelSignal: AbortSignal | undefined;
    const model = new MockLanguageModelV1({
      doStream: (options) => {
        modelSignal = options.abortSignal;
        return [
          { type: 'stream-start', warnings: [] },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'hang', input: '{}' },
          { type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } },
        ];
      },
    });
    const result = await new Agent({ name: 'a', instructions: 'x', model, tools: { hang } }).stream('go', { abortSignal: controller.signal });
    await toolStarted.promise;
    controller.abort();
    const parts = await collectAsyncIterable(result.fullStream);
    expect(parts.at(-1)).toEqual({ type: 'abort' });
    expect(toolSignal?.aborted).toBe(true);
    expect(modelSignal?.aborted).toBe(true);
    await expect(result.text).rejects.toSatisfy(AbortError.isInstance);
  });

  it('aborting while the model streams stops reading it', async () => {
    const controller = new AbortController();
    let pulled = 0;
    const model = new MockLanguageModelV1({
      doStream: (options) => ({
        stream: (async function* () {
          yield { type: 'stream-start', warnings: [] } satisfies LanguageModelV1StreamPart;
          for (let index = 0; index < 1000; index++) {
            pulled++;
            if (options.abortSignal?.aborted) throw new AbortError();
            yield { type: 'text-delta', id: 't', delta: `${index} ` } satisfies LanguageModelV1StreamPart;
            await Promise.resolve();
          }
        })(),
      }),
    });
    const result = await new Agent({ name: 'a', instructions: 'x', model }).stream('go', { abortSignal: controller.signal });
    let seen = 0;
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta' && ++seen === 3) controller.abort();
    }
    expect(pulled).toBeLessThan(10);
    await expect(result.text).rejects.toSatisfy(AbortError.isInstance);
  });

  it('breaking out of the consumer loop cancels the run', async () => {
    let modelSignal: AbortSignal | undefined;
    const model = new MockLanguageModelV1({
      doStream: (options) => {
        modelSignal = options.abortSignal;
        return textStreamParts(['a', 'b', 'c', 'd']);
      },
    });
    const result = await new Agent({ name: 'a', instructions: 'x', model }).stream('go');
    for await (const text of result.textStream) {
      expect(text).toBe('a');
      break;
    }
    expect(modelSignal?.aborted).toBe(true);
    await expect(result.text).rejects.toSatisfy(AbortError.isInstance);
  });

  it('reports an error part from the model and rejects the promises', async () => {
    const model = new MockLanguageModelV1({
      doStream: [
        { type: 'stream-start', warnings: [] },
        { type: 'error', error: new Error('content filtered') },
        { type: 'finish', finishReason: 'error', usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1 } },
      ],
    });
    const result = await new Agent({ name: 'a', instructions: 'x', model }).stream('go');
    const parts = await collectAsyncIterable(result.fullStream);
    expect(parts.map((part) => part.type)).toEqual(['start', 'step-start', 'error', 'step-end', 'finish']);
    expect(await result.finishReason).toBe('error');
  });
});

describe('model routing', () => {
  it('resolves a routing string through a registered provider', async () => {
    const model = new MockLanguageModelV1({ provider: 'acme.chat', modelId: 'rocket-1', doGenerate: textResult('routed') });
    registerModelProvider({ id: 'acme', languageModel: (modelId) => (modelId === 'rocket-1' ? model : new MockLanguageModelV1()) });
    try {
      const result = await new Agent({ name: 'r', instructions: 'x', model: 'acme/rocket-1' }).generate('go');
      expect(result.text).toBe('routed');
    } finally {
      unregisterModelProvider('acme');
    }
  });

  it('names the package to install for a known provider that is not installed', async () => {
    const error = await new Agent({ name: 'r', instructions: 'x', model: 'anthropic/claude-sonnet-4-5' }).generate('go').catch((caught: unknown) => caught);
    expect(NoSuchModelError.isInstance(error)).toBe(true);
    expect((error as NoSuchModelError).packageName).toBe('@mastra-ts/llm-anthropic');
    expect((error as Error).message).toContain('npm install @mastra-ts/llm-anthropic');
  });

  it('lists the known providers for an unknown one', async () => {
    const error = await new Agent({ name: 'r', instructions: 'x', model: 'nope/model' }).generate('go').catch((caught: unknown) => caught);
    expect(NoSuchModelError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Unknown model provider "nope".*anthropic, deepseek, groq, ollama, openai/);
  });

  it('refuses a routing string without a provider', async () => {
    const error = await new Agent({ name: 'r', instructions: 'x', model: 'gpt-4o' }).generate('go').catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('Invalid model "gpt-4o": use "provider/model", e.g. "openai/gpt-4o-mini", or pass a model object');
  });
});

describe('tool timeouts', () => {
  it('a tool that exceeds timeoutMs is reported to the model as timed out', async () => {
    vi.useFakeTimers();
    try {
      let toolSignal: AbortSignal | undefined;
      const slow = createTool({ id: 'slow', timeoutMs: 1000, execute: (_input, { abortSignal }) => {
        toolSignal = abortSignal;
        return new Promise(() => {});
      } });
      const model = new MockLanguageModelV1({ doGenerate: [toolCallResult([{ toolCallId: 'c1', toolName: 'slow', input: {} }]), textResult('gave up')] });
      const pending = new Agent({ name: 't', instructions: 'x', model, tools: { slow } }).generate('go');
      await vi.advanceTimersByTimeAsync(1000);
      const result = await pending;
      expect(toolSignal?.aborted).toBe(true);
      expect(result.steps[0]?.toolResults[0]).toMatchObject({ isError: true, output: 'Tool "slow" failed: timed out after 1000 ms' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('tool signals', () => {
  it("a tool's abort signal aborts once its call has ended, so work it left running stops", async () => {
    let toolSignal: AbortSignal | undefined;
    const quick = createTool({ id: 'quick', execute: (_input, { abortSignal }) => {
      toolSignal = abortSignal;
      expect(abortSignal.aborted).toBe(false);
      return 'done';
    } });
    const model = new MockLanguageModelV1({ doGenerate: [toolCallResult([{ toolCallId: 'c1', toolName: 'quick', input: {} }]), textResult('ok')] });
    const result = await new Agent({ name: 't', instructions: 'x', model, tools: { quick } }).generate('go');
    expect(result.steps[0]?.toolResults[0]).toMatchObject({ isError: false, output: 'done' });
    expect(toolSignal?.aborted).toBe(true);
    expect(AbortError.isInstance(toolSignal?.reason)).toBe(true);
  });
});

describe('failover', () => {
  const unavailable = (): never => {
    throw new APICallError({ message: 'Service Unavailable', url: 'https://primary.example/v1', statusCode: 503, responseHeaders: { 'retry-after-ms': '0' } });
  };

  it('answers from the next model when the first keeps failing with a retryable error, and says which answered', async () => {
    const primary = new MockLanguageModelV1({ provider: 'primary.chat', modelId: 'p-1', doGenerate: unavailable });
    const backup = new MockLanguageModelV1({ provider: 'backup.chat', modelId: 'b-1', doGenerate: textResult('from backup') });
    const agent = new Agent({ name: 'f', instructions: 'x', model: [{ model: primary, maxRetries: 1 }, backup] });
    const result = await agent.generate('go');
    expect(result.text).toBe('from backup');
    expect(result.model).toEqual({ provider: 'backup.chat', modelId: 'b-1' });
    expect(primary.doGenerateCalls).toHaveLength(2);
    expect(backup.doGenerateCalls).toHaveLength(1);
  });

  it('does not fail over on a 400', async () => {
    const primary = new MockLanguageModelV1({ doGenerate: () => { throw new APICallError({ message: 'bad request', url: 'u', statusCode: 400 }); } });
    const backup = new MockLanguageModelV1({ doGenerate: textResult('never') });
    const error = await new Agent({ name: 'f', instructions: 'x', model: [primary, backup] }).generate('go').catch((caught: unknown) => caught);
    expect((error as APICallError).statusCode).toBe(400);
    expect(backup.doGenerateCalls).toHaveLength(0);
  });

  it('skips a failing model for its cool-down, then tries it again', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      let healthy = false;
      const primary = new MockLanguageModelV1({ modelId: 'p', doGenerate: () => (healthy ? textResult('primary back') : unavailable()) });
      const backup = new MockLanguageModelV1({ modelId: 'b', doGenerate: () => textResult('backup') });
      const agent = new Agent({ name: 'f', instructions: 'x', model: [{ model: primary, maxRetries: 0, coolDownMs: 10_000 }, backup] });
      expect((await agent.generate('1')).text).toBe('backup');
      healthy = true;
      expect((await agent.generate('2')).text).toBe('backup');
      expect(primary.doGenerateCalls).toHaveLength(1);
      vi.setSystemTime(10_001);
      expect((await agent.generate('3')).text).toBe('primary back');
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails over a stream only before its first part', async () => {
    const primary = new MockLanguageModelV1({ doStream: unavailable });
    const backup = new MockLanguageModelV1({ modelId: 'b', doStream: textStreamParts(['ok']) });
    const result = await new Agent({ name: 'f', instructions: 'x', model: [{ model: primary, maxRetries: 0 }, backup] }).stream('go');
    expect(await result.text).toBe('ok');
    expect((await result.result).model.modelId).toBe('b');
  });

  it('lists the models with their settings', async () => {
    const primary = new MockLanguageModelV1({ modelId: 'p' });
    const off = new MockLanguageModelV1({ modelId: 'off' });
    const agent = new Agent({ name: 'f', instructions: 'x', model: [{ model: primary, maxRetries: 3 }, { model: off, enabled: false }] });
    expect((await agent.getModelList()).map((entry) => [entry.model.modelId, entry.maxRetries, entry.enabled])).toEqual([['p', 3, true], ['off', undefined, false]]);
    expect((await agent.getModel()).modelId).toBe('p');
  });
});

describe('provider round trips', () => {
  it('carries reasoning signatures and provider metadata into the next turn', async () => {
    const model = new MockLanguageModelV1({
      doStream: [
        [
          { type: 'stream-start', warnings: [] },
          { type: 'reasoning-start', id: 'r' },
          { type: 'reasoning-delta', id: 'r', delta: 'Need the weather.' },
          { type: 'reasoning-end', id: 'r', providerMetadata: { anthropic: { signature: 'sig-123' } } },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}', providerMetadata: { openai: { itemId: 'fc_1' } } },
          { type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } },
        ],
        textStreamParts(['Cold.']),
      ],
    });
    const result = await new Agent({ name: 's', instructions: 'x', model, tools: { weather } }).stream('weather?');
    await result.result;
    expect(model.doStreamCalls[1]?.prompt[2]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Need the weather.', signature: 'sig-123', providerOptions: { anthropic: { signature: 'sig-123' } } },
        { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Oslo' }, providerOptions: { openai: { itemId: 'fc_1' } } },
      ],
    });
  });

  it('retries an overload error that arrives in the stream before any content', async () => {
    const model = new MockLanguageModelV1({
      doStream: [
        [
          { type: 'stream-start', warnings: [] },
          { type: 'error', error: new APICallError({ message: 'Overloaded', url: 'u', statusCode: 529, responseHeaders: { 'retry-after-ms': '0' } }) },
        ],
        textStreamParts(['fine now']),
      ],
    });
    const result = await new Agent({ name: 's', instructions: 'x', model }).stream('go');
    const parts = await collectAsyncIterable(result.fullStream);
    expect(model.doStreamCalls).toHaveLength(2);
    expect(parts.some((part) => part.type === 'error')).toBe(false);
    expect(await result.text).toBe('fine now');
  });

  it('does not read response headers unless asked', async () => {
    let reads = 0;
    const response = {
      get headers() {
        reads++;
        return { 'x-request-id': 'abc' };
      },
    };
    const model = new MockLanguageModelV1({ doGenerate: { ...textResult('ok'), response } });
    const result = await new Agent({ name: 'h', instructions: 'x', model }).generate('go');
    expect(reads).toBe(0);
    expect(result.steps[0]?.response.headers).toEqual({ 'x-request-id': 'abc' });
    expect(reads).toBe(1);
  });
});

describe('a provider that ignores its abort signal', () => {
  it('cannot keep a cancelled stream open', async () => {
    const controller = new AbortController();
    const model = new MockLanguageModelV1({
      doStream: () => ({
        stream: {
          [Symbol.asyncIterator]() {
            let sent = false;
            return {
              next: () => {
                if (sent) return new Promise<IteratorResult<LanguageModelV1StreamPart>>(() => {});
                sent = true;
                return Promise.resolve({ done: false, value: { type: 'text-delta', id: 't', delta: 'first' } as LanguageModelV1StreamPart });
              },
            };
          },
        },
      }),
    });
    const result = await new Agent({ name: 'a', instructions: 'x', model }).stream('go', { abortSignal: controller.signal });
    const seen: string[] = [];
    for await (const part of result.fullStream) {
      seen.push(part.type);
      if (part.type === 'text-delta') controller.abort();
    }
    expect(seen.at(-1)).toBe('abort');
    await expect(result.text).rejects.toSatisfy(AbortError.isInstance);
  });
});

describe('stream endings', () => {
  it('a failure saving memory after the loop still ends the stream, with an error part', async () => {
    const memory: AgentMemory = {
      prepare: async () => ({ messages: [] }),
      save: async () => {
        throw new Error('disk full');
      },
    };
    const model = new MockLanguageModelV1({ doStream: textStreamParts(['hi']) });
    const result = await new Agent({ name: 'm', instructions: 'x', model, memory }).stream('go', { memory: { thread: 't', resource: 'r' } });
    const parts = await collectAsyncIterable(result.fullStream);
    expect(parts.at(-1)).toMatchObject({ type: 'error' });
    await expect(result.text).rejects.toThrow('disk full');
  });

  it('does not leave listeners on a long-lived abort signal', async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      return add(...args);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed++;
      return remove(...args);
    }) as typeof signal.removeEventListener;
    const model = new MockLanguageModelV1({ doStream: () => textStreamParts(['ok']) });
    const agent = new Agent({ name: 's', instructions: 'x', model });
    for (let call = 0; call < 5; call++) await (await agent.stream('go', { abortSignal: signal })).result;
    expect(added).toBeGreaterThanOrEqual(5);
    expect(removed).toBe(added);
  });
});
