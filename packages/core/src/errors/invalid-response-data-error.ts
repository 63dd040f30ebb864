import { MastraTsError } from './mastra-ts-error.ts';

const name = 'InvalidResponseDataError';
const marker = `mastra-ts.error.${name}`;

/** A provider answered with data that does not match its documented wire format. */
export class InvalidResponseDataError extends MastraTsError {

  /** The offending payload. */
  readonly data: unknown;

  constructor({ data, message, cause }: { data: unknown; message?: string; cause?: unknown }) {
    super({ name, message: message ?? `Invalid response data: ${safeStringify(data)}`, cause });
    this.data = data;
  }

  static override isInstance(error: unknown): error is InvalidResponseDataError {
    return MastraTsError.hasMarker(error, marker);
  }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}
