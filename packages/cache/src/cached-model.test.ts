import { Agent, AbortError, createTool, InMemoryCache, TypeValidationError, type LanguageModelV1CallOptions, type LanguageModelV1StreamPart } from '@mastra-ts/core';
import { collectAsyncIterable, MockLanguageModelV1, textResult, textStreamParts, toolCallResult } from '@mastra-ts/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { cachedModel, type CacheLookupEvent } from './cached-model.ts';
import { createLRUCache } from './lru-cache.ts';

const prompt: LanguageModelV1CallOptions['prompt'] = [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }];

function setup(settings: { cacheToolCalls?: boolean; enabled?: boolean; ttlMs?: number } = {}) {
  const provider = new MockLanguageModelV1({
    doGenerate: (options, index) => ({ ...textResult(`answer ${index}`), response: { id: `r${index}`, timestamp: new Date(Date.UTC(2026, 0, 1)), modelId: 'mock-model-id', body: { raw: true } } }),
    doStream: () => textStreamParts(['Hel', 'lo']),
  });
  const cache = createLRUCache({ maxEntries: 100 });
  const events: CacheLookupEvent[] = [];
  const model = cachedModel(provider, { cache, onLookup: (event) => events.push(event), ...settings });
  return { provider, cache, model, events };
}

describe('cachedModel doGenerate', () => {
  it('answers a second identical call from the cache without calling the provider', async () => {
    const { provider, model, events } = setup();
    const first = await model.doGenerate({ prompt, temperature: 0 });
    const second = await model.doGenerate({ prompt, temperature: 0, abortSignal: new AbortController().signal, headers: { 'x-request-id': 'other' } });
    expect(provider.doGenerateCalls).toHaveLength(1);
    expect(second.content).toEqual(first.content);
    expect(second.response?.timestamp).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(second.response?.timestamp).toBeInstanceOf(Date);
    expect(second.response).not.toHaveProperty('body');
    expect(second.providerMetadata).toBeUndefined();
    expect(events.map((event) => event.outcome)).toEqual(['miss', 'hit']);
    expect(model.provider).toBe(provider.provider);
    expect(model.modelId).toBe(provider.modelId);
  });

  it('misses when any setting differs: prompt, temperature, tools, response format, provider options', async () => {
    const { provider, model } = setup();
    await model.doGenerate({ prompt, temperature: 0 });
    await model.doGenerate({ prompt, temperature: 0.5 });
    await model.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi!' }] }], temperature: 0 });
    await model.doGenerate({ prompt, temperature: 0, tools: [{ type: 'function', name: 'x', inputSchema: { type: 'object' } }] });
    await model.doGenerate({ prompt, temperature: 0, responseFormat: { type: 'json' } });
    await model.doGenerate({ prompt, temperature: 0, providerOptions: { openai: { store: true } } });
    expect(provider.doGenerateCalls).toHaveLength(6);
    await model.doGenerate({ temperature: 0, prompt });
    expect(provider.doGenerateCalls).toHaveLength(6);
  });

  it('hands out independent copies: mutating a result does not change the cached one', async () => {
    const { model } = setup();
    const first = await model.doGenerate({ prompt });
    (first.content[0] as { text: string }).text = 'mutated';
    const second = await model.doGenerate({ prompt });
    expect(second.content).toEqual([{ type: 'text', text: 'answer 0' }]);
  });

  it('calls the provider once for concurrent identical calls', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const provider = new MockLanguageModelV1({ doGenerate: async () => (await gate, textResult('once')) });
    const events: CacheLookupEvent[] = [];
    const model = cachedModel(provider, { cache: createLRUCache({ maxEntries: 10 }), onLookup: (event) => events.push(event) });
    const calls = Array.from({ length: 5 }, () => model.doGenerate({ prompt }));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const results = await Promise.all(calls);
    expect(provider.doGenerateCalls).toHaveLength(1);
    expect(results.map((result) => result.content)).toEqual(Array(5).fill([{ type: 'text', text: 'once' }]));
    expect(events.map((event) => event.outcome)).toEqual(['miss', 'shared', 'shared', 'shared', 'shared']);
  });

  it('never caches errors: every waiter is rejected and the next call reaches the provider', async () => {
    const provider = new MockLanguageModelV1({
      doGenerate: (_options, index) => {
        if (index === 0) throw new Error('rate limited');
        return textResult('recovered');
      },
    });
    const model = cachedModel(provider, { cache: createLRUCache({ maxEntries: 10 }) });
    await expect(model.doGenerate({ prompt })).rejects.toThrow('rate limited');
    expect((await model.doGenerate({ prompt })).content).toEqual([{ type: 'text', text: 'recovered' }]);
    expect(provider.doGenerateCalls).toHaveLength(2);
  });

  it('does not cache tool-calling responses unless cacheToolCalls is set', async () => {
    const script = () => toolCallResult([{ toolCallId: 'c1', toolName: 'send_email', input: { to: 'a@b.c' } }]);
    const plain = new MockLanguageModelV1({ doGenerate: script });
    const model = cachedModel(plain, { cache: createLRUCache({ maxEntries: 10 }) });
    await model.doGenerate({ prompt });
    await model.doGenerate({ prompt });
    expect(plain.doGenerateCalls).toHaveLength(2);

    const opted = new MockLanguageModelV1({ doGenerate: script });
    const cachingTools = cachedModel(opted, { cache: createLRUCache({ maxEntries: 10 }), cacheToolCalls: true });
    await cachingTools.doGenerate({ prompt });
    await cachingTools.doGenerate({ prompt });
    expect(opted.doGenerateCalls).toHaveLength(1);
  });

  it('opts out or in per call through providerOptions.cache, which the provider never sees', async () => {
    const { provider, model } = setup();
    await model.doGenerate({ prompt, providerOptions: { cache: { enabled: false }, openai: { user: 'u' } } });
    await model.doGenerate({ prompt, providerOptions: { cache: { enabled: false }, openai: { user: 'u' } } });
    expect(provider.doGenerateCalls).toHaveLength(2);
    expect(provider.doGenerateCalls[0]!.providerOptions).toEqual({ openai: { user: 'u' } });

    const optIn = setup({ enabled: false });
    await optIn.model.doGenerate({ prompt });
    await optIn.model.doGenerate({ prompt });
    expect(optIn.provider.doGenerateCalls).toHaveLength(2);
    await optIn.model.doGenerate({ prompt, providerOptions: { cache: { enabled: true } } });
    await optIn.model.doGenerate({ prompt, providerOptions: { cache: { enabled: true } } });
    expect(optIn.provider.doGenerateCalls).toHaveLength(3);
    expect(optIn.provider.doGenerateCalls[2]!).not.toHaveProperty('providerOptions');
  });

  it('rejects a malformed providerOptions.cache with TypeValidationError', async () => {
    const { model } = setup();
    await expect(model.doGenerate({ prompt, providerOptions: { cache: { enabled: 'yes' } } })).rejects.toSatisfy(TypeValidationError.isInstance);
    expect(() => cachedModel(new MockLanguageModelV1(), {} as never)).toThrow(/settings.cache is required/);
  });

  it('expires entries after ttlMs (per model and per call)', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const { provider, model } = setup({ ttlMs: 1000 });
      await model.doGenerate({ prompt });
      vi.advanceTimersByTime(999);
      await model.doGenerate({ prompt });
      expect(provider.doGenerateCalls).toHaveLength(1);
      vi.advanceTimersByTime(1);
      await model.doGenerate({ prompt });
      expect(provider.doGenerateCalls).toHaveLength(2);
      await model.doGenerate({ prompt: [], providerOptions: { cache: { ttlMs: 10 } } });
      vi.advanceTimersByTime(10);
      await model.doGenerate({ prompt: [], providerOptions: { cache: { ttlMs: 10 } } });
      expect(provider.doGenerateCalls).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failing cache does not fail the call: the provider answers and the error is reported', async () => {
    const provider = new MockLanguageModelV1({ doGenerate: () => textResult('from provider') });
    const errors: unknown[] = [];
    const broken = { get: async () => Promise.reject(new Error('redis down')), set: async () => Promise.reject(new Error('redis down')), delete: async () => false, clear: async () => {} };
    const model = cachedModel(provider, { cache: broken, onCacheError: (error) => errors.push(error) });
    expect((await model.doGenerate({ prompt })).content).toEqual([{ type: 'text', text: 'from provider' }]);
    expect(errors.map((error) => (error as Error).message)).toEqual(['redis down', 'redis down']);
  });

  it('works with any Cache, e.g. core InMemoryCache, and with a custom key', async () => {
    const provider = new MockLanguageModelV1({ doGenerate: () => textResult('x') });
    const cache = new InMemoryCache();
    const model = cachedModel(provider, { cache, key: (options) => String(options.temperature), namespace: 'app' });
    await model.doGenerate({ prompt, temperature: 1 });
    await model.doGenerate({ prompt: [], temperature: 1 });
    expect(provider.doGenerateCalls).toHaveLength(1);
    expect(await cache.get('app:generate:1')).toBeDefined();
  });
});

describe('cachedModel doStream', () => {
  it('replays a cached stream as exactly the original parts', async () => {
    const { provider, model, events } = setup();
    const first = await collectAsyncIterable((await model.doStream({ prompt })).stream);
    const second = await collectAsyncIterable((await model.doStream({ prompt })).stream);
    expect(first).toEqual(textStreamParts(['Hel', 'lo']));
    expect(second).toEqual(first);
    expect(provider.doStreamCalls).toHaveLength(1);
    expect(events.map((event) => `${event.kind}:${event.outcome}`)).toEqual(['stream:miss', 'stream:hit']);
  });

  it('marks cached answers in providerMetadata when markHits is set', async () => {
    const provider = new MockLanguageModelV1({ doGenerate: () => textResult('x'), doStream: () => textStreamParts(['x']) });
    const events: CacheLookupEvent[] = [];
    const model = cachedModel(provider, { cache: createLRUCache({ maxEntries: 10 }), markHits: true, onLookup: (event) => events.push(event) });
    expect((await model.doGenerate({ prompt })).providerMetadata).toBeUndefined();
    expect((await model.doGenerate({ prompt })).providerMetadata).toEqual({ 'mastra-cache': { hit: true, key: events[0]!.key } });
    await collectAsyncIterable((await model.doStream({ prompt })).stream);
    const replayed = await collectAsyncIterable((await model.doStream({ prompt })).stream);
    expect(replayed.at(-1)).toMatchObject({ type: 'finish', providerMetadata: { 'mastra-cache': { hit: true, key: events[2]!.key } } });
  });

  it('shares one provider stream between concurrent identical calls, each seeing every part', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const provider = new MockLanguageModelV1({
      doStream: () => ({
        stream: (async function* () {
          yield* textStreamParts(['a']).slice(0, 3);
          await gate;
          yield* textStreamParts(['a']).slice(3);
        })(),
      }),
    });
    const model = cachedModel(provider, { cache: createLRUCache({ maxEntries: 10 }) });
    const [one, two] = await Promise.all([model.doStream({ prompt }), model.doStream({ prompt })]);
    const collecting = Promise.all([collectAsyncIterable(one.stream), collectAsyncIterable(two.stream)]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const [a, b] = await collecting;
    expect(a).toEqual(textStreamParts(['a']));
    expect(b).toEqual(a);
    expect(provider.doStreamCalls).toHaveLength(1);
  });

  it('does not cache a stream with an error part, nor one cut by a transport error', async () => {
    const withErrorPart: LanguageModelV1StreamPart[] = [{ type: 'stream-start', warnings: [] }, { type: 'error', error: 'overloaded' }, { type: 'finish', finishReason: 'error', usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1 } }];
    const provider = new MockLanguageModelV1({ doStream: () => withErrorPart });
    const model = cachedModel(provider, { cache: createLRUCache({ maxEntries: 10 }) });
    await collectAsyncIterable((await model.doStream({ prompt })).stream);
    await collectAsyncIterable((await model.doStream({ prompt })).stream);
    expect(provider.doStreamCalls).toHaveLength(2);

    const cut = new MockLanguageModelV1({
      doStream: () => ({
        stream: (async function* () {
          yield { type: 'stream-start', warnings: [] } as LanguageModelV1StreamPart;
          throw new Error('socket hang up');
        })(),
      }),
    });
    const cutModel = cachedModel(cut, { cache: createLRUCache({ maxEntries: 10 }) });
    await expect(collectAsyncIterable((await cutModel.doStream({ prompt })).stream)).rejects.toThrow('socket hang up');
    await expect(collectAsyncIterable((await cutModel.doStream({ prompt })).stream)).rejects.toThrow('socket hang up');
    expect(cut.doStreamCalls).toHaveLength(2);
  });

  it('aborts the provider stream when its only consumer aborts', async () => {
    let providerSignal: AbortSignal | undefined;
    const provider = new MockLanguageModelV1({
      doStream: (options) => {
        providerSignal = options.abortSignal;
        return {
          stream: (async function* () {
            yield { type: 'stream-start', warnings: [] } as LanguageModelV1StreamPart;
            await new Promise((_, reject) => options.abortSignal!.addEventListener('abort', () => reject(options.abortSignal!.reason)));
          })(),
        };
      },
    });
    const model = cachedModel(provider, { cache: createLRUCache({ maxEntries: 10 }) });
    const controller = new AbortController();
    const { stream } = await model.doStream({ prompt, abortSignal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: 'stream-start', warnings: [] });
    const pending = iterator.next();
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toSatisfy(AbortError.isInstance);
    expect(providerSignal?.aborted).toBe(true);
  });
});

describe('cachedModel with a real Agent', () => {
  it('a second identical agent.generate and agent.stream are served from the cache', async () => {
    const { provider, model } = setup();
    const agent = new Agent({ name: 'faq', instructions: 'Answer briefly.', model });
    const first = await agent.generate('What is mastra-ts?');
    const second = await agent.generate('What is mastra-ts?');
    expect(second.text).toBe(first.text);
    expect(provider.doGenerateCalls).toHaveLength(1);
    await agent.generate('Something else?');
    expect(provider.doGenerateCalls).toHaveLength(2);

    const streamed = await agent.stream('Stream it');
    expect(await streamed.text).toBe('Hello');
    const again = await agent.stream('Stream it');
    expect(await again.text).toBe('Hello');
    expect(provider.doStreamCalls).toHaveLength(1);
  });

  it('tool-calling steps reach the provider every time, the final answer is cached', async () => {
    const execute = vi.fn(async ({ city }: { city: string }) => `sunny in ${city}`);
    const weather = createTool({ id: 'weather', description: 'Weather', inputSchema: z.object({ city: z.string() }), execute });
    const provider = new MockLanguageModelV1({
      doGenerate: (options) =>
        options.prompt.some((message) => message.role === 'tool') ? textResult('It is sunny.') : toolCallResult([{ toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } }]),
    });
    const agent = new Agent({ name: 'weather', instructions: 'Use tools.', model: cachedModel(provider, { cache: createLRUCache({ maxEntries: 10 }) }), tools: { weather } });
    expect((await agent.generate('Weather in Paris?')).text).toBe('It is sunny.');
    expect((await agent.generate('Weather in Paris?')).text).toBe('It is sunny.');
    expect(provider.doGenerateCalls).toHaveLength(3);
    expect(execute).toHaveBeenCalledTimes(2);
  });
});
