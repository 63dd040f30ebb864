import { Agent, createTool, TypeValidationError } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult, toolCallResult } from '@mastra-ts/core/testing';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTracer } from './create-tracer.ts';
import { createMastraMetrics, instrumentTracer } from './mastra-metrics.ts';
import { createMetricsRegistry } from './metrics.ts';

// one line of the text exposition format: a HELP or TYPE comment, or a sample with optional escaped labels
const exposition = /^(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.e+-]+|[+-]Inf|NaN))$/;

describe('createMetricsRegistry', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const registry = createMetricsRegistry();
    const requests = registry.counter('http_requests_total', 'Requests.\nBy route \\ method.', ['route', 'method']);
    requests.inc({ route: '/a', method: 'GET' });
    requests.inc({ route: '/a', method: 'GET' }, 2);
    requests.inc({ route: 'say "hi"\\\n', method: 'POST' });
    registry.gauge('queue_depth', 'Waiting jobs.').set({}, 7);
    const latency = registry.histogram('latency_seconds', 'Latency.', ['op'], [0.1, 1, 0.5]);
    for (const value of [0.05, 0.2, 0.7, 3]) latency.observe({ op: 'read' }, value);

    const text = registry.renderPrometheus();
    expect(text).toBe(
      [
        '# HELP http_requests_total Requests.\\nBy route \\\\ method.',
        '# TYPE http_requests_total counter',
        'http_requests_total{route="/a",method="GET"} 3',
        'http_requests_total{route="say \\"hi\\"\\\\\\n",method="POST"} 1',
        '# HELP queue_depth Waiting jobs.',
        '# TYPE queue_depth gauge',
        'queue_depth 7',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{op="read",le="0.1"} 1',
        'latency_seconds_bucket{op="read",le="0.5"} 2',
        'latency_seconds_bucket{op="read",le="1"} 3',
        'latency_seconds_bucket{op="read",le="+Inf"} 4',
        'latency_seconds_sum{op="read"} 3.95',
        'latency_seconds_count{op="read"} 4',
        '',
      ].join('\n'),
    );

    const parsed = parsePrometheusTextFormat(text);
    expect(parsed.map((family) => [family.name, family.type])).toEqual([
      ['http_requests_total', 'COUNTER'],
      ['queue_depth', 'GAUGE'],
      ['latency_seconds', 'HISTOGRAM'],
    ]);
    expect(parsed[0]!.help).toBe('Requests.\nBy route \\ method.');
    expect(parsed[0]!.metrics[1]!.labels).toEqual({ route: 'say "hi"\\\n', method: 'POST' });
    // this parser folds labeled histogram series together, so check the buckets only (labels and sum/count are in the exact text above)
    expect(parsed[2]!.metrics[0]!.buckets).toEqual({ '0.1': '1', '0.5': '2', '1': '3', '+Inf': '4' });
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(exposition);

    const plain = createMetricsRegistry();
    const histogram = plain.histogram('plain_seconds', 'Plain.', [], [1]);
    histogram.observe({}, 0.5);
    histogram.observe({}, 2);
    expect(parsePrometheusTextFormat(plain.renderPrometheus())[0]!.metrics).toEqual([{ buckets: { '1': '1', '+Inf': '2' }, count: '2', sum: '2.5' }]);
  });

  it('rejects bad names, negative counter increments and conflicting re-registration', () => {
    const registry = createMetricsRegistry();
    const cases = [
      () => registry.counter('bad-name', 'x'),
      () => registry.counter('ok_total', 'x', ['bad-label']),
      () => registry.histogram('h', 'x', ['le']),
      () => registry.counter('c_total', 'x').inc({}, -1),
      () => {
        registry.counter('same', 'x');
        registry.gauge('same', 'x');
      },
    ];
    for (const run of cases) {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(TypeValidationError.isInstance(caught)).toBe(true);
    }
    expect(registry.counter('c_total', 'x')).toBeDefined();
  });
});

describe('createMastraMetrics + instrumentTracer', () => {
  it('updates model, tool, agent and cache metrics from a traced agent run', async () => {
    const tracer = createTracer();
    const metrics = createMastraMetrics();
    const stop = instrumentTracer(tracer, metrics);
    const search = createTool({
      id: 'search',
      inputSchema: z.object({ q: z.string() }),
      execute: async ({ q }) => {
        if (q === 'boom') throw new Error('index offline');
        return 'ok';
      },
    });
    const model = new MockLanguageModelV1({
      provider: 'groq.chat',
      modelId: 'llama-3.3-70b-versatile',
      doGenerate: [
        toolCallResult([
          { toolCallId: 'a', toolName: 'search', input: { q: 'docs' } },
          { toolCallId: 'b', toolName: 'search', input: { q: 'boom' } },
        ]),
        textResult('done', { inputTokens: 100, outputTokens: 20, totalTokens: 120 }),
      ],
    });
    await new Agent({ name: 'researcher', instructions: 'x', model, tools: { search }, tracer }).generate('go');
    metrics.recordCacheLookup('model-response', true);
    metrics.recordCacheLookup('model-response', false);
    metrics.recordCacheLookup('model-response', false);
    stop();

    const labels = { provider: 'groq', model: 'llama-3.3-70b-versatile' };
    expect(metrics.modelLatency.get({ ...labels, status: 'ok' }).count).toBe(2);
    expect(metrics.modelTokens.get({ ...labels, type: 'input' })).toBe(103);
    expect(metrics.modelTokens.get({ ...labels, type: 'output' })).toBe(30);
    expect(metrics.modelCost.get(labels)).toBeCloseTo((103 * 0.59 + 30 * 0.79) / 1_000_000, 12);
    expect(metrics.toolLatency.get({ tool: 'search', status: 'ok' }).count).toBe(1);
    expect(metrics.toolLatency.get({ tool: 'search', status: 'error' }).count).toBe(1);
    expect(metrics.toolErrors.get({ tool: 'search' })).toBe(1);
    expect(metrics.agentLatency.get({ agent: 'researcher', status: 'ok' }).count).toBe(1);
    expect(metrics.cacheHits.get({ cache: 'model-response' })).toBe(1);
    expect(metrics.cacheMisses.get({ cache: 'model-response' })).toBe(2);

    const rendered = metrics.renderPrometheus();
    for (const line of rendered.trimEnd().split('\n')) expect(line).toMatch(exposition);
    const parsed = parsePrometheusTextFormat(rendered);
    const names = parsed.map((family) => family.name);
    expect(names).toEqual(expect.arrayContaining(['mastra_model_call_duration_seconds', 'mastra_model_tokens_total', 'mastra_tool_errors_total', 'mastra_cache_hits_total', 'mastra_cache_misses_total']));
    const tokens = parsed.find((family) => family.name === 'mastra_model_tokens_total')!;
    expect(tokens.metrics).toContainEqual({ labels: { ...labels, type: 'input' }, value: '103' });

    await new Agent({ name: 'researcher', instructions: 'x', model: new MockLanguageModelV1({ doGenerate: textResult('x') }), tracer }).generate('after stop');
    expect(metrics.agentLatency.get({ agent: 'researcher', status: 'ok' }).count).toBe(1);
  });

  it('records workflow run and step durations from workflow spans', () => {
    let now = 0;
    const tracer = createTracer({ now: () => now });
    const metrics = createMastraMetrics();
    instrumentTracer(tracer, metrics);
    const run = tracer.startSpan('workflow.run', { kind: 'workflow', attributes: { 'mastra.workflow.id': 'etl' } });
    const step = tracer.startSpan('workflow.step', { kind: 'step', parent: run, attributes: { 'mastra.step.id': 'load' } });
    now = 250;
    step.end();
    now = 400;
    run.end();
    expect(metrics.workflowStepLatency.get({ workflow: 'etl', step: 'load', status: 'ok' })).toEqual({ count: 1, sum: 0.25 });
    expect(metrics.workflowLatency.get({ workflow: 'etl', status: 'ok' })).toEqual({ count: 1, sum: 0.4 });
  });
});
