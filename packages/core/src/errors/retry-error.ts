import { MastraTsError } from './mastra-ts-error.ts';

const name = 'RetryError';
const marker = `mastra-ts.error.${name}`;

/** Every attempt of a retried call failed. `errors` has one entry per attempt; `lastError` is the final one. */
export class RetryError extends MastraTsError {

  /** Why retrying stopped. */
  readonly reason: 'maxRetriesExceeded' | 'errorNotRetryable' | 'abort';
  /** The last error seen. */
  readonly lastError: unknown;
  /** Every error, in order. */
  readonly errors: readonly unknown[];

  constructor({ message, reason, errors }: { message: string; reason: 'maxRetriesExceeded' | 'errorNotRetryable' | 'abort'; errors: readonly unknown[] }) {
    super({ name, message, cause: errors[errors.length - 1] });
    this.reason = reason;
    this.errors = errors;
    this.lastError = errors[errors.length - 1];
  }

  static override isInstance(error: unknown): error is RetryError {
    return MastraTsError.hasMarker(error, marker);
  }
}
