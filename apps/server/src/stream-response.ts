const encoder = new TextEncoder();

/** Headers of agent SSE streams, as Mastra sends them. */
export const sseHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** Headers of workflow record streams. */
export const recordHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/plain; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** Serializes like Mastra's `safeStringify`: BigInt as string, cycles dropped, errors as `{ name, message }`. */
export function safeStringify(value: unknown): string | undefined {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, entry: unknown) => {
      if (typeof entry === 'bigint') return entry.toString();
      if (entry instanceof Error) return { name: entry.name, message: entry.message };
      if (entry !== null && typeof entry === 'object') {
        if (seen.has(entry)) return undefined;
        seen.add(entry);
      }
      return entry;
    });
  } catch {
    return undefined;
  }
}

/**
 * A byte stream that pulls one item at a time from `source` and writes it framed: nothing is buffered
 * beyond the item being written. Cancelling the stream (the client went away) calls `onCancel` and
 * stops the source.
 */
export function framedStream(
  source: AsyncIterable<unknown>,
  frame: (json: string) => string,
  options: { prefix?: string; suffix?: string; onCancel?: (reason: unknown) => void; onDone?: () => void; errorFrame?: (error: unknown) => unknown },
): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    options.onDone?.();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (options.prefix) controller.enqueue(encoder.encode(options.prefix));
      },
      async pull(controller) {
        try {
          for (;;) {
            const next = await iterator.next();
            if (next.done) {
              if (options.suffix) controller.enqueue(encoder.encode(options.suffix));
              controller.close();
              finish();
              return;
            }
            const text = safeStringify(next.value);
            if (text === undefined) continue;
            controller.enqueue(encoder.encode(frame(text)));
            return;
          }
        } catch (error) {
          if (finished) return;
          const errorPart = options.errorFrame?.(error);
          const text = errorPart === undefined ? undefined : safeStringify(errorPart);
          try {
            if (text !== undefined) controller.enqueue(encoder.encode(frame(text)));
            if (options.suffix) controller.enqueue(encoder.encode(options.suffix));
            controller.close();
          } catch {
            // the consumer is gone
          }
          finish();
        }
      },
      async cancel(reason) {
        if (!finished) options.onCancel?.(reason);
        finish();
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Frames one SSE event. */
export function sseFrame(json: string): string {
  return `data: ${json}\n\n`;
}

/** Frames one workflow record. */
export function recordFrame(json: string): string {
  return `${json}\x1E`;
}
