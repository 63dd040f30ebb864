import { TypeValidationError } from '@mastra-ts/core';

const labels: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const values: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Number.POSITIVE_INFINITY };

/** A parsed log line. `level` is the level name; other fields are as logged (`time` in epoch ms). */
export interface LogEntry {
  level: string;
  time: number;
  msg?: string;
  runId?: string;
  [field: string]: unknown;
}

/** Query of `LogBuffer.query`. Every filter is optional. */
export interface LogQuery {
  /** Minimum level (`info` returns info, warn, error, fatal). */
  level?: string;
  /** Only lines at or after this time (Date, ISO string or epoch ms). */
  fromDate?: Date | string | number;
  /** Only lines at or before this time. */
  toDate?: Date | string | number;
  runId?: string;
  /** Case-insensitive text found anywhere in the line (message or fields). */
  text?: string;
  /** Exact field matches, e.g. `{ agentId: 'support' }` (values compared as strings). */
  filters?: Record<string, string>;
  /** Page number, from 0. */
  page?: number;
  /** Lines per page (default 100); `false` returns every match. */
  perPage?: number | false;
  /** `asc` (oldest first, default) or `desc`. */
  order?: 'asc' | 'desc';
}

/** A page of log lines, shaped like the `@mastra/client-js` logs response. */
export interface LogPage {
  logs: LogEntry[];
  total: number;
  page: number;
  perPage: number | false;
  hasMore: boolean;
}

/** A pino destination keeping the most recent lines in memory, queryable. */
export interface LogBuffer {
  /** The transport name reported by the logs endpoints. */
  readonly name: string;
  readonly capacity: number;
  /** Number of lines held. */
  readonly size: number;
  /** Takes one JSON line (as pino writes it). */
  write(line: string): void;
  query(query?: LogQuery): LogPage;
  clear(): void;
}

function toTime(value: Date | string | number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(time)) {
    throw new TypeValidationError({ value, issues: [{ path: [field], message: `${field} must be a date, an ISO date string or epoch milliseconds, got ${JSON.stringify(value)}` }], context: 'log query' });
  }
  return time;
}

/**
 * Creates a ring buffer of recent log lines: writing is O(1) (lines are parsed only when queried), and the oldest
 * line is dropped once `capacity` is reached. Pass it to `createLogger({ buffer })`.
 */
export function createLogBuffer({ capacity = 1000, name = 'memory' }: { capacity?: number; name?: string } = {}): LogBuffer {
  if (!Number.isInteger(capacity) || capacity <= 0) {
    throw new TypeValidationError({ value: capacity, issues: [{ path: ['capacity'], message: `capacity must be a positive integer, got ${String(capacity)}` }], context: 'createLogBuffer' });
  }
  const lines: Array<string | undefined> = new Array(capacity);
  const parsed: Array<LogEntry | null | undefined> = new Array(capacity);
  let next = 0;
  let size = 0;

  const entryAt = (slot: number): LogEntry | null => {
    let entry = parsed[slot];
    if (entry === undefined) {
      try {
        const raw = JSON.parse(lines[slot]!) as Record<string, unknown>;
        entry = { ...raw, level: typeof raw.level === 'number' ? (labels[raw.level] ?? String(raw.level)) : String(raw.level), time: Number(raw.time) };
      } catch {
        entry = null;
      }
      parsed[slot] = entry;
    }
    return entry;
  };

  return {
    name,
    capacity,
    get size() {
      return size;
    },
    write(line: string): void {
      lines[next] = line;
      parsed[next] = undefined;
      next = (next + 1) % capacity;
      if (size < capacity) size++;
    },
    query(query: LogQuery = {}): LogPage {
      const minimum = query.level === undefined ? 0 : values[query.level];
      if (minimum === undefined) {
        throw new TypeValidationError({ value: query.level, issues: [{ path: ['level'], message: `level must be one of ${Object.keys(values).join(', ')}` }], context: 'log query' });
      }
      const from = toTime(query.fromDate, 'fromDate');
      const to = toTime(query.toDate, 'toDate');
      const text = query.text?.toLowerCase();
      const filters = Object.entries(query.filters ?? {});
      const perPage = query.perPage ?? 100;
      const page = query.page ?? 0;
      if (perPage !== false && (!Number.isInteger(perPage) || perPage <= 0)) {
        throw new TypeValidationError({ value: perPage, issues: [{ path: ['perPage'], message: 'perPage must be a positive integer or false' }], context: 'log query' });
      }
      if (!Number.isInteger(page) || page < 0) throw new TypeValidationError({ value: page, issues: [{ path: ['page'], message: 'page must be an integer >= 0' }], context: 'log query' });

      const matches: LogEntry[] = [];
      const start = (next - size + capacity) % capacity;
      for (let offset = 0; offset < size; offset++) {
        const slot = (start + offset) % capacity;
        if (text !== undefined && !lines[slot]!.toLowerCase().includes(text)) continue;
        const entry = entryAt(slot);
        if (entry === null) continue;
        if ((values[entry.level] ?? 0) < minimum) continue;
        if (from !== undefined && entry.time < from) continue;
        if (to !== undefined && entry.time > to) continue;
        if (query.runId !== undefined && entry.runId !== query.runId) continue;
        if (filters.length > 0 && !filters.every(([key, value]) => entry[key] !== undefined && String(entry[key]) === value)) continue;
        matches.push(entry);
      }
      if (query.order === 'desc') matches.reverse();
      const logs = perPage === false ? matches : matches.slice(page * perPage, (page + 1) * perPage);
      return { logs: logs.map((entry) => ({ ...entry })), total: matches.length, page: perPage === false ? 0 : page, perPage, hasMore: perPage !== false && (page + 1) * perPage < matches.length };
    },
    clear(): void {
      lines.fill(undefined);
      parsed.fill(undefined);
      next = 0;
      size = 0;
    },
  };
}
