import { randomFillSync } from 'node:crypto';
import { TypeValidationError, type Span, type SpanRecord, type StartSpanOptions, type TraceStore, type Tracer } from '@mastra-ts/core';
import { startOtlpBridge, type OtlpBridge, type OtlpSettings } from './otlp-bridge.ts';
import { costOf, defaultPrices, findPrice, type PriceTable } from './pricing.ts';
import { TelemetrySpan, type EndedSpan, type SpanHost } from './telemetry-span.ts';
import { accumulateTotals, attributeNames, computeTotals, emptyTotals, totalsKey, type TotalsQuery, type UsageTotals } from './totals.ts';

/** Settings of `createTracer`. */
export interface TracerSettings {
  /** Where ended spans are persisted, in batches. Without a store spans only feed totals, listeners and OTLP. */
  store?: TraceStore;
  /** Flush when this many ended spans are waiting (default 100). A root span's end always flushes. */
  batchSize?: number;
  /** Flush waiting spans at least this often, in milliseconds (default 5000). The timer never keeps the process alive. */
  flushIntervalMs?: number;
  /** Most spans kept waiting when the store fails; the oldest are dropped beyond it (default 10 000). */
  maxQueueSize?: number;
  /** Prices per 1M tokens, merged over `defaultPrices` (set a model to override it). */
  prices?: PriceTable;
  /** Export to an OpenTelemetry collector over OTLP/HTTP (needs the optional `@opentelemetry/*` peer dependencies). */
  otlp?: OtlpSettings;
  /** How many run/thread/workflow ids `getTotals` remembers in memory (default 10 000, oldest forgotten first). */
  maxTotalsEntries?: number;
  /** Called when persisting or exporting fails; spans are kept and retried at the next flush. Default: a process warning. */
  onError?: (error: unknown) => void;
  /** Clock in epoch milliseconds (may be fractional). Default: `performance.timeOrigin + performance.now()`. */
  now?: () => number;
}

/** A `Tracer` (core's contract) that persists, prices, totals and exports spans. */
export interface TelemetryTracer extends Tracer {
  startSpan(name: string, options?: StartSpanOptions): Span;
  /** Persists (and exports) every ended span waiting. */
  flush(): Promise<void>;
  /** Flushes, stops the timer and shuts the OTLP exporter down. Spans ended later are still recorded in memory. */
  shutdown(): Promise<void>;
  /** In-memory totals of the spans ended by this tracer for a run, a thread or a workflow. */
  getTotals(query: TotalsQuery): UsageTotals;
  /** Totals computed from the store (survives restarts; flush first for the latest spans). */
  loadTotals(query: TotalsQuery & { abortSignal?: AbortSignal }): Promise<UsageTotals>;
  /** Calls `listener` with every ended span (after cost is computed); returns an unsubscribe function. */
  onSpanEnd(listener: (span: EndedSpan) => void): () => void;
  /** Spans dropped because the store kept failing and the queue was full. */
  readonly droppedSpans: number;
}

type TotalsAttribute = typeof attributeNames.runId | typeof attributeNames.threadId | typeof attributeNames.workflowId;

const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const text = pool.toString('hex', poolOffset, (poolOffset += bytes));
    // an all-zero id is invalid in W3C trace context
    if (text !== '0'.repeat(bytes * 2)) return text;
  }
}

function positive(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value > 0)) {
    throw new TypeValidationError({ value, issues: [{ path: [field], message: `${field} must be a positive number, got ${String(value)}` }], context: 'createTracer settings' });
  }
  return value;
}

/**
 * Creates a tracer for core's `Agent` and `Mastra`: spans keep parent links, status, timing, events and exceptions;
 * model spans get a cost from a price table; totals are kept per run, thread and workflow; ended spans are saved
 * through a `TraceStore` in batches and optionally exported over OTLP following the GenAI semantic conventions.
 *
 * @example
 * const tracer = createTracer({ store: storage.traces, otlp: { url: 'http://127.0.0.1:4318/v1/traces' } });
 * const mastra = new Mastra({ agents: { support }, tracer });
 * await support.generate('Hi');
 * tracer.getTotals({ runId }); // { inputTokens, outputTokens, costUsd, modelCalls, toolCalls, durationMs, … }
 */
export function createTracer(settings: TracerSettings = {}): TelemetryTracer {
  return new TelemetryTracerImpl(settings);
}

class TelemetryTracerImpl implements TelemetryTracer, SpanHost {
  readonly #store: TraceStore | undefined;
  readonly #batchSize: number;
  readonly #maxQueueSize: number;
  readonly #prices: PriceTable;
  readonly #maxTotals: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  readonly #totals: Record<TotalsAttribute, Map<string, UsageTotals>> = { [attributeNames.runId]: new Map<string, UsageTotals>(), [attributeNames.threadId]: new Map<string, UsageTotals>(), [attributeNames.workflowId]: new Map<string, UsageTotals>() };
  // insertion order of totals keys; deleting the oldest through Map#keys() is O(deleted) on V8
  #totalsOrder: Array<[Map<string, UsageTotals>, string]> = [];
  #totalsHead = 0;
  #totalsSize = 0;
  readonly #listeners = new Set<(span: EndedSpan) => void>();
  readonly #flushIntervalMs: number;
  #pending: SpanRecord[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | undefined;
  #otlp: Promise<OtlpBridge> | undefined;
  #dropped = 0;

  constructor(settings: TracerSettings) {
    this.#store = settings.store;
    this.#batchSize = positive('batchSize', settings.batchSize, 100);
    this.#flushIntervalMs = positive('flushIntervalMs', settings.flushIntervalMs, 5000);
    this.#maxQueueSize = positive('maxQueueSize', settings.maxQueueSize, 10_000);
    this.#maxTotals = positive('maxTotalsEntries', settings.maxTotalsEntries, 10_000);
    this.#prices = { ...defaultPrices, ...settings.prices };
    this.#onError = settings.onError ?? ((error) => process.emitWarning(`@mastra-ts/telemetry: ${error instanceof Error ? error.message : String(error)}`, { type: 'TelemetryWarning' }));
    this.#now = settings.now ?? (() => performance.timeOrigin + performance.now());
    if (settings.otlp) {
      this.#otlp = startOtlpBridge(settings.otlp);
      this.#otlp.catch(() => {});
    }
  }

  get droppedSpans(): number {
    return this.#dropped;
  }

  now(): number {
    return this.#now();
  }

  startSpan(name: string, options?: StartSpanOptions): Span {
    const parent = options?.parent;
    const telemetryParent = parent instanceof TelemetrySpan ? parent : undefined;
    const linked = parent !== undefined && parent.traceId !== '' && parent.spanId !== '';
    const ids = { traceId: linked ? parent.traceId : randomHex(16), spanId: randomHex(8), parentSpanId: linked ? parent.spanId : undefined };
    return new TelemetrySpan(this, ids, name, options?.kind ?? 'internal', telemetryParent, options?.attributes);
  }

  end(span: TelemetrySpan, durationMs: number, startTimePrecise: number): void {
    const attributes = span.attributes;
    if (span.kind === 'model') this.#priceModelCall(span);
    else if (span.descendants.modelCalls > 0) {
      const usage = span.descendants;
      if (usage.pricedCalls > 0) attributes[attributeNames.cost] = usage.costUsd;
      if (attributes[attributeNames.inputTokens] === undefined) {
        attributes[attributeNames.inputTokens] = usage.inputTokens;
        attributes[attributeNames.outputTokens] = usage.outputTokens;
        attributes[attributeNames.cachedInputTokens] = usage.cachedInputTokens;
        attributes[attributeNames.reasoningTokens] = usage.reasoningTokens;
      }
    }
    const record = span.toRecord();
    this.#addTotals(span, record);
    const ended: EndedSpan = { record, durationMs, startTimePrecise, span };
    for (const listener of this.#listeners) {
      try {
        listener(ended);
      } catch (error) {
        this.#onError(error);
      }
    }
    if (this.#otlp) void this.#otlp.then((bridge) => bridge.export(ended), this.#onError);
    if (this.#store === undefined) return;
    this.#pending.push(record);
    if (this.#pending.length > this.#maxQueueSize) {
      const overflow = this.#pending.length - this.#maxQueueSize;
      this.#pending.splice(0, overflow);
      this.#dropped += overflow;
    }
    if (span.parentSpanId === undefined || this.#pending.length >= this.#batchSize) void this.flush().catch(this.#onError);
    else this.#startTimer();
  }

  #priceModelCall(span: TelemetrySpan): void {
    const attributes = span.attributes;
    const modelId = (attributes['gen_ai.response.model'] ?? attributes['gen_ai.request.model']) as string | undefined;
    const input = attributes[attributeNames.inputTokens] as number | undefined;
    const output = attributes[attributeNames.outputTokens] as number | undefined;
    const cached = attributes[attributeNames.cachedInputTokens] as number | undefined;
    const reasoning = attributes[attributeNames.reasoningTokens] as number | undefined;
    let cost: number | undefined;
    if (modelId !== undefined) {
      const requested = attributes['gen_ai.request.model'] as string | undefined;
      const price = findPrice(this.#prices, attributes['gen_ai.system'] as string | undefined, modelId) ?? (requested === undefined ? undefined : findPrice(this.#prices, attributes['gen_ai.system'] as string | undefined, requested));
      cost = costOf(price, { inputTokens: input, outputTokens: output, cachedInputTokens: cached });
      if (cost !== undefined) attributes[attributeNames.cost] = cost;
    }
    for (let ancestor = span.parent; ancestor; ancestor = ancestor.parent) {
      if (ancestor.ended) break;
      const usage = ancestor.descendants;
      usage.modelCalls++;
      usage.inputTokens += input ?? 0;
      usage.outputTokens += output ?? 0;
      usage.cachedInputTokens += cached ?? 0;
      usage.reasoningTokens += reasoning ?? 0;
      if (cost !== undefined) {
        usage.costUsd += cost;
        usage.pricedCalls++;
      }
    }
  }

  #addTotals(span: TelemetrySpan, record: SpanRecord): void {
    this.#addTotalsFor(span, record, attributeNames.runId);
    this.#addTotalsFor(span, record, attributeNames.threadId);
    this.#addTotalsFor(span, record, attributeNames.workflowId);
  }

  #addTotalsFor(span: TelemetrySpan, record: SpanRecord, attribute: TotalsAttribute): void {
    const value = record.attributes[attribute];
    if (typeof value !== 'string') return;
    const map = this.#totals[attribute];
    let totals = map.get(value);
    if (totals === undefined) {
      totals = emptyTotals();
      map.set(value, totals);
      this.#totalsOrder.push([map, value]);
      if (++this.#totalsSize > this.#maxTotals) {
        const [oldestMap, oldestKey] = this.#totalsOrder[this.#totalsHead++]!;
        oldestMap.delete(oldestKey);
        this.#totalsSize--;
        if (this.#totalsHead > 4096) {
          this.#totalsOrder = this.#totalsOrder.slice(this.#totalsHead);
          this.#totalsHead = 0;
        }
      }
    }
    accumulateTotals(totals, record, span.parentSpanId === undefined || span.parent?.attributes[attribute] !== value);
  }

  getTotals(query: TotalsQuery): UsageTotals {
    const { attribute, value } = totalsKey(query);
    return { ...(this.#totals[attribute as TotalsAttribute].get(value) ?? emptyTotals()) };
  }

  async loadTotals(query: TotalsQuery & { abortSignal?: AbortSignal }): Promise<UsageTotals> {
    if (this.#store === undefined) return this.getTotals(query);
    const { attribute, value } = totalsKey(query);
    const spans: SpanRecord[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.#store.listSpans({ attributes: { [attribute]: value }, limit: 1000, offset, ...(query.abortSignal ? { abortSignal: query.abortSignal } : {}) });
      spans.push(...page.spans);
      if (page.spans.length < 1000 || spans.length >= page.total) break;
    }
    return computeTotals(spans, query);
  }

  onSpanEnd(listener: (span: EndedSpan) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  flush(): Promise<void> {
    const run = async (): Promise<void> => {
      const store = this.#store;
      if (store !== undefined && this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        try {
          await store.saveSpans(batch);
        } catch (error) {
          this.#pending = [...batch, ...this.#pending];
          throw error;
        }
      }
      if (this.#otlp) await (await this.#otlp).flush();
    };
    const flushing = this.#flushing.then(run, run);
    this.#flushing = flushing.catch(() => {});
    return flushing;
  }

  async shutdown(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
    if (this.#otlp) await (await this.#otlp).shutdown();
  }

  #startTimer(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      if (this.#pending.length > 0) void this.flush().catch(this.#onError);
    }, this.#flushIntervalMs);
    this.#timer.unref?.();
  }
}
