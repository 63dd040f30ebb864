import { MastraTsError } from './mastra-ts-error.ts';

const name = 'LoadAPIKeyError';
const marker = `mastra-ts.error.${name}`;

/** An API key was neither passed as a setting nor found in its environment variable. */
export class LoadAPIKeyError extends MastraTsError {

  /** The environment variable that was looked up, e.g. `OPENAI_API_KEY`. */
  readonly environmentVariableName: string | undefined;

  constructor({ message, environmentVariableName }: { message: string; environmentVariableName?: string }) {
    super({ name, message });
    this.environmentVariableName = environmentVariableName;
  }

  static override isInstance(error: unknown): error is LoadAPIKeyError {
    return MastraTsError.hasMarker(error, marker);
  }
}
