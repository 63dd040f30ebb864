import { MastraTsError } from './mastra-ts-error.ts';

const name = 'StorageError';
const marker = `mastra-ts.error.${name}`;

/** A store operation failed. The previous state is kept: writes are transactional. */
export class StorageError extends MastraTsError {

  /** The store method, e.g. `saveMessages`. */
  readonly operation: string;
  /** The store implementation, e.g. `sqlite` or `in-memory`. */
  readonly store: string;

  constructor({ operation, store, message, cause }: { operation: string; store: string; message: string; cause?: unknown }) {
    super({ name, message: `${store} ${operation}: ${message}`, cause });
    this.operation = operation;
    this.store = store;
  }

  static override isInstance(error: unknown): error is StorageError {
    return MastraTsError.hasMarker(error, marker);
  }
}
