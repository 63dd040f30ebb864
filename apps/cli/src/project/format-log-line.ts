import { paint, type CliIO } from '../io.ts';

const levels: Record<number, { label: string; style: 'dim' | 'blue' | 'yellow' | 'red' }> = {
  10: { label: 'TRACE', style: 'dim' },
  20: { label: 'DEBUG', style: 'dim' },
  30: { label: 'INFO ', style: 'blue' },
  40: { label: 'WARN ', style: 'yellow' },
  50: { label: 'ERROR', style: 'red' },
  60: { label: 'FATAL', style: 'red' },
};

const shownElsewhere = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'requestId', 'method', 'path', 'status', 'ms']);

/**
 * A pino JSON line of the server as one readable line (`12:00:01 INFO  GET /api/agents 200 3 ms`); other lines
 * unchanged.
 */
export function formatLogLine(line: string, stream: CliIO['stdout']): string {
  if (!line.startsWith('{"level":')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = levels[Number(record.level)] ?? { label: String(record.level), style: 'dim' as const };
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '';
  const request = record.method !== undefined && record.path !== undefined ? `${String(record.method)} ${String(record.path)} ${String(record.status ?? '')} ${record.ms === undefined ? '' : `${Math.round(Number(record.ms))} ms`}`.trim() : '';
  const message = request || String(record.msg ?? '');
  const extra = Object.entries(record).filter(([key]) => !shownElsewhere.has(key));
  const details = extra.length > 0 ? paint(stream, 'dim', ` ${extra.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' ')}`) : '';
  return `${paint(stream, 'dim', time)} ${paint(stream, level.style, level.label)} ${message}${details}`;
}
