import type { LogFunction, Logger } from '@mastra-ts/core';
import { createRedactor } from '@mastra-ts/telemetry';

const levelNumbers = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 } as const;

const redact = createRedactor();

/**
 * A logger that forwards to `logger` and also writes each line, as pino JSON, to `sink`
 * (a `LogBuffer`), so that the server's own lines can be read back through `/api/logs`. Lines are redacted on
 * the way into the buffer (the telemetry defaults: keys such as `authorization` or `apiKey`, tokens in strings),
 * whatever `logger` itself does.
 */
export function teeLogger(logger: Logger, sink: { write(line: string): void }, bindings: Record<string, unknown> = {}): Logger {
  const method = (name: keyof typeof levelNumbers): LogFunction =>
    ((first: string | Record<string, unknown>, message?: string) => {
      if (typeof first === 'string') logger[name](first);
      else logger[name](first, message);
      const fields = typeof first === 'string' ? { msg: first } : { ...first, ...(message === undefined ? {} : { msg: message }) };
      try {
        sink.write(JSON.stringify(redact({ level: levelNumbers[name], time: Date.now(), ...bindings, ...fields }), (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message } : value)));
      } catch {
        // unserializable fields are dropped from the buffer only
      }
    }) as LogFunction;
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (childBindings) => teeLogger(logger.child(childBindings), sink, { ...bindings, ...childBindings }),
  };
}
