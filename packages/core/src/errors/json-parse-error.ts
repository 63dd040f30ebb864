import { MastraTsError } from './mastra-ts-error.ts';

const name = 'JSONParseError';
const marker = `mastra-ts.error.${name}`;

/** Text that should be JSON could not be parsed. */
export class JSONParseError extends MastraTsError {

  /** The text that failed to parse. */
  readonly text: string;

  constructor({ text, cause }: { text: string; cause: unknown }) {
    super({ name, message: `JSON parsing failed: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}: ${cause instanceof Error ? cause.message : String(cause)}`, cause });
    this.text = text;
  }

  static override isInstance(error: unknown): error is JSONParseError {
    return MastraTsError.hasMarker(error, marker);
  }
}
