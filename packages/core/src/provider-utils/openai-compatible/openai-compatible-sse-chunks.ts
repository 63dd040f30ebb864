import type { OpenAICompatibleErrorContext } from './openai-compatible-error.ts';

/**
 * What the provider's SSE parser offers: `eventsource-parser`'s `createParser` fits. Core takes it from the provider
 * (which depends on the library) so that core itself depends on no parser.
 */
export type SSEParserFactory = (callbacks: { onEvent: (event: { event?: string | undefined; data: string }) => void }) => { feed(chunk: string): void };

const done: IteratorResult<never> = Object.freeze({ value: undefined, done: true }) as IteratorResult<never>;
const ignore = (): void => undefined;

/**
 * The chunks of a streamed Chat Completions answer, read from its SSE body instead of through the SDK's `Stream` (in
 * the Stainless SDKs, `openai` and `groq-sdk`, async generators per event around every network read): one await per
 * network read, none per event. Feed it to `mapOpenAICompatibleStream`.
 *
 * It ends and fails as the SDKs' `Stream.fromSSEResponse` does, so that the stream mapping sees the same errors:
 * - `data: [DONE]` ends it; anything after is ignored, and the rest of the body is read in the background rather than
 *   cancelled, so that the connection can be reused (cancelling an unfinished body closes it, and a new connection to
 *   the API costs a TLS handshake);
 * - an event whose data is not JSON throws `SyntaxError`;
 * - an `error` event, or an event whose data holds `error`, throws the SDK's `APIError` of that payload without a status
 *   (`context.sdkErrors`), which the stream mapping turns into an error part;
 * - the chunks before a failure are handed out first; a failure stops reading the body;
 * - a last event without its blank line still counts (servers sometimes omit it);
 * - a body read that fails with an `AbortError` ends the stream (the caller's signal says why); another failure is
 *   thrown as it is (a cut connection).
 *
 * `return()` (also when the stream is returned before its first read) cancels the body, which closes the connection if
 * the answer was not over (after `[DONE]` it reads the rest instead). The SDK logs a malformed event to its logger; this
 * reader logs nothing (providers do not log), the error says it.
 */
export class OpenAICompatibleSSEChunks<CHUNK> implements AsyncIterableIterator<CHUNK> {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  readonly #headers: Headers;
  readonly #decoder = new TextDecoder();
  readonly #parser: { feed(chunk: string): void };
  readonly #context: Pick<OpenAICompatibleErrorContext, 'providerName' | 'sdkErrors'>;
  #queue: CHUNK[] = [];
  #head = 0;
  #error: { error: unknown } | undefined;
  /** No more events are taken: `[DONE]`, a failure, the end of the body, or `return()`. */
  #ended = false;
  /** `[DONE]` was received: what is left of the body is read, not cancelled. */
  #completed = false;
  /** The body needs nothing more: read to its end, cancelled, or being drained. */
  #released = false;

  /** `createParser`: the SSE parser (`eventsource-parser`'s); `context`: the call's, for its provider name and SDK errors. */
  constructor(response: Response, createParser: SSEParserFactory, context: Pick<OpenAICompatibleErrorContext, 'providerName' | 'sdkErrors'>) {
    this.#headers = response.headers;
    this.#context = context;
    this.#reader = response.body?.getReader();
    this.#parser = createParser({ onEvent: (event) => this.#event(event.event, event.data) });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<CHUNK>> {
    for (;;) {
      if (this.#head < this.#queue.length) {
        const value = this.#queue[this.#head]!;
        this.#queue[this.#head++] = undefined as never;
        return { value, done: false };
      }
      this.#queue.length = 0;
      this.#head = 0;
      if (this.#error !== undefined) {
        const { error } = this.#error;
        this.#error = undefined;
        throw error;
      }
      if (this.#ended) {
        this.#release();
        return done;
      }
      // as the SDK: a response without a body cannot be streamed
      if (this.#reader === undefined) {
        throw new Error(`${this.#context.providerName} stream: the response has no body to read; a custom fetch must return the streamed body`);
      }
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await this.#reader.read();
      } catch (error) {
        this.#ended = true;
        this.#released = true;
        // an aborted transport ends the stream, as in the SDK; core's mapping then reports the abort
        if ((error as { name?: unknown } | null)?.name === 'AbortError') return done;
        throw error;
      }
      if (result.done) {
        // a last event without its blank line still counts, as in the SDK
        this.#parser.feed(`${this.#decoder.decode()}\n\n`);
        this.#ended = true;
        this.#released = true;
        continue;
      }
      this.#parser.feed(this.#decoder.decode(result.value, { stream: true }));
    }
  }

  async return(): Promise<IteratorResult<CHUNK>> {
    this.#ended = true;
    this.#error = undefined;
    this.#queue.length = 0;
    this.#head = 0;
    this.#release();
    return done;
  }

  /** One SSE event, as the SDKs' `Stream` treats it. */
  #event(name: string | undefined, data: string): void {
    if (this.#ended) return;
    if (data === '[DONE]') {
      this.#ended = true;
      this.#completed = true;
      return;
    }
    let parsed: { error?: unknown } | null;
    try {
      parsed = JSON.parse(data) as typeof parsed;
    } catch {
      this.#fail(new SyntaxError('Error reading response: malformed server-sent event JSON.'));
      return;
    }
    if (name === 'error' || parsed?.error) {
      this.#fail(new this.#context.sdkErrors.APIError(undefined, (parsed?.error ?? parsed ?? undefined) as object | undefined, undefined, this.#headers));
      return;
    }
    this.#queue.push(parsed as CHUNK);
  }

  #fail(error: unknown): void {
    this.#ended = true;
    this.#error = { error };
    this.#release();
  }

  /**
   * Done with the body: after `[DONE]` what is left of it (usually nothing but its end) is read and discarded; otherwise
   * it is cancelled, which closes the connection if the answer was not over.
   */
  #release(): void {
    if (this.#released || this.#reader === undefined) return;
    this.#released = true;
    const reader = this.#reader;
    if (!this.#completed) {
      reader.cancel().catch(ignore);
      return;
    }
    const read = (): void => {
      reader.read().then((result) => (result.done ? undefined : read()), ignore);
    };
    read();
  }
}
