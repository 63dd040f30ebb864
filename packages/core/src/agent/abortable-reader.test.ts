import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors/abort-error.ts';
import { AbortableReader } from './abortable-reader.ts';

/** An iterator whose reads never settle; records whether it was told to return. */
function hangingIterator(): AsyncIterator<number> & { returned: boolean } {
  const iterator = {
    returned: false,
    next: () => new Promise<IteratorResult<number>>(() => {}),
    return: async (): Promise<IteratorResult<number>> => {
      iterator.returned = true;
      return { value: undefined, done: true };
    },
  };
  return iterator;
}

async function* numbers(): AsyncGenerator<number> {
  yield 1;
  yield 2;
}

describe('AbortableReader', () => {
  it('reads values in order and ends', async () => {
    const controller = new AbortController();
    const reader = new AbortableReader(numbers(), controller.signal);
    expect(await reader.next()).toEqual({ value: 1, done: false });
    expect(await reader.next()).toEqual({ value: 2, done: false });
    expect(await reader.next()).toEqual({ value: undefined, done: true });
    reader.dispose();
  });

  it('rejects a read that never settles as soon as the signal aborts, and returns the iterator', async () => {
    const controller = new AbortController();
    const iterator = hangingIterator();
    const reader = new AbortableReader(iterator, controller.signal);
    const read = reader.next();
    controller.abort(new Error('user stopped'));
    const error = await read.catch((caught: unknown) => caught);
    expect(AbortError.isInstance(error)).toBe(true);
    expect((error as AbortError).cause).toEqual(new Error('user stopped'));
    expect(iterator.returned).toBe(true);
  });

  it('rejects reads once the signal has aborted between reads', async () => {
    const controller = new AbortController();
    const reader = new AbortableReader(numbers(), controller.signal);
    expect(await reader.next()).toEqual({ value: 1, done: false });
    controller.abort();
    await expect(reader.next()).rejects.toSatisfy(AbortError.isInstance);
  });

  it('passes reads through when there is no signal', async () => {
    const reader = new AbortableReader(numbers(), undefined);
    expect(await reader.next()).toEqual({ value: 1, done: false });
  });

  it('stops listening to the signal when disposed', async () => {
    const controller = new AbortController();
    const iterator = hangingIterator();
    const reader = new AbortableReader(iterator, controller.signal);
    void reader.next().catch(() => {});
    reader.dispose();
    controller.abort();
    expect(iterator.returned).toBe(false);
  });

  it('forEach hands every value over and resolves at the end', async () => {
    const seen: number[] = [];
    await new AbortableReader(numbers(), new AbortController().signal).forEach((value) => seen.push(value));
    expect(seen).toEqual([1, 2]);
  });

  it('forEach rejects with AbortError when the signal aborts while the iterator hangs, and returns it', async () => {
    const controller = new AbortController();
    const iterator = hangingIterator();
    const reading = new AbortableReader(iterator, controller.signal).forEach(() => {});
    controller.abort();
    await expect(reading).rejects.toSatisfy(AbortError.isInstance);
    expect(iterator.returned).toBe(true);
  });

  it('forEach rejects with the error of the iterator or of the handler', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('connection reset');
    }
    await expect(new AbortableReader(failing(), undefined).forEach(() => {})).rejects.toThrow('connection reset');
    await expect(
      new AbortableReader(numbers(), undefined).forEach(() => {
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
  });
});
