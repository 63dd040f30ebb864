// Tracing overhead per agent.generate() with a mock model: noopTracer vs createTracer, same run.
// Time is process CPU time (user + system), which stays meaningful on a shared, loaded machine.
// Run: pnpm --filter @mastra-ts/telemetry bench
import { Agent, createTool, InMemoryTraceStore, noopTracer, type TraceStore, type Tracer } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult, toolCallResult } from '@mastra-ts/core/testing';
import { createMastraMetrics, createTracer, instrumentTracer } from '../src/index.ts';

const iterations = 20_000;
const discardingStore: TraceStore = { saveSpans: async () => {}, getTrace: async () => [], listSpans: async () => ({ spans: [], total: 0 }), deleteSpans: async () => 0 };
const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const usage = process.cpuUsage(since);
  return usage.user + usage.system;
};
const rounds = 5;

function makeAgent(tracer: Tracer, withTools: boolean): Agent {
  const lookup = createTool({ id: 'lookup', execute: async () => 'ok' });
  const model = new MockLanguageModelV1({
    provider: 'openai.chat',
    modelId: 'gpt-4o-mini',
    doGenerate: withTools
      ? (options) => (options.prompt.some((message) => message.role === 'tool') ? textResult('done') : toolCallResult([{ toolCallId: 'a', toolName: 'lookup', input: {} }, { toolCallId: 'b', toolName: 'lookup', input: {} }]))
      : () => textResult('done'),
  });
  return new Agent({ name: 'bench', instructions: 'x', model, tracer, ...(withTools ? { tools: { lookup } } : {}) });
}

async function perCallMicros(make: () => { agent: Agent; after?: () => Promise<void> }): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const { agent, after } = make();
    for (let index = 0; index < 500; index++) await agent.generate('hi');
    const start = process.cpuUsage();
    for (let index = 0; index < iterations; index++) await agent.generate('hi');
    await after?.();
    best = Math.min(best, cpuMicros(start) / iterations);
  }
  return best;
}

console.log(`tracer overhead: ${iterations.toLocaleString()} agent.generate() calls per round (best of ${rounds}), node ${process.version}`);
for (const [label, withTools, spans] of [
  ['1 model call', false, 2],
  ['2 model calls + 2 tool calls', true, 5],
] as const) {
  const noop = await perCallMicros(() => ({ agent: makeAgent(noopTracer, withTools) }));
  const memoryOnly = await perCallMicros(() => ({ agent: makeAgent(createTracer(), withTools) }));
  const batched = await perCallMicros(() => {
    const tracer = createTracer({ store: discardingStore });
    return { agent: makeAgent(tracer, withTools), after: () => tracer.flush() };
  });
  const stored = await perCallMicros(() => {
    const tracer = createTracer({ store: new InMemoryTraceStore() });
    return { agent: makeAgent(tracer, withTools), after: () => tracer.flush() };
  });
  const withMetrics = await perCallMicros(() => {
    const tracer = createTracer({ store: discardingStore });
    instrumentTracer(tracer, createMastraMetrics());
    return { agent: makeAgent(tracer, withTools), after: () => tracer.flush() };
  });
  console.log(`\n${label} (${spans} spans per call)`);
  console.log(`  noopTracer                                   ${noop.toFixed(1).padStart(7)} µs/call`);
  for (const [name, value] of [
    ['createTracer (totals, no store)', memoryOnly],
    ['createTracer + batching to a store', batched],
    ['createTracer + batching + metrics', withMetrics],
    ['createTracer + core InMemoryTraceStore', stored],
  ] as const) {
    const overhead = value - noop;
    console.log(`  ${name.padEnd(44)} ${value.toFixed(1).padStart(7)} µs/call  +${overhead.toFixed(1)} µs (${(overhead / spans).toFixed(2)} µs/span)  ratio ${(value / noop).toFixed(2)}x`);
  }
}
