import { describe, expect, it } from 'vitest';
import { APICallError, MastraTsError, NotFoundError, StorageError, TypeValidationError } from './index.ts';

describe('errors', () => {
  it('isInstance works by marker, across copies of the class', () => {
    const error = new APICallError({ message: 'nope', url: 'https://x', statusCode: 500 });
    const copy = Object.assign(Object.create(Error.prototype) as object, { name: 'APICallError' });
    Object.defineProperty(copy, Symbol.for('mastra-ts.error'), { value: true });
    Object.defineProperty(copy, Symbol.for('mastra-ts.error.APICallError'), { value: true });
    expect(APICallError.isInstance(error)).toBe(true);
    expect(APICallError.isInstance(copy)).toBe(true);
    expect(MastraTsError.isInstance(copy)).toBe(true);
    expect(NotFoundError.isInstance(error)).toBe(false);
    expect(APICallError.isInstance(new Error('x'))).toBe(false);
    expect(APICallError.isInstance(null)).toBe(false);
  });

  it('keeps the cause and names the field in validation errors', () => {
    const cause = new Error('disk full');
    const storage = new StorageError({ store: 'sqlite', operation: 'saveMessages', message: 'write failed', cause });
    expect(storage.cause).toBe(cause);
    expect(storage.message).toBe('sqlite saveMessages: write failed');
    const validation = new TypeValidationError({ value: 1, context: 'tool "x" input', issues: [{ path: ['a', 0, 'b'], message: 'expected string' }] });
    expect(validation.message).toBe('Invalid tool "x" input: a.0.b: expected string');
  });
});
