/** Attribute values a span can carry. */
export type SpanAttributeValue = string | number | boolean | string[] | number[] | undefined;
/** Span attributes. `undefined` values are dropped. */
export type SpanAttributes = Record<string, SpanAttributeValue>;

/** A timed operation. */
export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  setAttribute(key: string, value: SpanAttributeValue): this;
  setAttributes(attributes: SpanAttributes): this;
  addEvent(name: string, attributes?: SpanAttributes): this;
  /** Marks the span failed and records the error. */
  recordException(error: unknown): this;
  setStatus(status: 'ok' | 'error', message?: string): this;
  /** Ends the span. Calling it twice is a no-op. */
  end(attributes?: SpanAttributes): void;
}

/** Options of `startSpan`. */
export interface StartSpanOptions {
  /** `agent`, `model`, `tool`, `workflow`, `step`, or `internal`. */
  kind?: string;
  attributes?: SpanAttributes;
  /** The parent span; a root span starts a new trace. */
  parent?: Span | undefined;
}

/** Creates spans. `@mastra-ts/telemetry` persists and exports them. */
export interface Tracer {
  startSpan(name: string, options?: StartSpanOptions): Span;
  /** Optional: writes buffered spans out (the server calls it before it exits). */
  flush?(): Promise<void>;
  /** Optional: flushes and stops background work (timers, exporters). */
  shutdown?(): Promise<void>;
}

const noopSpan: Span = {
  traceId: '',
  spanId: '',
  setAttribute() {
    return this;
  },
  setAttributes() {
    return this;
  },
  addEvent() {
    return this;
  },
  recordException() {
    return this;
  },
  setStatus() {
    return this;
  },
  end() {},
};

/** A tracer that records nothing and allocates nothing. The default. */
export const noopTracer: Tracer = { startSpan: () => noopSpan };
