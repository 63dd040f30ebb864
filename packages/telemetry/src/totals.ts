import { TypeValidationError, type SpanRecord } from '@mastra-ts/core';

/** Attribute names the tracer reads and writes. */
export const attributeNames = {
  runId: 'mastra.run.id',
  threadId: 'mastra.thread.id',
  resourceId: 'mastra.resource.id',
  agentId: 'mastra.agent.id',
  workflowId: 'mastra.workflow.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cachedInputTokens: 'gen_ai.usage.cached_input_tokens',
  reasoningTokens: 'gen_ai.usage.reasoning_tokens',
  cost: 'mastra.usage.cost_usd',
  duration: 'mastra.duration_ms',
} as const;

/** Which totals to read: exactly one of the ids. */
export type TotalsQuery = { runId: string } | { threadId: string } | { workflowId: string };

/** Usage, cost and counts of a run, a thread or a workflow. */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** US dollars, over the model calls with a known price. */
  costUsd: number;
  /** Model calls with no known price (their cost is not in `costUsd`). */
  unpricedModelCalls: number;
  /** Wall time of the top-level spans (agent calls, workflow runs), in milliseconds. */
  durationMs: number;
  /** Top-level spans: agent calls or workflow runs. */
  runs: number;
  modelCalls: number;
  toolCalls: number;
  /** Model and tool calls, and top-level spans, that ended in error. */
  errors: number;
}

/** Totals with every count at zero. */
export function emptyTotals(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 0, costUsd: 0, unpricedModelCalls: 0, durationMs: 0, runs: 0, modelCalls: 0, toolCalls: 0, errors: 0 };
}

/** The `(attribute, value)` a totals query selects spans by. */
export function totalsKey(query: TotalsQuery): { attribute: string; value: string } {
  if ('runId' in query && query.runId !== undefined) return { attribute: attributeNames.runId, value: query.runId };
  if ('threadId' in query && query.threadId !== undefined) return { attribute: attributeNames.threadId, value: query.threadId };
  if ('workflowId' in query && query.workflowId !== undefined) return { attribute: attributeNames.workflowId, value: query.workflowId };
  throw new TypeValidationError({ value: query, issues: [{ path: [], message: 'pass one of runId, threadId or workflowId, e.g. getTotals({ runId })' }], context: 'totals query' });
}

const number = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Adds one ended span to `totals`. `topmost`: the span's parent does not belong to the same run/thread/workflow. */
export function accumulateTotals(totals: UsageTotals, span: SpanRecord, topmost: boolean): void {
  const attributes = span.attributes;
  const failed = span.status === 'error';
  if (span.kind === 'model') {
    totals.modelCalls++;
    const input = number(attributes[attributeNames.inputTokens]);
    const output = number(attributes[attributeNames.outputTokens]);
    totals.inputTokens += input;
    totals.outputTokens += output;
    totals.totalTokens += input + output;
    totals.cachedInputTokens += number(attributes[attributeNames.cachedInputTokens]);
    totals.reasoningTokens += number(attributes[attributeNames.reasoningTokens]);
    const cost = attributes[attributeNames.cost];
    if (typeof cost === 'number') totals.costUsd += cost;
    else totals.unpricedModelCalls++;
    if (failed) totals.errors++;
  } else if (span.kind === 'tool') {
    totals.toolCalls++;
    if (failed) totals.errors++;
  }
  if (topmost) {
    totals.runs++;
    totals.durationMs += number(attributes[attributeNames.duration]) || (span.endTime === undefined ? 0 : span.endTime - span.startTime);
    if (failed && span.kind !== 'model' && span.kind !== 'tool') totals.errors++;
  }
}

/** Totals of the spans matching `query`, computed from stored spans (e.g. `TraceStore.listSpans` results). */
export function computeTotals(spans: readonly SpanRecord[], query: TotalsQuery): UsageTotals {
  const { attribute, value } = totalsKey(query);
  const members = spans.filter((span) => span.attributes[attribute] === value);
  const ids = new Set(members.map((span) => `${span.traceId}:${span.spanId}`));
  const totals = emptyTotals();
  for (const span of members) {
    if (span.endTime === undefined) continue;
    accumulateTotals(totals, span, span.parentSpanId === undefined || !ids.has(`${span.traceId}:${span.parentSpanId}`));
  }
  return totals;
}
