import { MastraTsError } from './mastra-ts-error.ts';

const name = 'StructuredOutputError';
const marker = `mastra-ts.error.${name}`;

/** The model did not produce an object that matches the structured-output schema, even after the repair turn. */
export class StructuredOutputError extends MastraTsError {

  /** The last text the model produced. */
  readonly text: string | undefined;
  /** The validation or parse error of the last attempt. */
  readonly validationError: unknown;

  constructor({ text, cause, attempts }: { text: string | undefined; cause: unknown; attempts: number }) {
    super({
      name,
      message: `No valid structured output after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
    this.text = text;
    this.validationError = cause;
  }

  static override isInstance(error: unknown): error is StructuredOutputError {
    return MastraTsError.hasMarker(error, marker);
  }
}
