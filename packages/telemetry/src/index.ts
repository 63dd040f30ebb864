/**
 * @module
 * `@mastra-ts/telemetry`: a pino logger with secret redaction and a queryable in-memory buffer, a tracer that
 * persists spans through core's `TraceStore` (with cost, per-run totals and optional OTLP export), and metrics
 * in Prometheus text format.
 */
export { createLogger, levelValue, logLevels, runLogger, type LoggerSettings, type RunBindings, type TelemetryLogger } from './create-logger.ts';
export { createLogBuffer, type LogBuffer, type LogEntry, type LogPage, type LogQuery } from './log-buffer.ts';
export { createRedactor, defaultRedactKeys, REDACTED, redactString, type RedactOptions, type Redactor } from './redact.ts';
