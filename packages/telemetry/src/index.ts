/**
 * @module
 * `@mastra-ts/telemetry`: a pino logger with secret redaction and a queryable in-memory buffer, a tracer that
 * persists spans through core's `TraceStore` (with cost, per-run totals and optional OTLP export), and metrics
 * in Prometheus text format.
 */
export { createLogger, levelValue, logLevels, runLogger, type LoggerSettings, type RunBindings, type TelemetryLogger } from './create-logger.ts';
export { createLogBuffer, type LogBuffer, type LogEntry, type LogPage, type LogQuery } from './log-buffer.ts';
export { createRedactor, defaultRedactKeys, REDACTED, redactString, type RedactOptions, type Redactor } from './redact.ts';
export { createTracer, type TelemetryTracer, type TracerSettings } from './create-tracer.ts';
export { TelemetrySpan, type EndedSpan } from './telemetry-span.ts';
export { toGenAiConventions, type OtlpSettings } from './otlp-bridge.ts';
export { costOf, defaultPrices, findPrice, type ModelPrice, type PriceTable, type PricedUsage } from './pricing.ts';
export { attributeNames, computeTotals, emptyTotals, type TotalsQuery, type UsageTotals } from './totals.ts';
export { createMetricsRegistry, defaultLatencyBuckets, defaultTokenBuckets, type Counter, type Gauge, type Histogram, type Labels, type MetricsRegistry } from './metrics.ts';
export { createMastraMetrics, instrumentTracer, type MastraMetrics } from './mastra-metrics.ts';
