import { AbortError } from '../../errors/abort-error.ts';
import { APICallError } from '../../errors/api-call-error.ts';
import { InvalidResponseDataError } from '../../errors/invalid-response-data-error.ts';
import type { LanguageModelV1CallWarning, LanguageModelV1FinishReason, LanguageModelV1StreamPart, LanguageModelV1Usage } from '../../language-model/v1/index.ts';
import { generateId } from '../../utils/generate-id.ts';
import { mapOpenAICompatibleFinishReason } from './map-openai-compatible-finish-reason.ts';
import { isOpenAICompatibleStreamErrorEvent, toOpenAICompatibleCallError, type OpenAICompatibleErrorContext } from './openai-compatible-error.ts';
import { mapOpenAICompatibleUsage, type OpenAICompatibleWireUsage } from './openai-compatible-usage.ts';

/** One `chat.completion.chunk` as sent by an OpenAI-compatible server (only the fields read here). */
export interface OpenAICompatibleChunk {
  id?: string;
  model?: string;
  created?: number;
  usage?: OpenAICompatibleWireUsage | null;
  choices?: ReadonlyArray<{
    finish_reason?: string | null;
    delta?: {
      content?: string | null;
      refusal?: string | null;
      tool_calls?: ReadonlyArray<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }> | null;
    } | null;
  }>;
}

/** The provider differences of a Chat Completions stream. */
export interface OpenAICompatibleStreamOptions<CHUNK extends OpenAICompatibleChunk> {
  /** Warnings of the call, sent in `stream-start`. */
  warnings: LanguageModelV1CallWarning[];
  /** Where the call went; used for errors and the abort check. */
  context: OpenAICompatibleErrorContext;
  /** Field of reasoning text in deltas (`reasoning_content` for DeepSeek, `reasoning` for Groq), or undefined. */
  reasoningField: string | undefined;
  /**
   * `providerMetadata` key under which a refusal streamed in `delta.refusal` is reported on the `finish` part, as
   * `{ [key]: { refusal } }` (OpenAI structured outputs); undefined ignores refusals.
   */
  refusalKey?: string | undefined;
  /** Where a chunk carries usage; default `chunk.usage` (Groq: `x_groq.usage`). */
  usageOf?: (chunk: CHUNK) => OpenAICompatibleWireUsage | null | undefined;
  /**
   * Called once when the stream ends, fails or is returned (to release what the call holds); `early` is true when it
   * was returned before its source ended, e.g. before the first read, when the source's own cleanup never ran: the
   * caller must cancel the response then.
   */
  onClose?: ((early: boolean) => void) | undefined;
}

type ToolCallState = { id: string; name: string; arguments: string };

const defaultUsageOf = (chunk: OpenAICompatibleChunk): OpenAICompatibleWireUsage | null | undefined => chunk.usage;
const doneResult: IteratorResult<LanguageModelV1StreamPart> = Object.freeze({ value: undefined, done: true }) as IteratorResult<LanguageModelV1StreamPart>;
const noToolCalls: NonNullable<NonNullable<NonNullable<OpenAICompatibleChunk['choices']>[number]['delta']>['tool_calls']> = [];

/**
 * Maps Chat Completions chunks (from `OpenAICompatibleSSEChunks`, or as parsed by the provider's SDK) to core stream parts: reasoning, text and tool
 * input blocks, `response-metadata`, `finish` with usage. A malformed chunk or an error event ends the stream with
 * an `error` part; a transport failure throws `APICallError`; an abort throws `AbortError`. `onClose` runs once when
 * the stream ends, throws or is returned.
 *
 * Hand-written rather than an async generator: the parts of one chunk are queued and handed out without resuming a
 * generator per part, which saves microseconds per streamed call.
 */
export function mapOpenAICompatibleStream<CHUNK extends OpenAICompatibleChunk>(
  chunks: AsyncIterable<CHUNK>,
  options: OpenAICompatibleStreamOptions<CHUNK>,
): AsyncIterableIterator<LanguageModelV1StreamPart> {
  return new OpenAICompatiblePartStream(chunks, options);
}

class OpenAICompatiblePartStream<CHUNK extends OpenAICompatibleChunk> implements AsyncIterableIterator<LanguageModelV1StreamPart> {
  readonly #chunks: AsyncIterable<CHUNK>;
  readonly #options: OpenAICompatibleStreamOptions<CHUNK>;
  readonly #usageOf: (chunk: CHUNK) => OpenAICompatibleWireUsage | null | undefined;
  #source: AsyncIterator<CHUNK> | undefined;
  #started = false;
  /** The source is read to its end (or failed); what is left is in the queue and `#error`. */
  #ended = false;
  #closed = false;
  #error: { error: unknown } | undefined;
  #queue: LanguageModelV1StreamPart[] = [];
  #head = 0;
  /** Set while `#read` runs; `#reading` is its promise. */
  #busy = false;
  #reading: Promise<unknown> | undefined;

  #metadataSent = false;
  #textOpen = false;
  #reasoningOpen = false;
  #blockCount = 0;
  #textId = '';
  #reasoningId = '';
  /** Tool calls in the order they started, and by their `index` (made at the first tool call). */
  #toolCalls: ToolCallState[] | undefined;
  #byIndex: Map<number, ToolCallState> | undefined;
  #finishReason: LanguageModelV1FinishReason | undefined;
  #usage: LanguageModelV1Usage | undefined;
  #failed = false;
  #refusal: string | undefined;

  constructor(chunks: AsyncIterable<CHUNK>, options: OpenAICompatibleStreamOptions<CHUNK>) {
    this.#chunks = chunks;
    this.#options = options;
    this.#usageOf = options.usageOf ?? defaultUsageOf;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<LanguageModelV1StreamPart>> {
    if (this.#head < this.#queue.length) return Promise.resolve(this.#take());
    // a read is running (a caller that did not wait for the last one): reads are served in order
    if (this.#busy) return this.#reading!.then(() => this.next());
    if (this.#closed) return Promise.resolve(doneResult);
    if (!this.#started) {
      this.#started = true;
      return Promise.resolve({ value: { type: 'stream-start', warnings: this.#options.warnings }, done: false });
    }
    if (this.#ended) {
      try {
        return Promise.resolve(this.#settle());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const reading = this.#read();
    this.#reading = reading;
    return reading;
  }

  return(value?: unknown): Promise<IteratorResult<LanguageModelV1StreamPart>> {
    const close = async (): Promise<IteratorResult<LanguageModelV1StreamPart>> => {
      if (!this.#closed) {
        const early = !this.#ended;
        const source = early ? this.#source : undefined;
        this.#close(early);
        await source?.return?.();
      }
      return { value: value as LanguageModelV1StreamPart, done: true };
    };
    return this.#busy ? this.#reading!.then(close, close) : close();
  }

  #take(): IteratorResult<LanguageModelV1StreamPart> {
    const value = this.#queue[this.#head]!;
    this.#queue[this.#head++] = undefined as never;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
    return { value, done: false };
  }

  /** Reads chunks until one yields parts or the source ends; then hands out the first part or the end. */
  async #read(): Promise<IteratorResult<LanguageModelV1StreamPart>> {
    this.#busy = true;
    try {
      let source = this.#source;
      for (;;) {
        let result: IteratorResult<CHUNK>;
        try {
          source ??= this.#source = this.#chunks[Symbol.asyncIterator]();
          result = await source.next();
        } catch (error) {
          this.#fail(error);
          return this.#settle();
        }
        if (this.#closed) return doneResult;
        if (result.done) {
          this.#end();
          return this.#settle();
        }
        try {
          this.#map(result.value);
        } catch (error) {
          // as a for-await loop would, the source is closed when handling one of its chunks throws
          try {
            await source.return?.();
          } catch {
            // the mapping error is the one reported
          }
          this.#fail(error);
          return this.#settle();
        }
        if (this.#head < this.#queue.length) return this.#take();
      }
    } finally {
      this.#busy = false;
    }
  }

  /** What is left once the source ended: queued parts, then the error (thrown once) or the end. */
  #settle(): IteratorResult<LanguageModelV1StreamPart> {
    if (this.#head < this.#queue.length) return this.#take();
    const error = this.#error;
    this.#close();
    if (error) {
      this.#error = undefined;
      throw error.error;
    }
    return doneResult;
  }

  #close(early = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ended = true;
    this.#queue.length = 0;
    this.#head = 0;
    this.#options.onClose?.(early);
  }

  #map(chunk: CHUNK): void {
    const queue = this.#queue;
    if (!this.#metadataSent) {
      this.#metadataSent = true;
      const metadata: LanguageModelV1StreamPart & { type: 'response-metadata' } = { type: 'response-metadata' };
      if (chunk.id) metadata.id = chunk.id;
      if (chunk.model) metadata.modelId = chunk.model;
      if (typeof chunk.created === 'number') metadata.timestamp = new Date(chunk.created * 1000);
      queue.push(metadata);
    }
    const wireUsage = this.#usageOf(chunk);
    if (wireUsage) this.#usage = mapOpenAICompatibleUsage(wireUsage);
    const choice = chunk.choices?.[0];
    if (!choice) return;
    if (choice.finish_reason) this.#finishReason = mapOpenAICompatibleFinishReason(choice.finish_reason);
    const delta = choice.delta;
    if (!delta) return;

    if (typeof delta.refusal === 'string' && this.#options.refusalKey !== undefined) this.#refusal = (this.#refusal ?? '') + delta.refusal;
    const reasoningField = this.#options.reasoningField;
    const reasoning = reasoningField === undefined ? undefined : (delta as Record<string, unknown>)[reasoningField];
    if (typeof reasoning === 'string' && reasoning.length > 0) {
      if (!this.#reasoningOpen) {
        this.#reasoningOpen = true;
        this.#reasoningId = `reasoning-${this.#blockCount++}`;
        queue.push({ type: 'reasoning-start', id: this.#reasoningId });
      }
      queue.push({ type: 'reasoning-delta', id: this.#reasoningId, delta: reasoning });
    }
    if (typeof delta.content === 'string' && delta.content.length > 0) {
      if (this.#reasoningOpen) {
        this.#reasoningOpen = false;
        queue.push({ type: 'reasoning-end', id: this.#reasoningId });
      }
      if (!this.#textOpen) {
        this.#textOpen = true;
        this.#textId = `text-${this.#blockCount++}`;
        queue.push({ type: 'text-start', id: this.#textId });
      }
      queue.push({ type: 'text-delta', id: this.#textId, delta: delta.content });
    }
    const calls = delta.tool_calls ?? noToolCalls;
    for (let position = 0; position < calls.length; position++) {
      const call = calls[position]!;
      const index = call.index ?? position;
      let state = this.#byIndex?.get(index);
      if (!state) {
        if (this.#reasoningOpen) {
          this.#reasoningOpen = false;
          queue.push({ type: 'reasoning-end', id: this.#reasoningId });
        }
        const name = call.function?.name;
        if (!name) {
          throw new InvalidResponseDataError({ data: call, message: `${this.#options.context.providerName} streamed a tool call delta (index ${index}) without a function name in its first delta` });
        }
        state = { id: call.id ?? generateId(), name, arguments: '' };
        (this.#byIndex ??= new Map()).set(index, state);
        (this.#toolCalls ??= []).push(state);
        queue.push({ type: 'tool-input-start', id: state.id, toolName: name });
      }
      const piece = call.function?.arguments;
      if (piece) {
        state.arguments += piece;
        queue.push({ type: 'tool-input-delta', id: state.id, delta: piece });
      }
    }
  }

  /** The source failed: an error part and the end, or an error thrown once the queued parts are read. */
  #fail(error: unknown): void {
    const context = this.#options.context;
    if (context.abortSignal?.aborted) {
      this.#ended = true;
      this.#error = { error: new AbortError({ message: `${context.providerName} stream was aborted`, cause: context.abortSignal.reason ?? error }) };
      return;
    }
    let part: unknown;
    if (InvalidResponseDataError.isInstance(error)) part = error;
    else if (error instanceof SyntaxError) {
      part = new InvalidResponseDataError({ data: undefined, message: `${context.providerName} sent a stream chunk that is not valid JSON: ${error.message}`, cause: error });
    } else if (isOpenAICompatibleStreamErrorEvent(error, context.sdkErrors)) part = toOpenAICompatibleCallError(error, context);
    else {
      this.#ended = true;
      this.#error = { error: toOpenAICompatibleCallError(error, context) };
      return;
    }
    this.#failed = true;
    this.#queue.push({ type: 'error', error: part });
    this.#end();
  }

  /** The source is done: closing parts and `finish`, or the error of an aborted or cut stream. */
  #end(): void {
    this.#ended = true;
    const context = this.#options.context;
    if (context.abortSignal?.aborted) {
      this.#error = { error: new AbortError({ message: `${context.providerName} stream was aborted`, cause: context.abortSignal.reason }) };
      return;
    }
    if (!this.#failed && this.#finishReason === undefined) {
      this.#error = {
        error: new APICallError({
          message: `${context.providerName} stream ended before the model finished (no finish_reason was received); the connection was probably cut`,
          url: context.url,
          requestBodyValues: context.requestBody,
          isRetryable: true,
        }),
      };
      return;
    }
    const queue = this.#queue;
    if (this.#reasoningOpen) queue.push({ type: 'reasoning-end', id: this.#reasoningId });
    if (this.#textOpen) queue.push({ type: 'text-end', id: this.#textId });
    if (this.#toolCalls !== undefined) {
      for (const call of this.#toolCalls) {
        queue.push({ type: 'tool-input-end', id: call.id });
        if (!this.#failed) queue.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.arguments });
      }
    }
    const finish: LanguageModelV1StreamPart & { type: 'finish' } = {
      type: 'finish',
      finishReason: this.#failed ? 'error' : this.#finishReason!,
      usage: this.#usage ?? { inputTokens: undefined, outputTokens: undefined, totalTokens: undefined },
    };
    if (this.#refusal !== undefined) finish.providerMetadata = { [this.#options.refusalKey!]: { refusal: this.#refusal } };
    queue.push(finish);
  }
}
