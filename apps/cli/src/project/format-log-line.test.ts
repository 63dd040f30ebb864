import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatLogLine } from './format-log-line.ts';

const plain = new PassThrough();

describe('formatLogLine', () => {
  it('turns a request log into one short line', () => {
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 12, 0, 1), pid: 1, hostname: 'h', name: 'mastra-ts-server', requestId: 'r', method: 'GET', path: '/api/agents', status: 200, ms: 3.4, msg: 'request' });
    expect(formatLogLine(line, plain)).toBe('12:00:01 INFO  GET /api/agents 200 3 ms');
  });

  it('keeps the message and the extra fields of other records', () => {
    const line = JSON.stringify({ level: 50, time: Date.UTC(2026, 0, 1, 0, 0, 0), msg: 'boom', runId: 'x1' });
    expect(formatLogLine(line, plain)).toBe('00:00:00 ERROR boom runId=x1');
  });

  it('leaves other lines alone', () => {
    expect(formatLogLine('plain text', plain)).toBe('plain text');
    expect(formatLogLine('{"level":broken', plain)).toBe('{"level":broken');
  });
});
