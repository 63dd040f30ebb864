import { getEventListeners } from 'node:events';
import { AbortError, Agent, type LanguageModelV1CallOptions } from '@mastra-ts/core';
import { collectAsyncIterable } from '@mastra-ts/core/testing';
import { chatCompletion, chatCompletionStream, embeddingsResponse, errorResponse, startFakeOpenAI, type FakeOpenAIServer } from '@mastra-ts/fake-providers/openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAI } from './openai-provider.ts';
import { RequestAbortLink } from './request-abort-link.ts';

let server: FakeOpenAIServer;
beforeEach(async () => {
  server = await startFakeOpenAI();
});
afterEach(async () => {
  await server.close();
});

const hello: LanguageModelV1CallOptions = { prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] };

/** What a call rejected with (undefined when it resolved). */
function failure(call: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(call).then(
    () => undefined,
    (caught: unknown) => caught,
  );
}

function requestArrived(): Promise<void> {
  return new Promise<void>((resolve) => {
    const check = (): void => (server.requests.length > 0 ? resolve() : void setImmediate(check));
    check();
  });
}

describe('RequestAbortLink', () => {
  it('aborts the request signal with the reason of the caller or of the SDK, and forgets the caller when disposed', () => {
    const caller = new AbortController();
    const link = new RequestAbortLink(caller.signal);
    const sdk = new AbortController();
    const first = link.requestSignal(sdk.signal);
    sdk.abort(new Error('sdk timeout'));
    expect(first.reason).toEqual(new Error('sdk timeout'));

    const second = link.requestSignal(undefined);
    caller.abort(new Error('user stopped'));
    expect(second.reason).toEqual(new Error('user stopped'));

    const other = new AbortController();
    const disposed = new RequestAbortLink(other.signal);
    const third = disposed.requestSignal(undefined);
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(1);
    disposed.dispose();
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
    other.abort();
    expect(third.aborted).toBe(false);
  });

  it('a request signal made after the caller aborted starts aborted', () => {
    const caller = new AbortController();
    caller.abort(new Error('too late'));
    expect(new RequestAbortLink(caller.signal).requestSignal(undefined).reason).toEqual(new Error('too late'));
  });
});

describe('abort signals through the SDK', () => {
  it('leave no listener on a signal shared by many calls, whether they succeed, fail, finish or break', async () => {
    const shared = new AbortController();
    const model = createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL })('gpt-4o-mini');
    const embedder = createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL }).embedding('text-embedding-3-small');
    const options = { ...hello, abortSignal: shared.signal };
    for (let index = 0; index < 12; index++) {
      server.enqueue(chatCompletion({ text: 'hi' }), chatCompletionStream({ text: ['a', 'b'] }), chatCompletionStream({ text: ['a', 'b'] }), errorResponse(400, { message: 'bad request' }));
      await model.doGenerate(options);
      await collectAsyncIterable((await model.doStream(options)).stream);
      for await (const part of (await model.doStream(options)).stream) if (part.type === 'text-delta') break;
      await failure(model.doGenerate(options));
    }
    server.enqueue(embeddingsResponse([[0.1, 0.2]]));
    await embedder.doEmbed({ values: ['a'], abortSignal: shared.signal });
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
  });

  it('aborts a doStream request that hangs before its headers, closing the connection', async () => {
    server.enqueue({ type: 'hang' });
    const controller = new AbortController();
    const pending = createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL })('gpt-4o-mini').doStream({ ...hello, abortSignal: controller.signal });
    await requestArrived();
    controller.abort(new Error('user stopped'));
    const error = await failure(pending);
    expect(AbortError.isInstance(error)).toBe(true);
    expect((error as AbortError).cause).toEqual(new Error('user stopped'));
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
  });

  it('closes the connection when a stream is returned before its first read, with or without a signal', async () => {
    for (const abortSignal of [undefined, new AbortController().signal]) {
      server.enqueue(chatCompletionStream({ text: ['a', 'b'] }, { done: false, ending: 'hang' }));
      const { stream } = await createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL })('gpt-4o-mini').doStream({ ...hello, ...(abortSignal ? { abortSignal } : {}) });
      expect(await stream[Symbol.asyncIterator]().return?.()).toEqual({ value: undefined, done: true });
      await expect(server.requests.at(-1)!.closed).resolves.toEqual({ completed: false });
      if (abortSignal) expect(getEventListeners(abortSignal, 'abort')).toHaveLength(0);
    }
  });

  it('closes the connection when the caller breaks out of a stream that was given a signal', async () => {
    server.enqueue(chatCompletionStream({ text: ['a', 'b'] }, { done: false, ending: 'hang' }));
    const controller = new AbortController();
    const { stream } = await createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL })('gpt-4o-mini').doStream({ ...hello, abortSignal: controller.signal });
    for await (const part of stream) if (part.type === 'text-delta') break;
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects at once with AbortError when the signal has already aborted, sending nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const model = createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL })('gpt-4o-mini');
    const generateError = await failure(model.doGenerate({ ...hello, abortSignal: controller.signal }));
    const streamError = await failure(model.doStream({ ...hello, abortSignal: controller.signal }));
    expect(AbortError.isInstance(generateError)).toBe(true);
    expect(AbortError.isInstance(streamError)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it('reaches a custom fetch, which still sees the abort', async () => {
    server.enqueue({ type: 'hang' });
    const signals: AbortSignal[] = [];
    const customFetch: typeof fetch = (input, init) => {
      signals.push(init!.signal!);
      return fetch(input, init);
    };
    const controller = new AbortController();
    const pending = createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, fetch: customFetch })('gpt-4o-mini').doGenerate({ ...hello, abortSignal: controller.signal });
    await requestArrived();
    controller.abort();
    expect(AbortError.isInstance(await failure(pending))).toBe(true);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
  });

  it('aborts an embedding request that hangs', async () => {
    server.enqueue({ type: 'hang' });
    const controller = new AbortController();
    const pending = createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL }).embedding('text-embedding-3-small').doEmbed({ values: ['a'], abortSignal: controller.signal });
    await requestArrived();
    controller.abort();
    expect(AbortError.isInstance(await failure(pending))).toBe(true);
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
  });
});

describe('an agent through llm-openai', () => {
  const agent = (): Agent => new Agent({ name: 'a', instructions: 'Be brief.', model: createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL })('gpt-4o-mini') });

  it('closes the connection when the consumer breaks out of agent.stream() mid-stream', async () => {
    server.enqueue(chatCompletionStream({ text: ['a', 'b'] }, { done: false, ending: 'hang' }));
    const result = await agent().stream('Hi');
    for await (const text of result.textStream) if (text === 'a') break;
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
    expect(AbortError.isInstance(await failure(result.result))).toBe(true);
  });

  it('closes the connection when the consumer breaks out before the response has started', async () => {
    server.enqueue({ type: 'hang' });
    const result = await agent().stream('Hi');
    await requestArrived();
    for await (const part of result.fullStream) if (part.type === 'start') break;
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
    expect(AbortError.isInstance(await failure(result.result))).toBe(true);
  });

  it("a caller's signal aborts agent.generate() while the response has not started, closing the connection", async () => {
    server.enqueue({ type: 'hang' });
    const controller = new AbortController();
    const pending = agent().generate('Hi', { abortSignal: controller.signal });
    await requestArrived();
    controller.abort();
    expect(AbortError.isInstance(await failure(pending))).toBe(true);
    await expect(server.requests[0]!.closed).resolves.toEqual({ completed: false });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
