import { TypeValidationError } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { createLogBuffer } from './log-buffer.ts';

const line = (level: number, time: number, msg: string, fields: Record<string, unknown> = {}): string => `${JSON.stringify({ level, time, msg, ...fields })}\n`;

describe('createLogBuffer', () => {
  it('keeps only the most recent lines, oldest first', () => {
    const buffer = createLogBuffer({ capacity: 3 });
    for (let index = 0; index < 5; index++) buffer.write(line(30, index, `m${index}`));
    expect(buffer.size).toBe(3);
    expect(buffer.query().logs.map((entry) => entry.msg)).toEqual(['m2', 'm3', 'm4']);
    expect(buffer.query({ order: 'desc' }).logs.map((entry) => entry.msg)).toEqual(['m4', 'm3', 'm2']);
  });

  it('filters by minimum level, time range, runId, text and fields', () => {
    const buffer = createLogBuffer({ capacity: 100 });
    buffer.write(line(20, 1000, 'debug detail', { runId: 'a' }));
    buffer.write(line(30, 2000, 'Model call started', { runId: 'a', agentId: 'support' }));
    buffer.write(line(50, 3000, 'tool failed', { runId: 'b', agentId: 'support' }));
    buffer.write(line(40, 4000, 'slow response', { runId: 'a', agentId: 'sales' }));
    buffer.write('not json\n');
    const messages = (query: Parameters<typeof buffer.query>[0]): unknown[] => buffer.query(query).logs.map((entry) => entry.msg);
    expect(messages({ level: 'info' })).toEqual(['Model call started', 'tool failed', 'slow response']);
    expect(messages({ level: 'error' })).toEqual(['tool failed']);
    expect(messages({ fromDate: new Date(2000), toDate: '1970-01-01T00:00:03.000Z' })).toEqual(['Model call started', 'tool failed']);
    expect(messages({ runId: 'a' })).toEqual(['debug detail', 'Model call started', 'slow response']);
    expect(messages({ text: 'MODEL CALL' })).toEqual(['Model call started']);
    expect(messages({ text: 'sales' })).toEqual(['slow response']);
    expect(messages({ filters: { agentId: 'support' }, runId: 'a' })).toEqual(['Model call started']);
    expect(buffer.query({ level: 'warn' }).logs[0]).toMatchObject({ level: 'error', time: 3000 });
  });

  it('paginates with total and hasMore', () => {
    const buffer = createLogBuffer({ capacity: 100 });
    for (let index = 0; index < 25; index++) buffer.write(line(30, index, `m${index}`));
    const first = buffer.query({ perPage: 10 });
    expect(first).toMatchObject({ total: 25, page: 0, perPage: 10, hasMore: true });
    expect(first.logs.map((entry) => entry.msg)).toEqual(Array.from({ length: 10 }, (_, index) => `m${index}`));
    const last = buffer.query({ perPage: 10, page: 2 });
    expect(last).toMatchObject({ total: 25, page: 2, hasMore: false });
    expect(last.logs).toHaveLength(5);
    expect(buffer.query({ perPage: false }).logs).toHaveLength(25);
  });

  it('rejects bad queries with TypeValidationError', () => {
    const buffer = createLogBuffer();
    for (const query of [{ level: 'loud' }, { fromDate: 'yesterday' }, { perPage: 0 }, { page: -1 }]) {
      let caught: unknown;
      try {
        buffer.query(query);
      } catch (error) {
        caught = error;
      }
      expect(TypeValidationError.isInstance(caught)).toBe(true);
    }
    expect(() => createLogBuffer({ capacity: 0 })).toThrow(/capacity must be a positive integer/);
  });

  it('clear empties it', () => {
    const buffer = createLogBuffer({ capacity: 2 });
    buffer.write(line(30, 1, 'x'));
    buffer.clear();
    expect(buffer.query()).toMatchObject({ logs: [], total: 0 });
  });
});
