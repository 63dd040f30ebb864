import { MastraTsError } from './mastra-ts-error.ts';

const name = 'NotFoundError';
const marker = `mastra-ts.error.${name}`;

/** A named entity (agent, workflow, tool, thread, run, index) does not exist. */
export class NotFoundError extends MastraTsError {

  /** What kind of thing was looked up, e.g. `agent`. */
  readonly entity: string;
  /** The id that was asked for. */
  readonly id: string;
  /** The ids that do exist, when the registry can list them. */
  readonly available: readonly string[] | undefined;

  constructor({ entity, id, available, message }: { entity: string; id: string; available?: readonly string[]; message?: string }) {
    super({
      name,
      message:
        message ??
        `No ${entity} with id "${id}"` +
          (available === undefined
            ? ''
            : available.length === 0
              ? `: none are registered`
              : `: known ${entity} ids are ${available.map((value) => `"${value}"`).join(', ')}`),
    });
    this.entity = entity;
    this.id = id;
    this.available = available;
  }

  static override isInstance(error: unknown): error is NotFoundError {
    return MastraTsError.hasMarker(error, marker);
  }
}
