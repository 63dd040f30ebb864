import { throwIfAborted } from './check-abort.ts';
import type { StoreCallOptions } from './memory-store.ts';
import type { ListSpansQuery, SpanRecord, TraceStore } from './trace-store.ts';

/** The reference `TraceStore`, in process memory. */
export class InMemoryTraceStore implements TraceStore {
  readonly #spans = new Map<string, SpanRecord>();

  async saveSpans(spans: SpanRecord[], options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.abortSignal);
    for (const span of spans) this.#spans.set(`${span.traceId}:${span.spanId}`, structuredClone(span));
  }

  async getTrace(traceId: string, options?: StoreCallOptions): Promise<SpanRecord[]> {
    throwIfAborted(options?.abortSignal);
    return [...this.#spans.values()]
      .filter((span) => span.traceId === traceId)
      .sort((a, b) => a.startTime - b.startTime)
      .map((span) => structuredClone(span));
  }

  async listSpans(query: ListSpansQuery): Promise<{ spans: SpanRecord[]; total: number }> {
    throwIfAborted(query.abortSignal);
    const attributes = Object.entries(query.attributes ?? {});
    const matching = [...this.#spans.values()]
      .filter(
        (span) =>
          (query.traceId === undefined || span.traceId === query.traceId) &&
          (query.name === undefined || span.name === query.name) &&
          (query.kind === undefined || span.kind === query.kind) &&
          (!query.rootOnly || span.parentSpanId === undefined) &&
          (query.fromTime === undefined || span.startTime >= query.fromTime) &&
          (query.toTime === undefined || span.startTime <= query.toTime) &&
          attributes.every(([key, value]) => span.attributes[key] === value),
      )
      .sort((a, b) => b.startTime - a.startTime);
    const offset = query.offset ?? 0;
    return {
      spans: matching.slice(offset, query.limit === undefined ? undefined : offset + query.limit).map((span) => structuredClone(span)),
      total: matching.length,
    };
  }

  async deleteSpans(args: { before: number } & StoreCallOptions): Promise<number> {
    throwIfAborted(args.abortSignal);
    let count = 0;
    for (const [key, span] of this.#spans) {
      if (span.startTime < args.before) {
        this.#spans.delete(key);
        count++;
      }
    }
    return count;
  }
}
