import { MastraTsError } from './mastra-ts-error.ts';

const name = 'AbortError';
const marker = `mastra-ts.error.${name}`;

/** An operation was cancelled through its abort signal (or timed out). */
export class AbortError extends MastraTsError {

  constructor({ message = 'The operation was aborted', cause }: { message?: string; cause?: unknown } = {}) {
    super({ name, message, cause });
  }

  static override isInstance(error: unknown): error is AbortError {
    return MastraTsError.hasMarker(error, marker);
  }
}
