import { describe, expect, it } from 'vitest';
import type { LanguageModelV1StreamPart } from '../language-model/v1/index.ts';
import { collectAsyncIterable } from '../testing/async-iterable.ts';
import { BodyPartStream } from './body-part-stream.ts';

/** Lines of `text:<t>` become text deltas, `boom` stops with an error, `end` completes. */
class LineStream extends BodyPartStream {
  closes: boolean[] = [];
  buffer = '';
  protected receive(text: string, last: boolean): void {
    this.buffer += text;
    let end: number;
    while (!this.finished && (end = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 1);
      if (line === 'boom') this.stop(new Error('boom'));
      else if (line === 'end') {
        this.queue.push({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } });
        this.complete();
      } else this.queue.push({ type: 'text-delta', id: 't', delta: line.slice(5) });
    }
    if (last && !this.finished && this.buffer === 'forget') return;
    if (last && !this.finished) this.stop(new Error('cut'));
  }
  protected readFailed(error: unknown): void {
    this.stop(error);
  }
  protected override onClose(completed: boolean): void {
    this.closes.push(completed);
  }
}

function body(chunks: string[], options: { hang?: boolean } = {}): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (!options.hang) controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

const deltas = (parts: LanguageModelV1StreamPart[]): string[] => parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));

describe('BodyPartStream', () => {
  it('hands out stream-start, then the parts decoded across chunk boundaries (a multi-byte character split too), then ends', async () => {
    const bytes = new TextEncoder().encode('text:Grüße\n');
    const split = bytes.indexOf(0xc3) + 1;
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('text:a\ntext:b'));
        controller.enqueue(new TextEncoder().encode('c\n'));
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.enqueue(new TextEncoder().encode('end\n'));
        controller.close();
      },
    });
    const stream = new LineStream(source, [{ type: 'other', message: 'w' }]);
    const parts = await collectAsyncIterable(stream);
    expect(parts[0]).toEqual({ type: 'stream-start', warnings: [{ type: 'other', message: 'w' }] });
    expect(deltas(parts)).toEqual(['a', 'bc', 'Grüße']);
    expect(parts.at(-1)!.type).toBe('finish');
    expect(stream.closes).toEqual([true]);
  });

  it('throws a stopping error only after the parts queued before it, and cancels the body', async () => {
    const source = body(['text:a\nboom\ntext:never\n'], { hang: true });
    const stream = new LineStream(source.stream, []);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const part of stream) if (part.type === 'text-delta') seen.push(part.delta);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(['a']);
    expect((error as Error).message).toBe('boom');
    expect(source.cancelled()).toBe(true);
    expect(stream.closes).toEqual([false]);
  });

  it('return() cancels the body and closes once; a subclass that does not end at the end of the body gets an error, not a hang', async () => {
    const hanging = body(['text:a\n'], { hang: true });
    const stream = new LineStream(hanging.stream, []);
    for await (const part of stream) if (part.type === 'text-delta') break;
    expect(hanging.cancelled()).toBe(true);
    expect(stream.closes).toEqual([false]);

    const forgetful = new LineStream(body(['forget']).stream, []);
    await expect(collectAsyncIterable(forgetful)).rejects.toThrow('LineStream did not end the stream when its body ended');
  });
});
