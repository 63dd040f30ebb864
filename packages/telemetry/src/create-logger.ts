import { createRequire } from 'node:module';
import { ConfigError, type Logger, type LogFunction } from '@mastra-ts/core';
import { pino, type DestinationStream, type Level, type LevelWithSilent, type LoggerOptions } from 'pino';
import type { LogBuffer } from './log-buffer.ts';
import { createRedactorState, redactValue, type RedactOptions, type RedactorState } from './redact.ts';
import { installRedactingSerializer, redactingSerializerSupported } from './redacting-serializer.ts';

/** Log levels, most verbose first. */
export const logLevels: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Settings of `createLogger`. */
export interface LoggerSettings {
  /** Minimum level. Default: `LOG_LEVEL` from the environment, else `info`. */
  level?: LevelWithSilent;
  /** The logger name, written as `name` on every line. */
  name?: string;
  /**
   * Human-readable output through `pino-pretty` (an optional peer dependency, loaded only when pretty output is used).
   * Default: true when `NODE_ENV` is `development` and `pino-pretty` is installed.
   */
  pretty?: boolean;
  /** Where lines go: a stream with `write(line)`, a file path, or a file descriptor. Default: stdout. */
  destination?: DestinationStream | string | number;
  /** Also keep recent lines in this buffer (always JSON), e.g. for the server's logs endpoints. */
  buffer?: LogBuffer;
  /** Secret redaction (on by default); `false` disables it. */
  redact?: RedactOptions | false;
  /** Fields on every line. */
  bindings?: Record<string, unknown>;
}

/** A `Logger` (core's contract) backed by pino. */
export interface TelemetryLogger extends Logger {
  fatal: LogFunction;
  /** The current minimum level; assignable. */
  level: string;
  child(bindings: Record<string, unknown>): TelemetryLogger;
  isLevelEnabled(level: string): boolean;
  /** Flushes buffered output (a no-op for synchronous destinations). */
  flush(): void;
}

/** Identifiers of a run, bound to every line of a child logger. */
export interface RunBindings {
  runId?: string | undefined;
  agentId?: string | undefined;
  workflowId?: string | undefined;
  threadId?: string | undefined;
  resourceId?: string | undefined;
  stepId?: string | undefined;
}

function resolveLevel(level: string | undefined): LevelWithSilent {
  const fromEnvironment = level === undefined;
  const value = (level ?? process.env.LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!(logLevels as readonly string[]).includes(value)) {
    throw new ConfigError({
      message: `${fromEnvironment ? 'LOG_LEVEL' : 'level'} is "${level ?? process.env.LOG_LEVEL}": use one of ${logLevels.join(', ')}`,
      field: fromEnvironment ? 'LOG_LEVEL' : 'level',
      value: level ?? process.env.LOG_LEVEL,
    });
  }
  return value as LevelWithSilent;
}

const require = createRequire(import.meta.url);
// loggers with the default redaction share its key decisions and string memo
let defaultRedaction: RedactorState | undefined;

type PrettyFormatter = (line: string) => string;

function loadPretty(explicit: boolean, colorize: boolean): PrettyFormatter | undefined {
  let module: { prettyFactory?: (options: Record<string, unknown>) => PrettyFormatter };
  try {
    module = require('pino-pretty') as typeof module;
  } catch (cause) {
    if (!explicit) return undefined;
    throw new ConfigError({ message: 'pretty: true needs the optional dependency pino-pretty: run `pnpm add pino-pretty`, or set pretty: false', field: 'pretty', value: true, cause });
  }
  if (typeof module.prettyFactory !== 'function') throw new ConfigError({ message: 'the installed pino-pretty has no prettyFactory export: install pino-pretty >= 11', field: 'pretty', value: true });
  return module.prettyFactory({ colorize });
}

function baseDestination(destination: LoggerSettings['destination']): DestinationStream {
  if (destination === undefined) return pino.destination({ dest: 1, sync: true });
  if (typeof destination === 'string' || typeof destination === 'number') return pino.destination({ dest: destination, sync: true, mkdir: typeof destination === 'string' });
  return destination;
}

/**
 * Creates a pino logger implementing core's `Logger`: JSON lines by default, pretty output in development,
 * secrets redacted (keys such as `apiKey`, `authorization`, `x-api-key`, `password` at any depth, and tokens in
 * URLs or strings), and optionally a copy of every line in a queryable `LogBuffer`.
 *
 * @example
 * const buffer = createLogBuffer({ capacity: 5000 });
 * const logger = createLogger({ name: 'api', buffer });
 * logger.child({ runId }).info({ url: 'https://x.dev/v1?key=secret' }, 'calling model'); // key=[REDACTED]
 */
export function createLogger(settings: LoggerSettings = {}): TelemetryLogger {
  const level = resolveLevel(settings.level);
  const wantsPretty = settings.pretty ?? process.env.NODE_ENV === 'development';
  const target = baseDestination(settings.destination);
  const pretty = wantsPretty ? loadPretty(settings.pretty === true, settings.destination === undefined && process.stdout.isTTY === true) : undefined;
  let destination: DestinationStream = pretty
    ? ({ write: (line: string) => target.write(pretty(line)), flush: (callback?: () => void) => flushOf(target, callback) } as DestinationStream)
    : target;
  const buffer = settings.buffer;
  if (buffer) {
    const inner = destination;
    destination = {
      write(line: string): void {
        buffer.write(line);
        inner.write(line);
      },
      flush: (callback?: () => void) => flushOf(inner, callback),
    } as DestinationStream;
  }

  const options: LoggerOptions = { level, ...(settings.name === undefined ? {} : { name: settings.name }) };
  const redaction = settings.redact === false ? undefined : settings.redact === undefined ? (defaultRedaction ??= createRedactorState()) : createRedactorState(settings.redact);
  const redact = redaction && (<T>(value: T): T => redactValue(redaction, value) as T);
  if (redact) {
    options.formatters = { bindings: redact };
    // fallback for a pino without the internals used below: redact the logged object and the message through pino's options
    if (!redactingSerializerSupported) {
      options.formatters.log = redact;
      options.serializers = { msg: redact };
    }
  }
  const logger = pino(options, destination);
  if (redaction && redact) {
    // each line is redacted while pino serializes it, in the same pass over its keys (no hook, no second walk)
    if (redactingSerializerSupported) installRedactingSerializer(logger, redaction);
    // objects interpolated with %o, %O or %j
    const internals = logger as unknown as Record<symbol, { stringify: (value: unknown) => string }>;
    const stringify = internals[pino.symbols.formatOptsSym]!.stringify;
    internals[pino.symbols.formatOptsSym] = { stringify: (value: unknown) => stringify(redact(value)) };
    // pino resets formatters.bindings to the identity for children: redact child bindings here (children inherit it)
    const child = logger.child;
    logger.child = function (this: typeof logger, bindings, childOptions) {
      return child.call(this, redact(bindings), childOptions);
    } as typeof logger.child;
  }
  const withBindings = settings.bindings ? logger.child(settings.bindings) : logger;
  return withBindings as unknown as TelemetryLogger;
}

function flushOf(stream: DestinationStream, callback?: () => void): void {
  const flush = (stream as { flush?: (callback?: () => void) => void }).flush;
  if (typeof flush === 'function') flush.call(stream, callback);
  else callback?.();
}

/** A child logger carrying a run's identifiers (undefined ones are left out). */
export function runLogger(logger: Logger, bindings: RunBindings): Logger {
  const defined: Record<string, string> = {};
  for (const [key, value] of Object.entries(bindings)) if (value !== undefined) defined[key] = value;
  return logger.child(defined);
}

/** The numeric pino level of a level name (e.g. `info` → 30). */
export function levelValue(level: Level): number {
  return pino.levels.values[level]!;
}
