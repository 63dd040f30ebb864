import type { SpanRecord, TraceStore } from '@mastra-ts/core';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import { intQuery, jsonQuery, optionalString } from '../input.ts';
import { defineRoute, json, type RouteDefinition } from '../route.ts';

const spanTypes: Record<string, string> = { agent: 'agent_run', model: 'model_generation', tool: 'tool_call', workflow: 'workflow_run', step: 'workflow_step' };

/** A stored span in the shape of Mastra's observability `Span`. */
export function toMastraSpan(span: SpanRecord): Record<string, unknown> {
  const attributes = span.attributes;
  const text = (key: string): string | undefined => (typeof attributes[key] === 'string' ? (attributes[key] as string) : undefined);
  const entityId = text('mastra.agent.id') ?? text('mastra.workflow.id') ?? text('gen_ai.tool.name');
  const entityType = text('mastra.agent.id') ? 'agent' : text('mastra.workflow.id') ? 'workflow_run' : text('gen_ai.tool.name') ? 'tool' : undefined;
  const startedAt = new Date(span.startTime).toISOString();
  const endedAt = span.endTime === undefined ? undefined : new Date(span.endTime).toISOString();
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? null,
    name: span.name,
    spanType: spanTypes[span.kind] ?? span.kind,
    isEvent: false,
    status: span.endTime === undefined ? 'running' : span.status === 'error' ? 'error' : 'success',
    startedAt,
    endedAt,
    ...(entityType ? { entityType, entityId, entityName: entityId } : {}),
    runId: text('mastra.run.id') ?? text('mastra.run_id'),
    threadId: text('mastra.thread.id'),
    resourceId: text('mastra.resource.id'),
    attributes,
    events: span.events ?? [],
    error: span.status === 'error' ? { message: span.statusMessage ?? 'error' } : undefined,
    durationMs: span.endTime === undefined ? undefined : span.endTime - span.startTime,
    createdAt: startedAt,
    updatedAt: endedAt ?? startedAt,
  };
}

function traceStore(mastraStorage: { traces?: TraceStore } | undefined): TraceStore {
  const store = mastraStorage?.traces;
  if (!store) throw new HttpError('NOT_IMPLEMENTED', 'No trace store: give Mastra a storage with traces (e.g. createSqliteStorage()) and a tracer from @mastra-ts/telemetry');
  return store;
}

/** Observability routes: traces (root spans), one trace, one span. */
export function traceRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/observability/traces',
      family: 'observability',
      summary: 'List traces (root spans), newest first',
      query: z.object({
        page: intQuery(0),
        perPage: intQuery(1, 1000),
        entityId: optionalString(),
        entityType: optionalString(),
        name: optionalString(),
        spanType: optionalString(),
        runId: optionalString(),
        status: z.enum(['success', 'error', 'running']).optional(),
        dateRange: jsonQuery(z.object({ start: z.coerce.date().optional(), end: z.coerce.date().optional() }).optional()),
      }),
      async handler({ mastra, input, abortSignal }) {
        const store = traceStore(mastra.getStorage());
        const page = input.page ?? 0;
        const perPage = input.perPage ?? 50;
        const kind = input.spanType ? Object.entries(spanTypes).find(([, value]) => value === input.spanType)?.[0] ?? input.spanType : undefined;
        const attributes: Record<string, string> = {};
        if (input.runId) attributes['mastra.run.id'] = input.runId;
        if (input.entityId && (input.entityType === 'agent' || input.entityType === undefined)) attributes['mastra.agent.id'] = input.entityId;
        if (input.entityId && input.entityType === 'workflow_run') attributes['mastra.workflow.id'] = input.entityId;
        const { spans, total } = await store.listSpans({
          rootOnly: true,
          limit: perPage,
          offset: page * perPage,
          ...(kind ? { kind } : {}),
          ...(input.name ? { name: input.name } : {}),
          ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
          ...(input.dateRange?.start ? { fromTime: input.dateRange.start.getTime() } : {}),
          ...(input.dateRange?.end ? { toTime: input.dateRange.end.getTime() } : {}),
          abortSignal,
        });
        const mapped = spans.map(toMastraSpan).filter((span) => input.status === undefined || span.status === input.status);
        return json({ pagination: { total, page, perPage, hasMore: (page + 1) * perPage < total }, spans: mapped });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/observability/traces/:traceId',
      family: 'observability',
      summary: 'All spans of a trace',
      params: z.object({ traceId: z.string().min(1) }),
      async handler({ mastra, input, abortSignal }) {
        const spans = await traceStore(mastra.getStorage()).getTrace(input.traceId, { abortSignal });
        if (spans.length === 0) throw new HttpError('NOT_FOUND', `No trace with id "${input.traceId}"`);
        return json({ traceId: input.traceId, spans: spans.map(toMastraSpan) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/observability/traces/:traceId/spans/:spanId',
      family: 'observability',
      summary: 'One span',
      params: z.object({ traceId: z.string().min(1), spanId: z.string().min(1) }),
      async handler({ mastra, input, abortSignal }) {
        const spans = await traceStore(mastra.getStorage()).getTrace(input.traceId, { abortSignal });
        const span = spans.find((candidate) => candidate.spanId === input.spanId);
        if (!span) throw new HttpError('NOT_FOUND', `No span "${input.spanId}" in trace "${input.traceId}"`);
        return json({ span: toMastraSpan(span) });
      },
    }),
  ];
}
