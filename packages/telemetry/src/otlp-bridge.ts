import { ConfigError, type JSONValue } from '@mastra-ts/core';
import type * as OtelApi from '@opentelemetry/api';
import type { EndedSpan } from './telemetry-span.ts';

/** Settings of the OTLP export. */
export interface OtlpSettings {
  /** The collector's traces endpoint. Default: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `http://localhost:4318/v1/traces`. */
  url?: string;
  /** Extra HTTP headers (e.g. an API key of a hosted collector). */
  headers?: Record<string, string>;
  /** `service.name` of the resource. Default `OTEL_SERVICE_NAME`, else `mastra-ts`. */
  serviceName?: string;
  /** More resource attributes, e.g. `{ 'deployment.environment': 'prod' }`. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** Instead of OTLP/HTTP, any OpenTelemetry `SpanExporter` (e.g. `InMemorySpanExporter` or a gRPC exporter). */
  exporter?: object;
  /** Send each span at once instead of batching (default false). */
  simple?: boolean;
}

/** The OpenTelemetry side of the tracer. */
export interface OtlpBridge {
  export(ended: EndedSpan): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const providerNames: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  groq: 'groq',
  deepseek: 'deepseek',
  ollama: 'ollama',
  'azure-openai': 'azure.ai.openai',
  google: 'gcp.gemini',
  mistral: 'mistral_ai',
};

/** The span name and attributes an OpenTelemetry backend expects (GenAI semantic conventions). */
export function toGenAiConventions(ended: EndedSpan): { name: string; attributes: Record<string, JSONValue> } {
  const { record } = ended;
  const attributes: Record<string, JSONValue> = { ...record.attributes };
  const system = attributes['gen_ai.system'];
  if (typeof system === 'string' && attributes['gen_ai.provider.name'] === undefined) {
    const base = system.split('.')[0]!;
    attributes['gen_ai.provider.name'] = providerNames[base] ?? base;
  }
  if (attributes['mastra.agent.id'] !== undefined) {
    attributes['gen_ai.agent.id'] ??= attributes['mastra.agent.id'];
    attributes['gen_ai.agent.name'] ??= attributes['mastra.agent.id'];
  }
  if (attributes['mastra.thread.id'] !== undefined) attributes['gen_ai.conversation.id'] ??= attributes['mastra.thread.id'];
  let name = record.name;
  if (record.kind === 'model') name = `chat ${String(attributes['gen_ai.request.model'] ?? '')}`.trim();
  else if (record.kind === 'tool') name = `execute_tool ${String(attributes['gen_ai.tool.name'] ?? '')}`.trim();
  else if (record.kind === 'agent') name = `invoke_agent ${String(attributes['gen_ai.agent.name'] ?? '')}`.trim();
  return { name, attributes };
}

function otelAttributes(attributes: Record<string, JSONValue>): OtelApi.Attributes {
  const result: OtelApi.Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') result[key] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) result[key] = value as string[];
    else if (Array.isArray(value) && value.every((item) => typeof item === 'number')) result[key] = value as number[];
    else result[key] = JSON.stringify(value);
  }
  return result;
}

async function importOptional<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (cause) {
    throw new ConfigError({
      message: `otlp export needs the optional dependency ${name}: run \`pnpm add @opentelemetry/api @opentelemetry/sdk-trace-base @opentelemetry/exporter-trace-otlp-http @opentelemetry/resources\`, or remove the otlp setting`,
      field: 'otlp',
      value: name,
      cause,
    });
  }
}

/** Loads the OpenTelemetry SDK (dynamically: only when OTLP is configured) and returns the export bridge. */
export async function startOtlpBridge(settings: OtlpSettings): Promise<OtlpBridge> {
  const api = await importOptional<typeof import('@opentelemetry/api')>('@opentelemetry/api');
  const sdk = await importOptional<typeof import('@opentelemetry/sdk-trace-base')>('@opentelemetry/sdk-trace-base');
  const resources = await importOptional<typeof import('@opentelemetry/resources')>('@opentelemetry/resources');
  let exporter = settings.exporter as import('@opentelemetry/sdk-trace-base').SpanExporter | undefined;
  if (exporter === undefined) {
    const http = await importOptional<typeof import('@opentelemetry/exporter-trace-otlp-http')>('@opentelemetry/exporter-trace-otlp-http');
    const url = settings.url ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? 'http://localhost:4318/v1/traces';
    exporter = new http.OTLPTraceExporter({ url, ...(settings.headers ? { headers: settings.headers } : {}) });
  }
  const next = { traceId: '', spanId: '' };
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': settings.serviceName ?? process.env.OTEL_SERVICE_NAME ?? 'mastra-ts', ...settings.resourceAttributes }),
    // the exported spans keep the ids stored through the TraceStore, so both views of a trace line up
    idGenerator: { generateTraceId: () => next.traceId, generateSpanId: () => next.spanId },
    spanProcessors: [settings.simple ? new sdk.SimpleSpanProcessor(exporter) : new sdk.BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('@mastra-ts/telemetry');

  return {
    export(ended: EndedSpan): void {
      const { record } = ended;
      const { name, attributes } = toGenAiConventions(ended);
      const parent = record.parentSpanId
        ? api.trace.setSpanContext(api.ROOT_CONTEXT, { traceId: record.traceId, spanId: record.parentSpanId, traceFlags: api.TraceFlags.SAMPLED, isRemote: true })
        : api.ROOT_CONTEXT;
      next.traceId = record.traceId;
      next.spanId = record.spanId;
      const span = tracer.startSpan(
        name,
        { kind: record.kind === 'model' ? api.SpanKind.CLIENT : api.SpanKind.INTERNAL, startTime: ended.startTimePrecise, attributes: otelAttributes(attributes) },
        parent,
      );
      for (const event of record.events ?? []) span.addEvent(event.name, otelAttributes(event.attributes ?? {}), event.time);
      if (record.status === 'error') span.setStatus({ code: api.SpanStatusCode.ERROR, ...(record.statusMessage === undefined ? {} : { message: record.statusMessage }) });
      else if (record.status === 'ok') span.setStatus({ code: api.SpanStatusCode.OK });
      span.end(ended.startTimePrecise + ended.durationMs);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
