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
  it('forEach rejects at once once the signal has aborted between reads, and returns the iterator', async () => {
    const controller = new AbortController();
    const iterator = numbers();
    const reader = new AbortableReader(iterator, controller.signal);
    expect(await reader.forEach((value) => value === 1)).toBe(true);
    controller.abort();
    await expect(reader.forEach(() => {})).rejects.toSatisfy(AbortError.isInstance);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('forEach passes values through when there is no signal', async () => {
    const seen: number[] = [];
    expect(await new AbortableReader(numbers(), undefined).forEach((value) => void seen.push(value))).toBe(false);
    expect(seen).toEqual([1, 2]);
  });

  it('stops listening to the signal when disposed', async () => {
    const controller = new AbortController();
    const iterator = hangingIterator();
    const reader = new AbortableReader(iterator, controller.signal);
    void reader.forEach(() => {}).catch(() => {});
    reader.dispose();
    controller.abort();
    expect(iterator.returned).toBe(false);
  });

  it('forEach hands every value over and resolves at the end', async () => {
    const seen: number[] = [];
    const open = await new AbortableReader(numbers(), new AbortController().signal).forEach((value) => {
      seen.push(value);
    });
    expect(seen).toEqual([1, 2]);
    expect(open).toBe(false);
  });

  it('forEach stops when the handler returns true and a later forEach reads on from there', async () => {
    async function* five(): AsyncGenerator<number> {
      for (let value = 1; value <= 5; value++) yield value;
    }
    const reader = new AbortableReader(five(), new AbortController().signal);
    const seen: number[] = [];
    expect(await reader.forEach((value) => (seen.push(value), value === 2))).toBe(true);
    expect(seen).toEqual([1, 2]);
    expect(await reader.forEach((value) => void seen.push(value))).toBe(false);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    reader.dispose();
  });

  it('forEach rejects with AbortError when the signal aborts while the iterator hangs, and returns it', async () => {
    const controller = new AbortController();
    const iterator = hangingIterator();
    const reading = new AbortableReader(iterator, controller.signal).forEach(() => {});
    controller.abort(new Error('user stopped'));
    const error = await reading.catch((caught: unknown) => caught);
    expect(AbortError.isInstance(error)).toBe(true);
    expect((error as AbortError).cause).toEqual(new Error('user stopped'));
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
