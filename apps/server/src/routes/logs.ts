import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import { intQuery, optionalString } from '../input.ts';
import { defineRoute, json, type RouteDefinition } from '../route.ts';

/** A queryable log transport: `@mastra-ts/telemetry`'s `LogBuffer` has this shape. */
export interface LogSource {
  readonly name: string;
  query(query: {
    level?: string;
    fromDate?: Date;
    toDate?: Date;
    runId?: string;
    filters?: Record<string, string>;
    page?: number;
    perPage?: number | false;
    order?: 'asc' | 'desc';
  }): { logs: unknown[]; total: number; page: number; perPage: number | false; hasMore: boolean };
}

const logQuery = z.object({
  transportId: optionalString(),
  fromDate: z.coerce.date().optional(),
  toDate: z.coerce.date().optional(),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
  filters: z.union([z.string(), z.array(z.string())]).optional(),
  page: intQuery(0),
  perPage: intQuery(1, 10_000),
});

function pick(sources: readonly LogSource[], transportId: string | undefined): LogSource {
  if (sources.length === 0) throw new HttpError('NOT_IMPLEMENTED', 'No log transport: pass logs: [createLogBuffer()] to createServer and give the buffer to createLogger({ buffer })');
  if (transportId === undefined) return sources[0]!;
  const source = sources.find((candidate) => candidate.name === transportId);
  if (!source) throw new HttpError('NOT_FOUND', `No log transport "${transportId}"`, { available: sources.map((candidate) => candidate.name) });
  return source;
}

function parseFilters(filters: string | string[] | undefined): Record<string, string> | undefined {
  if (filters === undefined) return undefined;
  const result: Record<string, string> = {};
  for (const filter of Array.isArray(filters) ? filters : [filters]) {
    const index = filter.indexOf(':');
    if (index <= 0) throw new HttpError('BAD_REQUEST', `Invalid query param filters: "${filter}" must be key:value`, { issues: [{ path: 'filters', message: 'expected key:value' }] });
    result[filter.slice(0, index)] = filter.slice(index + 1);
  }
  return result;
}

/** Log routes: transports, recent lines, lines of one run. */
export function logRoutes(sources: () => readonly LogSource[]): RouteDefinition[] {
  const query = (source: LogSource, input: z.output<typeof logQuery>, runId?: string): ReturnType<LogSource['query']> =>
    source.query({
      ...(input.logLevel ? { level: input.logLevel } : {}),
      ...(input.fromDate ? { fromDate: input.fromDate } : {}),
      ...(input.toDate ? { toDate: input.toDate } : {}),
      ...(runId ? { runId } : {}),
      ...(input.filters ? { filters: parseFilters(input.filters)! } : {}),
      page: input.page ?? 0,
      perPage: input.perPage ?? 100,
      order: 'desc',
    });
  return [
    defineRoute({
      method: 'GET',
      path: '/logs/transports',
      family: 'logs',
      summary: 'Log transports that can be queried',
      handler() {
        return json({ transports: sources().map((source) => source.name) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/logs',
      family: 'logs',
      summary: 'Recent log lines, newest first',
      query: logQuery,
      handler({ input }) {
        return json(query(pick(sources(), input.transportId), input));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/logs/:runId',
      family: 'logs',
      summary: 'Log lines of one run',
      params: z.object({ runId: z.string().min(1) }),
      query: logQuery,
      handler({ input }) {
        return json(query(pick(sources(), input.transportId), input, input.runId));
      },
    }),
  ];
}
