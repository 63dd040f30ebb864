import { createMetricsRegistry, defaultTokenBuckets, type Counter, type Histogram, type MetricsRegistry } from './metrics.ts';
import type { TelemetryTracer } from './create-tracer.ts';
import type { EndedSpan } from './telemetry-span.ts';
import { attributeNames } from './totals.ts';

/** The metrics mastra-ts records, on one registry. */
export interface MastraMetrics {
  readonly registry: MetricsRegistry;
  /** `mastra_model_call_duration_seconds{provider,model,status}` */
  readonly modelLatency: Histogram;
  /** `mastra_model_tokens_total{provider,model,type}`, type `input`/`output`/`cached_input`/`reasoning` */
  readonly modelTokens: Counter;
  /** `mastra_model_tokens_per_call{provider,model,type}` */
  readonly modelTokensPerCall: Histogram;
  /** `mastra_model_cost_usd_total{provider,model}` */
  readonly modelCost: Counter;
  /** `mastra_model_errors_total{provider,model}` */
  readonly modelErrors: Counter;
  /** `mastra_tool_call_duration_seconds{tool,status}` */
  readonly toolLatency: Histogram;
  /** `mastra_tool_errors_total{tool}` */
  readonly toolErrors: Counter;
  /** `mastra_agent_run_duration_seconds{agent,status}` */
  readonly agentLatency: Histogram;
  /** `mastra_workflow_run_duration_seconds{workflow,status}` */
  readonly workflowLatency: Histogram;
  /** `mastra_workflow_step_duration_seconds{workflow,step,status}` */
  readonly workflowStepLatency: Histogram;
  /** `mastra_cache_hits_total{cache}` */
  readonly cacheHits: Counter;
  /** `mastra_cache_misses_total{cache}` */
  readonly cacheMisses: Counter;
  /** Updates the metrics from one ended span (model, tool, agent, workflow or step). */
  recordSpan(ended: EndedSpan): void;
  /** Counts a cache lookup, e.g. from `cachedModel({ onLookup })` of `@mastra-ts/cache`. */
  recordCacheLookup(cache: string, hit: boolean): void;
  /** The registry as Prometheus text, for a `/metrics` route. */
  renderPrometheus(): string;
}

const text = (value: unknown, fallback = 'unknown'): string => (typeof value === 'string' && value.length > 0 ? value : fallback);
const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Creates the mastra-ts metrics on a new (or the given) registry. */
export function createMastraMetrics({ registry = createMetricsRegistry() }: { registry?: MetricsRegistry } = {}): MastraMetrics {
  const modelLatency = registry.histogram('mastra_model_call_duration_seconds', 'Duration of language model calls, in seconds.', ['provider', 'model', 'status']);
  const modelTokens = registry.counter('mastra_model_tokens_total', 'Tokens used by language model calls.', ['provider', 'model', 'type']);
  const modelTokensPerCall = registry.histogram('mastra_model_tokens_per_call', 'Tokens per language model call.', ['provider', 'model', 'type'], defaultTokenBuckets);
  const modelCost = registry.counter('mastra_model_cost_usd_total', 'Cost of language model calls, in US dollars (priced models only).', ['provider', 'model']);
  const modelErrors = registry.counter('mastra_model_errors_total', 'Language model calls that failed.', ['provider', 'model']);
  const toolLatency = registry.histogram('mastra_tool_call_duration_seconds', 'Duration of tool executions, in seconds.', ['tool', 'status']);
  const toolErrors = registry.counter('mastra_tool_errors_total', 'Tool executions that failed.', ['tool']);
  const agentLatency = registry.histogram('mastra_agent_run_duration_seconds', 'Duration of agent generate/stream calls, in seconds.', ['agent', 'status']);
  const workflowLatency = registry.histogram('mastra_workflow_run_duration_seconds', 'Duration of workflow runs, in seconds.', ['workflow', 'status']);
  const workflowStepLatency = registry.histogram('mastra_workflow_step_duration_seconds', 'Duration of workflow steps, in seconds.', ['workflow', 'step', 'status']);
  const cacheHits = registry.counter('mastra_cache_hits_total', 'Cache lookups answered from the cache.', ['cache']);
  const cacheMisses = registry.counter('mastra_cache_misses_total', 'Cache lookups that missed.', ['cache']);

  return {
    registry,
    modelLatency,
    modelTokens,
    modelTokensPerCall,
    modelCost,
    modelErrors,
    toolLatency,
    toolErrors,
    agentLatency,
    workflowLatency,
    workflowStepLatency,
    cacheHits,
    cacheMisses,
    recordSpan({ record, durationMs }: EndedSpan): void {
      const attributes = record.attributes;
      const status = record.status === 'error' ? 'error' : 'ok';
      const seconds = durationMs / 1000;
      switch (record.kind) {
        case 'model': {
          const provider = text(attributes['gen_ai.system']).split('.')[0]!;
          const model = text(attributes['gen_ai.response.model'] ?? attributes['gen_ai.request.model']);
          modelLatency.observe({ provider, model, status }, seconds);
          if (status === 'error') modelErrors.inc({ provider, model });
          for (const [type, attribute] of [
            ['input', attributeNames.inputTokens],
            ['output', attributeNames.outputTokens],
            ['cached_input', attributeNames.cachedInputTokens],
            ['reasoning', attributeNames.reasoningTokens],
          ] as const) {
            const tokens = count(attributes[attribute]);
            if (tokens === undefined) continue;
            modelTokens.inc({ provider, model, type }, tokens);
            modelTokensPerCall.observe({ provider, model, type }, tokens);
          }
          const cost = count(attributes[attributeNames.cost]);
          if (cost !== undefined) modelCost.inc({ provider, model }, cost);
          return;
        }
        case 'tool': {
          const tool = text(attributes['gen_ai.tool.name'], record.name);
          toolLatency.observe({ tool, status }, seconds);
          if (status === 'error') toolErrors.inc({ tool });
          return;
        }
        case 'agent':
          agentLatency.observe({ agent: text(attributes[attributeNames.agentId]), status }, seconds);
          return;
        case 'workflow':
          workflowLatency.observe({ workflow: text(attributes[attributeNames.workflowId], record.name), status }, seconds);
          return;
        case 'step':
          workflowStepLatency.observe({ workflow: text(attributes[attributeNames.workflowId]), step: text(attributes['mastra.step.id'], record.name), status }, seconds);
          return;
        default:
          return;
      }
    },
    recordCacheLookup(cache: string, hit: boolean): void {
      (hit ? cacheHits : cacheMisses).inc({ cache });
    },
    renderPrometheus: () => registry.renderPrometheus(),
  };
}

/** Feeds every span the tracer ends into the metrics. Returns a function that stops it. */
export function instrumentTracer(tracer: TelemetryTracer, metrics: MastraMetrics): () => void {
  return tracer.onSpanEnd((ended) => metrics.recordSpan(ended));
}
