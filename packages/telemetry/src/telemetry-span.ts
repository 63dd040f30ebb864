import type { JSONValue, Span, SpanAttributes, SpanAttributeValue, SpanRecord } from '@mastra-ts/core';
import { attributeNames } from './totals.ts';

const inherited = [attributeNames.runId, attributeNames.threadId, attributeNames.resourceId, attributeNames.agentId, attributeNames.workflowId] as const;
const operations: Record<string, string> = { model: 'chat', tool: 'execute_tool', agent: 'invoke_agent' };

/** What a span reports to its tracer when it ends. */
export interface EndedSpan {
  record: SpanRecord;
  /** Precise duration in milliseconds. */
  durationMs: number;
  /** Precise start, in epoch milliseconds (fractional). */
  startTimePrecise: number;
  span: TelemetrySpan;
}

/** The tracer side of a span. */
export interface SpanHost {
  now(): number;
  end(span: TelemetrySpan, durationMs: number, startTimePrecise: number): void;
}

/** Usage and cost summed over a span's descendants. */
export interface DescendantUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  pricedCalls: number;
  modelCalls: number;
}

function copyAttribute(target: Record<string, JSONValue>, key: string, value: SpanAttributeValue): void {
  if (value === undefined) return;
  target[key] = Array.isArray(value) ? [...value] : value;
}

/** A span of `@mastra-ts/telemetry`: records attributes, events and status, and hands its record to the tracer on `end`. */
export class TelemetrySpan implements Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: string;
  readonly parent: TelemetrySpan | undefined;
  readonly attributes: Record<string, JSONValue> = {};
  readonly descendants: DescendantUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, costUsd: 0, pricedCalls: 0, modelCalls: 0 };
  events: NonNullable<SpanRecord['events']> | undefined;
  status: SpanRecord['status'] = 'unset';
  statusMessage: string | undefined;
  readonly startTime: number;
  endTime: number | undefined;
  readonly #host: SpanHost;
  readonly #start: number;

  constructor(host: SpanHost, ids: { traceId: string; spanId: string; parentSpanId: string | undefined }, name: string, kind: string, parent: TelemetrySpan | undefined, attributes: SpanAttributes | undefined) {
    this.#host = host;
    this.traceId = ids.traceId;
    this.spanId = ids.spanId;
    this.parentSpanId = ids.parentSpanId;
    this.name = name;
    this.kind = kind;
    this.parent = parent;
    this.#start = host.now();
    this.startTime = Math.floor(this.#start);
    if (parent) {
      for (const key of inherited) {
        const value = parent.attributes[key];
        if (value !== undefined) this.attributes[key] = value;
      }
    }
    const operation = operations[kind];
    if (operation !== undefined) this.attributes['gen_ai.operation.name'] = operation;
    if (attributes) for (const key in attributes) copyAttribute(this.attributes, key, attributes[key]);
  }

  get ended(): boolean {
    return this.endTime !== undefined;
  }

  setAttribute(key: string, value: SpanAttributeValue): this {
    if (this.endTime === undefined) copyAttribute(this.attributes, key, value);
    return this;
  }

  setAttributes(attributes: SpanAttributes): this {
    if (this.endTime === undefined) for (const key in attributes) copyAttribute(this.attributes, key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributes?: SpanAttributes): this {
    if (this.endTime !== undefined) return this;
    const event: NonNullable<SpanRecord['events']>[number] = { name, time: Math.floor(this.#host.now()) };
    if (attributes) {
      const copied: Record<string, JSONValue> = {};
      for (const key in attributes) copyAttribute(copied, key, attributes[key]);
      event.attributes = copied;
    }
    (this.events ??= []).push(event);
    return this;
  }

  recordException(error: unknown): this {
    if (this.endTime !== undefined) return this;
    const isError = error instanceof Error;
    const message = isError ? error.message : String(error);
    this.addEvent('exception', {
      'exception.type': isError ? error.name : typeof error,
      'exception.message': message,
      'exception.stacktrace': isError ? error.stack : undefined,
    });
    this.status = 'error';
    this.statusMessage = message;
    return this;
  }

  setStatus(status: 'ok' | 'error', message?: string): this {
    if (this.endTime !== undefined) return this;
    this.status = status;
    this.statusMessage = message;
    return this;
  }

  end(attributes?: SpanAttributes): void {
    if (this.endTime !== undefined) return;
    if (attributes) for (const key in attributes) copyAttribute(this.attributes, key, attributes[key]);
    const end = this.#host.now();
    this.endTime = Math.max(this.startTime, Math.floor(end));
    const durationMs = Math.max(0, end - this.#start);
    this.attributes[attributeNames.duration] = durationMs;
    this.#host.end(this, durationMs, this.#start);
  }

  /** The span as stored. */
  toRecord(): SpanRecord {
    const record: SpanRecord = { traceId: this.traceId, spanId: this.spanId, name: this.name, kind: this.kind, startTime: this.startTime, status: this.status, attributes: this.attributes };
    if (this.parentSpanId !== undefined) record.parentSpanId = this.parentSpanId;
    if (this.endTime !== undefined) record.endTime = this.endTime;
    if (this.statusMessage !== undefined) record.statusMessage = this.statusMessage;
    if (this.events !== undefined) record.events = this.events;
    return record;
  }
}
