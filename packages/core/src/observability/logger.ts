/** A log method, pino-style: `(message)` or `(fields, message)`. */
export interface LogFunction {
  (message: string): void;
  (fields: Record<string, unknown>, message?: string): void;
}

/** The logger contract: a pino-shaped subset. `@mastra-ts/telemetry` provides one on pino. */
export interface Logger {
  trace: LogFunction;
  debug: LogFunction;
  info: LogFunction;
  warn: LogFunction;
  error: LogFunction;
  /** A logger whose every line carries `bindings` (e.g. `{ runId }`). */
  child(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => {};

/** A logger that drops everything. The default when none is configured. */
export const noopLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => noopLogger,
};

const levels = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
/** Log levels, most verbose first. */
export type LogLevel = (typeof levels)[number];

/**
 * A dependency-free logger writing one JSON line per entry to stderr.
 * For production use `createLogger` from `@mastra-ts/telemetry` (pino, redaction, pretty output).
 */
export function createConsoleLogger({
  level = 'info',
  bindings = {},
  write = (line: string) => process.stderr.write(`${line}\n`),
}: { level?: LogLevel; bindings?: Record<string, unknown>; write?: (line: string) => void } = {}): Logger {
  const threshold = levels.indexOf(level);
  const method =
    (name: Exclude<LogLevel, 'silent'>): LogFunction =>
    (first: string | Record<string, unknown>, message?: string) => {
      if (levels.indexOf(name) < threshold) return;
      const fields = typeof first === 'string' ? { msg: first } : { ...first, ...(message === undefined ? {} : { msg: message }) };
      write(JSON.stringify({ level: name, time: Date.now(), ...bindings, ...fields }, errorReplacer));
    };
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (childBindings) => createConsoleLogger({ level, bindings: { ...bindings, ...childBindings }, write }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
