import type { SpanRecord, TraceStore } from '@mastra-ts/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoreFactory } from './describe-memory-store.ts';

function span(overrides: Partial<SpanRecord> & { spanId: string }): SpanRecord {
  return { traceId: 'trace-1', name: 'agent.generate', kind: 'agent', startTime: 1000, endTime: 2000, status: 'ok', attributes: {}, ...overrides };
}

/** The `TraceStore` conformance suite. */
export function describeTraceStore(name: string, factory: StoreFactory<TraceStore>): void {
  describe(`TraceStore conformance: ${name}`, () => {
    let store: TraceStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('saves spans and reads a trace in start order', async () => {
      const root = span({ spanId: 'root', attributes: { 'mastra.run.id': 'r1', 'gen_ai.usage.input_tokens': 5 } });
      const child = span({ spanId: 'child', parentSpanId: 'root', name: 'model.call', kind: 'model', startTime: 1100, events: [{ name: 'retry', time: 1150 }] });
      await store.saveSpans([child, root]);
      expect(await store.getTrace('trace-1')).toEqual([root, child]);
    });

    it('replaces a span by id (an in-flight span later ended)', async () => {
      await store.saveSpans([span({ spanId: 's', endTime: undefined, status: 'unset' })]);
      await store.saveSpans([span({ spanId: 's', endTime: 3000, status: 'error', statusMessage: 'boom' })]);
      const spans = await store.getTrace('trace-1');
      expect(spans).toHaveLength(1);
      expect(spans[0]).toMatchObject({ endTime: 3000, status: 'error', statusMessage: 'boom' });
    });

    it('lists spans by name, kind, root-only and attributes, newest first', async () => {
      await store.saveSpans([
        span({ spanId: 'a', traceId: 't1', startTime: 1, attributes: { 'mastra.agent.id': 'x' } }),
        span({ spanId: 'b', traceId: 't2', startTime: 2, attributes: { 'mastra.agent.id': 'y' } }),
        span({ spanId: 'c', traceId: 't2', startTime: 3, parentSpanId: 'b', name: 'tool.call', kind: 'tool' }),
      ]);
      expect((await store.listSpans({ rootOnly: true })).spans.map((item) => item.spanId)).toEqual(['b', 'a']);
      expect((await store.listSpans({ kind: 'tool' })).spans.map((item) => item.spanId)).toEqual(['c']);
      expect((await store.listSpans({ attributes: { 'mastra.agent.id': 'x' } })).spans.map((item) => item.spanId)).toEqual(['a']);
      const page = await store.listSpans({ limit: 1, offset: 1 });
      expect(page.spans.map((item) => item.spanId)).toEqual(['b']);
      expect(page.total).toBe(3);
    });

    it('deletes spans older than a time', async () => {
      await store.saveSpans([span({ spanId: 'old', startTime: 10 }), span({ spanId: 'new', startTime: 100 })]);
      expect(await store.deleteSpans({ before: 50 })).toBe(1);
      expect((await store.getTrace('trace-1')).map((item) => item.spanId)).toEqual(['new']);
    });
  });
}
