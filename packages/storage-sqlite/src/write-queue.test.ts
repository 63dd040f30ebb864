import { AbortError } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { acquireWriteQueue, releaseWriteQueue, WriteQueue } from './write-queue.ts';

describe('WriteQueue', () => {
  it('runs tasks one at a time in arrival order', async () => {
    const queue = new WriteQueue();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run(async () => {
      events.push('first start');
      await gate;
      events.push('first end');
    });
    const second = queue.run(async () => {
      events.push('second');
    });
    expect(queue.pending).toBe(1);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['first start', 'first end', 'second']);
  });

  it('a failed task does not block the next', async () => {
    const queue = new WriteQueue();
    const failed = queue.run(async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    await expect(queue.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('a task aborted while waiting leaves the queue without running', async () => {
    const queue = new WriteQueue();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = queue.run(() => gate);
    const controller = new AbortController();
    let ran = false;
    const waiting = queue.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toSatisfy(AbortError.isInstance);
    expect(queue.pending).toBe(0);
    release();
    await running;
    expect(ran).toBe(false);
  });

  it('is shared per key across the process and dropped after the last release', () => {
    const first = acquireWriteQueue('/tmp/a.db');
    expect(acquireWriteQueue('/tmp/a.db')).toBe(first);
    expect(acquireWriteQueue('/tmp/b.db')).not.toBe(first);
    releaseWriteQueue('/tmp/a.db');
    releaseWriteQueue('/tmp/a.db');
    releaseWriteQueue('/tmp/b.db');
    expect(acquireWriteQueue('/tmp/a.db')).not.toBe(first);
    releaseWriteQueue('/tmp/a.db');
  });
});
