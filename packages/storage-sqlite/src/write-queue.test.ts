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

  it('runs synchronous tasks in order with async ones, thousands queued behind one without deep recursion', async () => {
    const queue = new WriteQueue();
    const events: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run(async () => {
      await gate;
      events.push(-1);
    });
    const synchronous = Array.from({ length: 20_000 }, (_, index) => queue.run(() => (events.push(index), index)));
    const last = queue.run(async () => events.push(20_000));
    release();
    await first;
    expect(await Promise.all(synchronous)).toEqual(Array.from({ length: 20_000 }, (_, index) => index));
    await last;
    expect(events).toEqual([-1, ...Array.from({ length: 20_001 }, (_, index) => index)]);
    expect(queue.pending).toBe(0);
  });

  it('a synchronous task that throws rejects its caller and lets the next run', async () => {
    const queue = new WriteQueue();
    const failed = queue.run(() => {
      throw new Error('boom');
    });
    const next = queue.run(() => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });

  it('never starts a task in the caller\'s turn: a signal aborted right after the call stops even the first task', async () => {
    const queue = new WriteQueue();
    const controller = new AbortController();
    let ran = false;
    const call = queue.run(() => {
      ran = true;
    }, controller.signal);
    expect(ran).toBe(false);
    controller.abort();
    await expect(call).rejects.toSatisfy(AbortError.isInstance);
    expect(ran).toBe(false);
    await expect(queue.run(() => 'after')).resolves.toBe('after');
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
