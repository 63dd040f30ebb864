import { describe, expect, it } from 'vitest';
import { AbortError } from '../../errors/abort-error.ts';
import { APICallError } from '../../errors/api-call-error.ts';
import { InvalidResponseDataError } from '../../errors/invalid-response-data-error.ts';
import type { LanguageModelV1StreamPart } from '../../language-model/v1/index.ts';
import { collectAsyncIterable, convertArrayToAsyncIterable } from '../../testing/async-iterable.ts';
import { FakeAPIError, fakeErrorContext } from './fake-sdk-errors.ts';
import type { OpenAICompatibleErrorContext } from './openai-compatible-error.ts';
import { mapOpenAICompatibleStream, type OpenAICompatibleChunk, type OpenAICompatibleStreamOptions } from './openai-compatible-stream.ts';

const context: OpenAICompatibleErrorContext = fakeErrorContext;

function run<CHUNK extends OpenAICompatibleChunk>(chunks: AsyncIterable<CHUNK> | CHUNK[], options: Partial<OpenAICompatibleStreamOptions<CHUNK>> = {}): Promise<LanguageModelV1StreamPart[]> {
  const iterable = Array.isArray(chunks) ? convertArrayToAsyncIterable(chunks) : chunks;
  return collectAsyncIterable(mapOpenAICompatibleStream(iterable, { warnings: [], context, reasoningField: undefined, ...options }));
}

async function* failingAfter(chunks: OpenAICompatibleChunk[], error: unknown): AsyncGenerator<OpenAICompatibleChunk> {
  yield* chunks;
  throw error;
}

const head: OpenAICompatibleChunk = { id: 'c1', model: 'm-1', created: 1_700_000_000, choices: [{ delta: { content: '' } }] };

describe('mapOpenAICompatibleStream', () => {
  it('maps reasoning, text and tool calls to blocks, then finish with usage', async () => {
    const parts = await run(
      [
        head,
        { choices: [{ delta: { reasoning_content: 'think' } as { content?: string } }] },
        { choices: [{ delta: { content: 'Hi' } }] },
        { choices: [{ delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'weather', arguments: '{"city"' } }] } }] },
        { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: ':"Oslo"}' } }] }, finish_reason: 'tool_calls' }] },
        { choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 2 } } },
      ],
      { reasoningField: 'reasoning_content', warnings: [{ type: 'other', message: 'w' }] },
    );
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [{ type: 'other', message: 'w' }] },
      { type: 'response-metadata', id: 'c1', modelId: 'm-1', timestamp: new Date(1_700_000_000_000) },
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'think' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'Hi' },
      { type: 'tool-input-start', id: 'call_1', toolName: 'weather' },
      { type: 'tool-input-delta', id: 'call_1', delta: '{"city"' },
      { type: 'tool-input-delta', id: 'call_1', delta: ':"Oslo"}' },
      { type: 'text-end', id: 'text-1' },
      { type: 'tool-input-end', id: 'call_1' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: '{"city":"Oslo"}' },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        usage: { inputTokens: 5, outputTokens: 7, totalTokens: 12, reasoningTokens: undefined, cachedInputTokens: 2 },
      },
    ]);
  });

  it('ignores the reasoning field when none is configured, and reads usage where usageOf says', async () => {
    type GroqChunk = OpenAICompatibleChunk & { x_groq?: { usage?: { prompt_tokens: number; completion_tokens: number } } };
    const chunks: GroqChunk[] = [
      { ...head, choices: [{ delta: { content: 'ok', reasoning: 'hidden' } as { content: string } }] },
      { choices: [{ delta: {}, finish_reason: 'stop' }], x_groq: { usage: { prompt_tokens: 3, completion_tokens: 1 } } },
    ];
    const parts = await run(chunks, { usageOf: (chunk) => chunk.x_groq?.usage });
    expect(parts.filter((part) => part.type.startsWith('reasoning'))).toEqual([]);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4, reasoningTokens: undefined, cachedInputTokens: undefined } });
  });

  it('ends with an error part (finish reason error, no tool-call) on an error event in the stream', async () => {
    const event = new FakeAPIError(undefined, { message: 'overloaded', type: 'server_error' }, 'overloaded');
    const parts = await run(failingAfter([head, { choices: [{ delta: { tool_calls: [{ index: 0, id: 't', function: { name: 'f', arguments: '{' } }] } }] }], event));
    const error = parts.find((part) => part.type === 'error');
    expect(error && APICallError.isInstance(error.error) && error.error.message).toBe('Acme reported an error in the stream: overloaded');
    expect(parts.slice(-2)).toEqual([
      { type: 'tool-input-end', id: 't' },
      { type: 'finish', finishReason: 'error', usage: { inputTokens: undefined, outputTokens: undefined, totalTokens: undefined } },
    ]);
  });

  it('turns a malformed chunk (bad JSON, tool call without a name) into an InvalidResponseDataError part', async () => {
    const badJson = await run(failingAfter([head], new SyntaxError('Unexpected token')));
    const first = badJson.find((part) => part.type === 'error');
    expect(first && InvalidResponseDataError.isInstance(first.error) && first.error.message).toBe('Acme sent a stream chunk that is not valid JSON: Unexpected token');
    const nameless = await run([head, { choices: [{ delta: { tool_calls: [{ index: 2, function: { arguments: '{}' } }] } }] }]);
    const second = nameless.find((part) => part.type === 'error');
    expect(second && InvalidResponseDataError.isInstance(second.error) && second.error.message).toBe('Acme streamed a tool call delta (index 2) without a function name in its first delta');
    expect(nameless.at(-1)).toMatchObject({ type: 'finish', finishReason: 'error' });
  });

  it('throws a retryable APICallError when the stream ends without a finish_reason, and on a transport failure', async () => {
    const cut = run([head, { choices: [{ delta: { content: 'Hel' } }] }]);
    await expect(cut).rejects.toSatisfy((error: unknown) => APICallError.isInstance(error) && error.isRetryable && /no finish_reason was received/.test(error.message));
    const reset = run(failingAfter([head], new TypeError('terminated')));
    await expect(reset).rejects.toSatisfy((error: unknown) => APICallError.isInstance(error) && error.message === 'Acme request to http://127.0.0.1:1/v1/chat/completions failed: terminated');
  });

  it('throws AbortError when the caller aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const parts = run(failingAfter([head], new Error('aborted by fetch')), { context: { ...context, abortSignal: controller.signal } });
    await expect(parts).rejects.toSatisfy((error: unknown) => AbortError.isInstance(error) && error.message === 'Acme stream was aborted');
  });

  it('hands out the parts queued before a chunk that fails to map, then the error part, and closes the source', async () => {
    let closed = false;
    const source: AsyncIterable<OpenAICompatibleChunk> = {
      [Symbol.asyncIterator]: () => {
        const chunks: OpenAICompatibleChunk[] = [head, { choices: [{ delta: { content: 'Hi', tool_calls: [{ index: 0, function: { arguments: '{}' } }] } }] }];
        return {
          next: async () => (chunks.length > 0 ? { value: chunks.shift()!, done: false } : { value: undefined, done: true }),
          return: async () => {
            closed = true;
            return { value: undefined, done: true };
          },
        };
      },
    };
    const parts = await run(source);
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'response-metadata', 'text-start', 'text-delta', 'error', 'text-end', 'finish']);
    expect(closed).toBe(true);
  });

  it('calls onClose once when the stream ends, throws or is returned; a returned stream closes its source and stays done', async () => {
    const closes: string[] = [];
    await run([head, { choices: [{ finish_reason: 'stop', delta: { content: 'a' } }] }], { onClose: (early) => closes.push(`end${early ? ' early' : ''}`) });
    await run(failingAfter([head], new TypeError('terminated')), { onClose: (early) => closes.push(`throw${early ? ' early' : ''}`) }).catch(() => {});
    let sourceReturned = false;
    async function* endless(): AsyncGenerator<OpenAICompatibleChunk> {
      try {
        yield head;
        for (;;) yield { choices: [{ delta: { content: 'x' } }] };
      } finally {
        sourceReturned = true;
      }
    }
    const stream = mapOpenAICompatibleStream(endless(), { warnings: [], context, reasoningField: undefined, onClose: (early) => closes.push(`return${early ? ' early' : ''}`) });
    for await (const part of stream) if (part.type === 'text-delta') break;
    expect(sourceReturned).toBe(true);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    // returned before the first read: the source's iterator never started, so only onClose can release the response
    const unread = mapOpenAICompatibleStream(endless(), { warnings: [], context, reasoningField: undefined, onClose: (early) => closes.push(`unread${early ? ' early' : ''}`) });
    expect(await unread.return?.()).toEqual({ value: undefined, done: true });
    expect(closes).toEqual(['end', 'throw', 'return early', 'unread early']);
  });

  it('serves reads that do not wait for each other in order', async () => {
    const stream = mapOpenAICompatibleStream(convertArrayToAsyncIterable([head, { choices: [{ finish_reason: 'stop', delta: { content: 'a' } }] }]), { warnings: [], context, reasoningField: undefined });
    const reads = await Promise.all(Array.from({ length: 8 }, () => stream.next()));
    expect(reads.map((read) => (read.done ? 'done' : read.value.type))).toEqual(['stream-start', 'response-metadata', 'text-start', 'text-delta', 'text-end', 'finish', 'done', 'done']);
  });
});
