import type { JSONValue } from '../shared/json-value.ts';
import type { StoreCallOptions } from './memory-store.ts';

/** A finished (or in-flight) span as stored. Times are epoch milliseconds. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string | undefined;
  name: string;
  /** `agent`, `model`, `tool`, `workflow`, `step`, or `internal`. */
  kind: string;
  startTime: number;
  endTime?: number | undefined;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string | undefined;
  attributes: Record<string, JSONValue>;
  events?: Array<{ name: string; time: number; attributes?: Record<string, JSONValue> }> | undefined;
}

/** Query for `listSpans`. */
export interface ListSpansQuery extends StoreCallOptions {
  traceId?: string;
  name?: string;
  kind?: string;
  /** Only root spans (no parent). */
  rootOnly?: boolean;
  /** Equality on attributes, e.g. `{ 'mastra.run_id': 'run-1' }`. */
  attributes?: Record<string, string | number | boolean>;
  fromTime?: number;
  toTime?: number;
  limit?: number;
  offset?: number;
}

/** Span persistence for the tracer. */
export interface TraceStore {
  /** Inserts or replaces spans by `(traceId, spanId)`, in one transaction. */
  saveSpans(spans: SpanRecord[], options?: StoreCallOptions): Promise<void>;
  getTrace(traceId: string, options?: StoreCallOptions): Promise<SpanRecord[]>;
  /** Newest first. */
  listSpans(query: ListSpansQuery): Promise<{ spans: SpanRecord[]; total: number }>;
  /** Deletes spans that started before `before`; returns how many. */
  deleteSpans(args: { before: number } & StoreCallOptions): Promise<number>;
}
