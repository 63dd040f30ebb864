import { MastraTsError } from './mastra-ts-error.ts';

const name = 'ConflictError';
const marker = `mastra-ts.error.${name}`;

/** A write lost a race: the record changed since it was read (optimistic concurrency), or a lease is held by another owner. */
export class ConflictError extends MastraTsError {

  /** The thing that conflicted, e.g. `workflow run`. */
  readonly entity: string;
  /** Its id. */
  readonly id: string;

  constructor({ entity, id, message }: { entity: string; id: string; message: string }) {
    super({ name, message });
    this.entity = entity;
    this.id = id;
  }

  static override isInstance(error: unknown): error is ConflictError {
    return MastraTsError.hasMarker(error, marker);
  }
}
