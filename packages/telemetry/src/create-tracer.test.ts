import { Agent, createTool, InMemoryTraceStore, noopTracer, TypeValidationError, type SpanRecord, type TraceStore } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult, textStreamParts, toolCallResult } from '@mastra-ts/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createTracer } from './create-tracer.ts';
import { computeTotals } from './totals.ts';

function weatherAgent(tracer: ReturnType<typeof createTracer>, { failTool = false }: { failTool?: boolean } = {}) {
  const weather = createTool({
    id: 'weather',
    description: 'Weather of a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      if (failTool && city === 'Oslo') throw new Error('weather service down');
      return { city, celsius: 21 };
    },
  });
  const model = new MockLanguageModelV1({
    provider: 'openai.chat',
    modelId: 'gpt-4o-mini',
    doGenerate: [
      {
        ...toolCallResult(
          [
            { toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } },
            { toolCallId: 'c2', toolName: 'weather', input: { city: 'Oslo' } },
          ],
          { inputTokens: 1000, outputTokens: 200, totalTokens: 1200, cachedInputTokens: 400 },
        ),
        response: { modelId: 'gpt-4o-mini-2024-07-18' },
      },
      { ...textResult('Paris 21°C, Oslo 21°C', { inputTokens: 2000, outputTokens: 100, totalTokens: 2100, reasoningTokens: 30 }), response: { modelId: 'gpt-4o-mini-2024-07-18' } },
    ],
  });
  const memory = { prepare: async () => ({ messages: [] }), save: async () => {} };
  return { agent: new Agent({ name: 'weather-agent', instructions: 'Use the weather tool.', model, tools: { weather }, tracer, memory }), model };
}

const cost = (input: number, cached: number, output: number): number => ((input - cached) * 0.15 + cached * 0.075 + output * 0.6) / 1_000_000;

describe('createTracer with a real Agent', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('persists the span tree agent → model calls → tool calls with usage, cost and totals', async () => {
    const store = new InMemoryTraceStore();
    const tracer = createTracer({ store });
    const { agent } = weatherAgent(tracer);
    const result = await agent.generate('Weather in Paris and Oslo?');
    await tracer.flush();

    const { spans: roots } = await store.listSpans({ rootOnly: true });
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    const spans = await store.getTrace(root.traceId);
    expect(spans).toHaveLength(5);
    const byName = (name: string): SpanRecord[] => spans.filter((span) => span.name === name);
    expect(root).toMatchObject({ name: 'agent.generate', kind: 'agent', status: 'unset' });
    expect(root.parentSpanId).toBeUndefined();
    const models = byName('model.call');
    const tools = byName('tool.call');
    expect(models).toHaveLength(2);
    expect(tools).toHaveLength(2);
    for (const span of [...models, ...tools]) {
      expect(span.parentSpanId).toBe(root.spanId);
      expect(span.traceId).toBe(root.traceId);
      expect(span.attributes['mastra.run.id']).toBe(result.runId);
      expect(span.endTime).toBeGreaterThanOrEqual(span.startTime);
      expect(span.attributes['mastra.duration_ms']).toBeTypeOf('number');
    }
    expect(tools.map((span) => span.attributes['gen_ai.tool.name'])).toEqual(['weather', 'weather']);
    expect(tools.map((span) => span.attributes['gen_ai.tool.call.id']).sort()).toEqual(['c1', 'c2']);
    expect(tools[0]!.attributes['gen_ai.operation.name']).toBe('execute_tool');

    const [first, second] = models.sort((a, b) => Number(a.attributes['mastra.step']) - Number(b.attributes['mastra.step']));
    expect(first!.attributes).toMatchObject({
      'gen_ai.system': 'openai.chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 200,
      'gen_ai.usage.cached_input_tokens': 400,
      'gen_ai.response.finish_reasons': ['tool-calls'],
      'gen_ai.operation.name': 'chat',
    });
    expect(first!.attributes['mastra.usage.cost_usd']).toBeCloseTo(cost(1000, 400, 200), 12);
    expect(second!.attributes['mastra.usage.cost_usd']).toBeCloseTo(cost(2000, 0, 100), 12);
    expect(root.attributes['mastra.usage.cost_usd']).toBeCloseTo(cost(1000, 400, 200) + cost(2000, 0, 100), 12);
    expect(root.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 3000, 'gen_ai.usage.output_tokens': 300, 'mastra.agent.id': 'weather-agent', 'mastra.steps': 2 });
    for (const tool of tools) expect(tool.startTime).toBeGreaterThanOrEqual(first!.startTime);

    const totals = tracer.getTotals({ runId: result.runId });
    expect(totals).toMatchObject({ inputTokens: 3000, outputTokens: 300, cachedInputTokens: 400, reasoningTokens: 30, totalTokens: 3300, modelCalls: 2, toolCalls: 2, errors: 0, runs: 1, unpricedModelCalls: 0 });
    expect(totals.costUsd).toBeCloseTo(cost(1000, 400, 200) + cost(2000, 0, 100), 12);
    expect(totals.durationMs).toBe(root.attributes['mastra.duration_ms']);
    expect(await tracer.loadTotals({ runId: result.runId })).toEqual(totals);
  });

  it('sums totals per thread over several runs, and records tool failures', async () => {
    const tracer = createTracer();
    const runs: string[] = [];
    for (let index = 0; index < 2; index++) {
      const { agent } = weatherAgent(tracer, { failTool: index === 1 });
      const result = await agent.generate('Weather?', { memory: { thread: 'thread-1', resource: 'user-1' } });
      runs.push(result.runId);
    }
    const first = tracer.getTotals({ runId: runs[0]! });
    const second = tracer.getTotals({ runId: runs[1]! });
    expect(first).toMatchObject({ toolCalls: 2, errors: 0, runs: 1 });
    expect(second).toMatchObject({ toolCalls: 2, errors: 1, runs: 1 });
    const thread = tracer.getTotals({ threadId: 'thread-1' });
    expect(thread).toMatchObject({ runs: 2, modelCalls: 4, toolCalls: 4, errors: 1, inputTokens: 6000, outputTokens: 600 });
    expect(thread.costUsd).toBeCloseTo(first.costUsd + second.costUsd, 12);
    expect(thread.durationMs).toBeCloseTo(first.durationMs + second.durationMs, 9);
    expect(tracer.getTotals({ runId: 'unknown' })).toMatchObject({ modelCalls: 0, costUsd: 0 });
    let caught: unknown;
    try {
      tracer.getTotals({} as never);
    } catch (error) {
      caught = error;
    }
    expect(TypeValidationError.isInstance(caught)).toBe(true);
  });

  it('traces agent.stream the same way', async () => {
    const store = new InMemoryTraceStore();
    const tracer = createTracer({ store });
    const model = new MockLanguageModelV1({ provider: 'anthropic.messages', modelId: 'claude-sonnet-4-20250514', doStream: textStreamParts(['Hel', 'lo'], { usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } }) });
    const agent = new Agent({ name: 'streamer', instructions: 'x', model, tracer });
    const stream = await agent.stream('Hi');
    expect(await stream.text).toBe('Hello');
    await stream.result;
    await tracer.flush();
    const { spans } = await store.listSpans({});
    expect(spans.map((span) => span.name).sort()).toEqual(['agent.stream', 'model.call']);
    const modelSpan = spans.find((span) => span.kind === 'model')!;
    expect(modelSpan.attributes['mastra.usage.cost_usd']).toBeCloseTo((10 * 3 + 5 * 15) / 1_000_000, 12);
  });

  it('records exceptions and error status when the model fails', async () => {
    const store = new InMemoryTraceStore();
    const tracer = createTracer({ store });
    const model = new MockLanguageModelV1({
      doGenerate: () => {
        throw new Error('invalid request');
      },
    });
    const agent = new Agent({ name: 'failing', instructions: 'x', model, tracer });
    await expect(agent.generate('Hi', { modelSettings: { maxRetries: 0 } })).rejects.toThrow('invalid request');
    await tracer.flush();
    const { spans } = await store.listSpans({});
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.status).toBe('error');
      expect(span.statusMessage).toBe('invalid request');
      expect(span.events?.[0]).toMatchObject({ name: 'exception', attributes: { 'exception.type': 'Error', 'exception.message': 'invalid request' } });
    }
    const runId = spans[0]!.attributes['mastra.run.id'] as string;
    expect(tracer.getTotals({ runId })).toMatchObject({ modelCalls: 1, errors: 2, unpricedModelCalls: 1 });
  });
});

describe('createTracer spans and batching', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('links parents, inherits run ids, keeps events and timing from the clock', async () => {
    let now = 1_000;
    const store = new InMemoryTraceStore();
    const tracer = createTracer({ store, now: () => now });
    const workflow = tracer.startSpan('workflow.run', { kind: 'workflow', attributes: { 'mastra.workflow.id': 'etl', 'mastra.run.id': 'run-1', skipped: undefined } });
    now = 1_010;
    const step = tracer.startSpan('workflow.step', { kind: 'step', parent: workflow, attributes: { 'mastra.step.id': 'fetch' } });
    step.addEvent('retry', { attempt: 2 });
    now = 1_050.5;
    step.setStatus('ok').end();
    step.setAttribute('late', true).end();
    now = 1_100;
    workflow.end({ rows: 3 });
    await tracer.flush();
    const spans = await store.getTrace(workflow.traceId);
    expect(spans).toEqual([
      expect.objectContaining({ name: 'workflow.run', startTime: 1000, endTime: 1100, attributes: expect.objectContaining({ rows: 3, 'mastra.duration_ms': 100 }) }),
      expect.objectContaining({ name: 'workflow.step', parentSpanId: workflow.spanId, startTime: 1010, endTime: 1050, status: 'ok', events: [{ name: 'retry', time: 1010, attributes: { attempt: 2 } }] }),
    ]);
    expect(spans[0]!.attributes).not.toHaveProperty('skipped');
    expect(spans[1]!.attributes).toMatchObject({ 'mastra.workflow.id': 'etl', 'mastra.run.id': 'run-1', 'mastra.duration_ms': 40.5 });
    expect(spans[1]!.attributes).not.toHaveProperty('late');
    expect(tracer.getTotals({ workflowId: 'etl' })).toMatchObject({ runs: 1, durationMs: 100 });
    expect(workflow.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(workflow.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('buffers child spans until the root ends, then saves them in one batch', async () => {
    const saveSpans = vi.fn(async (_spans: SpanRecord[]) => {});
    const store = { ...new InMemoryTraceStore(), saveSpans } as unknown as TraceStore;
    const tracer = createTracer({ store, flushIntervalMs: 60_000 });
    const root = tracer.startSpan('root');
    for (let index = 0; index < 3; index++) tracer.startSpan(`child-${index}`, { parent: root }).end();
    expect(saveSpans).not.toHaveBeenCalled();
    root.end();
    await tracer.flush();
    expect(saveSpans).toHaveBeenCalledTimes(1);
    expect(saveSpans.mock.calls[0]![0].map((span) => span.name)).toEqual(['child-0', 'child-1', 'child-2', 'root']);
  });

  it('flushes when the batch is full and on the interval (fake timers), without keeping the process alive', async () => {
    vi.useFakeTimers();
    const saved: string[][] = [];
    const store = { saveSpans: async (spans: SpanRecord[]) => void saved.push(spans.map((span) => span.name)) } as unknown as TraceStore;
    const tracer = createTracer({ store, batchSize: 2, flushIntervalMs: 1000 });
    const root = tracer.startSpan('root');
    tracer.startSpan('a', { parent: root }).end();
    tracer.startSpan('b', { parent: root }).end();
    await vi.advanceTimersByTimeAsync(0);
    expect(saved).toEqual([['a', 'b']]);
    tracer.startSpan('c', { parent: root }).end();
    await vi.advanceTimersByTimeAsync(999);
    expect(saved).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual([['a', 'b'], ['c']]);
    await tracer.shutdown();
  });

  it('unrefs its interval timer', () => {
    const unref = vi.fn();
    const spy = vi.spyOn(globalThis, 'setInterval').mockReturnValue({ unref } as unknown as ReturnType<typeof setInterval>);
    try {
      const tracer = createTracer({ store: new InMemoryTraceStore() });
      const root = tracer.startSpan('root');
      tracer.startSpan('child', { parent: root }).end();
      expect(unref).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps spans when the store fails and saves them on the next flush', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const inner = new InMemoryTraceStore();
    const store: TraceStore = {
      saveSpans: async (spans, options) => {
        if (fail) throw new Error('database is locked');
        return inner.saveSpans(spans, options);
      },
      getTrace: (traceId, options) => inner.getTrace(traceId, options),
      listSpans: (query) => inner.listSpans(query),
      deleteSpans: (args) => inner.deleteSpans(args),
    };
    const tracer = createTracer({ store, onError: (error) => errors.push(error) });
    tracer.startSpan('root').end();
    await expect(tracer.flush()).rejects.toThrow('database is locked');
    fail = false;
    await tracer.flush();
    expect((await inner.listSpans({})).spans.map((span) => span.name)).toEqual(['root']);
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  it('uses overridden prices and leaves unknown models unpriced', async () => {
    const tracer = createTracer({ prices: { 'my-model': { input: 1, output: 2 } } });
    const seen: SpanRecord[] = [];
    tracer.onSpanEnd(({ record }) => seen.push(record));
    const usage = { 'gen_ai.usage.input_tokens': 1_000_000, 'gen_ai.usage.output_tokens': 500_000 };
    tracer.startSpan('model.call', { kind: 'model', attributes: { 'gen_ai.request.model': 'my-model', ...usage } }).end();
    tracer.startSpan('model.call', { kind: 'model', attributes: { 'gen_ai.request.model': 'mystery-1', ...usage } }).end();
    expect(seen[0]!.attributes['mastra.usage.cost_usd']).toBe(2);
    expect(seen[1]!.attributes).not.toHaveProperty('mastra.usage.cost_usd');
  });

  it('computeTotals gives the same totals from stored spans', async () => {
    const store = new InMemoryTraceStore();
    const tracer = createTracer({ store });
    const { agent } = weatherAgent(tracer);
    const { runId } = await agent.generate('Weather?');
    await tracer.flush();
    const { spans } = await store.listSpans({ attributes: { 'mastra.run.id': runId } });
    expect(computeTotals(spans, { runId })).toEqual(tracer.getTotals({ runId }));
  });

  it('core skips the tracer entirely with noopTracer', async () => {
    const model = new MockLanguageModelV1({ doGenerate: textResult('ok') });
    const agent = new Agent({ name: 'plain', instructions: 'x', model, tracer: noopTracer });
    expect((await agent.generate('Hi')).text).toBe('ok');
  });
});
