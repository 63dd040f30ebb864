import type { LanguageModelV1CallWarning, LanguageModelV1StreamPart } from '../language-model/v1/index.ts';

const ignore = (): void => undefined;

/**
 * The stream parts of a streamed HTTP response body (SSE, NDJSON), for providers that read the body themselves
 * instead of through their SDK's per-event async generators. A subclass decodes text into `queue`; this class reads
 * the body, hands the queued parts out (one await per network chunk, none per part), and ends the stream: with a
 * pending error thrown once the parts before it have been read (`stop`), or after its last part (`complete`).
 * The first read of the body starts at construction; `stream-start` is the first part.
 */
export abstract class BodyPartStream implements AsyncIterableIterator<LanguageModelV1StreamPart> {
  /** Parts not handed out yet; subclasses push onto it. */
  protected readonly queue: LanguageModelV1StreamPart[] = [];
  /** True once the stream has ended: its last part is queued, or an error is pending. */
  protected finished = false;
  #head = 0;
  #pending: unknown;
  #closed = false;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #firstRead: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  readonly #decoder = new TextDecoder();

  constructor(body: ReadableStream<Uint8Array>, warnings: LanguageModelV1CallWarning[]) {
    this.#reader = body.getReader();
    this.#firstRead = this.#reader.read();
    this.#firstRead.catch(ignore);
    this.queue.push({ type: 'stream-start', warnings });
  }

  /** Decoded text of the body, in order; `last` once the body has ended. Must end the stream when `last` is true. */
  protected abstract receive(text: string, last: boolean): void;

  /** Reading the body failed (a reset connection, an abort). Must end the stream. */
  protected abstract readFailed(error: unknown): void;

  /** Queues parts from text already received, before the next read; returns whether it consumed any. */
  protected pull(): boolean {
    return false;
  }

  /**
   * Runs once when the stream ends (`completed`: after its last part) or is stopped or broken off (release signal
   * listeners, abort the request).
   */
  protected onClose(_completed: boolean): void {}

  /** Ends the stream with `error`, thrown once the parts already queued have been read; the body is cancelled. */
  protected stop(error: unknown): void {
    this.finished = true;
    this.#pending = error;
    this.#close(false);
    this.cancelBody();
  }

  /** Ends the stream after the parts already queued (the last of which should be `finish`). */
  protected complete(): void {
    this.finished = true;
    this.#close(true);
  }

  /** Stops reading the body (the connection closes if it had more to send). */
  protected cancelBody(): void {
    void this.#reader.cancel().catch(ignore);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<LanguageModelV1StreamPart>> {
    while (this.#head === this.queue.length) {
      if (this.#pending !== undefined) {
        const error = this.#pending;
        this.#pending = undefined;
        throw error;
      }
      if (this.finished) return { done: true, value: undefined };
      this.queue.length = 0;
      this.#head = 0;
      if (this.pull()) continue;
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        const read = this.#firstRead ?? this.#reader.read();
        this.#firstRead = undefined;
        result = await read;
      } catch (error) {
        this.readFailed(error);
        if (!this.finished) this.stop(error);
        continue;
      }
      if (!result.done) {
        this.receive(this.#decoder.decode(result.value, { stream: true }), false);
        continue;
      }
      this.receive(this.#decoder.decode(), true);
      if (!this.finished) this.stop(new Error(`${this.constructor.name} did not end the stream when its body ended`));
    }
    return { done: false, value: this.queue[this.#head++]! };
  }

  async return(): Promise<IteratorResult<LanguageModelV1StreamPart>> {
    if (!this.finished) {
      this.finished = true;
      this.#close(false);
      await this.#reader.cancel().catch(ignore);
    }
    this.#pending = undefined;
    this.queue.length = 0;
    this.#head = 0;
    return { done: true, value: undefined };
  }

  #close(completed: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose(completed);
  }
}
