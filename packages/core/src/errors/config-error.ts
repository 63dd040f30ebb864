import { MastraTsError } from './mastra-ts-error.ts';

const name = 'ConfigError';
const marker = `mastra-ts.error.${name}`;

/** Configuration (environment variables or a JSON file) is missing or invalid. */
export class ConfigError extends MastraTsError {

  /** The file that was read, when the bad value came from one. */
  readonly file: string | undefined;
  /** Dotted path of the bad field. */
  readonly field: string | undefined;
  /** The bad value, when there was one. */
  readonly value: unknown;

  constructor({ message, file, field, value, cause }: { message: string; file?: string; field?: string; value?: unknown; cause?: unknown }) {
    super({ name, message, cause });
    this.file = file;
    this.field = field;
    this.value = value;
  }

  static override isInstance(error: unknown): error is ConfigError {
    return MastraTsError.hasMarker(error, marker);
  }
}
