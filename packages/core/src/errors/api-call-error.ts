import { MastraTsError } from './mastra-ts-error.ts';

const name = 'APICallError';
const marker = `mastra-ts.error.${name}`;

/** A provider API call failed: a non-2xx status, or a transport failure before a response. */
export class APICallError extends MastraTsError {

  /** The URL that was called. */
  readonly url: string;
  /** The request body as sent, when known. */
  readonly requestBodyValues: unknown;
  /** HTTP status; undefined for transport failures (reset connection, DNS, abort). */
  readonly statusCode: number | undefined;
  /** Response headers (lower-case keys), used for `retry-after`. */
  readonly responseHeaders: Record<string, string> | undefined;
  /** Raw response body, when one was received. */
  readonly responseBody: string | undefined;
  /** Whether the retry policy may try the call again. Defaults to true for 408, 409, 429 and 5xx. */
  readonly isRetryable: boolean;
  /** Parsed provider error payload, when any. */
  readonly data: unknown;

  constructor({
    message,
    url,
    requestBodyValues,
    statusCode,
    responseHeaders,
    responseBody,
    cause,
    isRetryable = statusCode != null &&
      (statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500),
    data,
  }: {
    message: string;
    url: string;
    requestBodyValues?: unknown;
    statusCode?: number;
    responseHeaders?: Record<string, string>;
    responseBody?: string;
    cause?: unknown;
    isRetryable?: boolean;
    data?: unknown;
  }) {
    super({ name, message, cause });
    this.url = url;
    this.requestBodyValues = requestBodyValues;
    this.statusCode = statusCode;
    this.responseHeaders = responseHeaders;
    this.responseBody = responseBody;
    this.isRetryable = isRetryable;
    this.data = data;
  }

  static override isInstance(error: unknown): error is APICallError {
    return MastraTsError.hasMarker(error, marker);
  }
}
