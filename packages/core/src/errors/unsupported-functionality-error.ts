import { MastraTsError } from './mastra-ts-error.ts';

const name = 'UnsupportedFunctionalityError';
const marker = `mastra-ts.error.${name}`;

/** A caller asked for something an implementation cannot do and that cannot be degraded to a warning. */
export class UnsupportedFunctionalityError extends MastraTsError {

  /** The functionality, e.g. `image parts in assistant messages`. */
  readonly functionality: string;

  constructor({ functionality, message }: { functionality: string; message?: string }) {
    super({ name, message: message ?? `${functionality} is not supported` });
    this.functionality = functionality;
  }

  static override isInstance(error: unknown): error is UnsupportedFunctionalityError {
    return MastraTsError.hasMarker(error, marker);
  }
}
