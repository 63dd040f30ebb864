import { describe, expect, it } from 'vitest';
import { ReplayStream } from './replay-stream.ts';

async function readAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

describe('ReplayStream', () => {
  it('gives every reader every value from the start, whenever it starts reading', async () => {
    const stream = new ReplayStream<number>();
    const early = readAll(stream);
    stream.push(1);
    stream.push(2);
    const late = readAll(stream);
    stream.push(3);
    stream.close();
    expect(await early).toEqual([1, 2, 3]);
    expect(await late).toEqual([1, 2, 3]);
    expect(await readAll(stream)).toEqual([1, 2, 3]);
  });

  it('settles a waiting read when a value is pushed, and reads pushed values in order', async () => {
    const stream = new ReplayStream<string>();
    const iterator = stream[Symbol.asyncIterator]();
    const first = iterator.next();
    const second = iterator.next();
    stream.push('a');
    stream.push('b');
    expect(await first).toEqual({ value: 'a', done: false });
    expect(await second).toEqual({ value: 'b', done: false });
    stream.close();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects readers after the values when the stream fails', async () => {
    const stream = new ReplayStream<number>();
    const reading = readAll(stream);
    stream.push(1);
    stream.fail(new Error('model failed'));
    await expect(reading).rejects.toThrow('model failed');
    const iterator = stream[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: 1, done: false });
    await expect(iterator.next()).rejects.toThrow('model failed');
  });

  it('cancels when a reader breaks before the end, not after it', async () => {
    let cancelled = 0;
    const stream = new ReplayStream<number>(() => cancelled++);
    stream.push(1);
    stream.push(2);
    for await (const value of stream) {
      expect(value).toBe(1);
      break;
    }
    expect(cancelled).toBe(1);
    stream.close();
    for await (const _value of stream) break;
    expect(cancelled).toBe(1);
  });

  it('ends a pending read when the reader returns', async () => {
    const stream = new ReplayStream<number>(() => {});
    const iterator = stream[Symbol.asyncIterator]();
    const pending = iterator.next();
    await iterator.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    stream.push(1);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('maps values, skips undefined, and cancels the source when the mapped reader breaks', async () => {
    let cancelled = 0;
    const stream = new ReplayStream<number>(() => cancelled++);
    const doubledOdd = stream.map((value) => (value % 2 === 1 ? value * 2 : undefined));
    for (const value of [1, 2, 3]) stream.push(value);
    for await (const value of doubledOdd) {
      expect(value).toBe(2);
      break;
    }
    expect(cancelled).toBe(1);
    stream.push(5);
    stream.close();
    expect(await readAll(doubledOdd)).toEqual([2, 6, 10]);
  });
});
