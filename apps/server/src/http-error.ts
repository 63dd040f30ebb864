import {
  AbortError,
  APICallError,
  ConflictError,
  JSONParseError,
  NotFoundError,
  StorageError,
  StructuredOutputError,
  ToolExecutionError,
  TypeValidationError,
  UnsupportedFunctionalityError,
} from '@mastra-ts/core';

/** The closed set of machine-readable error codes the server sends in `{ error, code }` bodies. */
export type ServerErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNPROCESSABLE_CONTENT'
  | 'CLIENT_CLOSED_REQUEST'
  | 'INTERNAL_SERVER_ERROR'
  | 'NOT_IMPLEMENTED'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE';

/** HTTP status of each error code. */
export const statusByCode: Readonly<Record<ServerErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE_CONTENT: 422,
  CLIENT_CLOSED_REQUEST: 499,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
};

/** The JSON body of every error response. */
export interface ErrorBody {
  error: string;
  code: ServerErrorCode;
  /** Field-level problems, for `BAD_REQUEST` from validation. */
  issues?: Array<{ path: string; message: string }>;
  /** Ids that exist, for `NOT_FOUND` on a registry lookup. */
  available?: readonly string[];
  /** The provider's HTTP status, for `BAD_GATEWAY`. */
  upstreamStatus?: number;
}

/** An error with an HTTP status and a public message, thrown by route handlers. */
export class HttpError extends Error {
  readonly code: ServerErrorCode;
  readonly status: number;
  readonly body: ErrorBody;

  constructor(code: ServerErrorCode, message: string, extra: Omit<ErrorBody, 'error' | 'code'> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.code = code;
    this.status = statusByCode[code];
    this.body = { error: message, code, ...extra };
  }
}

/**
 * Maps any thrown value to a status and a public body. Unknown errors become a 500 with a generic
 * message: stacks and internal messages never reach the client.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (NotFoundError.isInstance(error)) {
    return new HttpError('NOT_FOUND', error.message, error.available === undefined ? {} : { available: error.available }, { cause: error });
  }
  if (TypeValidationError.isInstance(error)) {
    return new HttpError(
      'BAD_REQUEST',
      error.message,
      { issues: error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })) },
      { cause: error },
    );
  }
  if (JSONParseError.isInstance(error)) return new HttpError('BAD_REQUEST', error.message, {}, { cause: error });
  if (ConflictError.isInstance(error)) return new HttpError('CONFLICT', error.message, {}, { cause: error });
  if (AbortError.isInstance(error)) return new HttpError('CLIENT_CLOSED_REQUEST', 'The request was aborted', {}, { cause: error });
  if (APICallError.isInstance(error)) {
    const upstream = error.statusCode;
    return new HttpError(
      'BAD_GATEWAY',
      `The model provider failed${upstream === undefined ? '' : ` with HTTP ${upstream}`}: ${redact(error.message)}`,
      upstream === undefined ? {} : { upstreamStatus: upstream },
      { cause: error },
    );
  }
  if (StructuredOutputError.isInstance(error)) return new HttpError('UNPROCESSABLE_CONTENT', error.message, {}, { cause: error });
  if (UnsupportedFunctionalityError.isInstance(error)) return new HttpError('NOT_IMPLEMENTED', error.message, {}, { cause: error });
  if (ToolExecutionError.isInstance(error)) return new HttpError('INTERNAL_SERVER_ERROR', error.message, {}, { cause: error });
  if (StorageError.isInstance(error)) return new HttpError('INTERNAL_SERVER_ERROR', 'A storage operation failed', {}, { cause: error });
  if (error instanceof Error && error.name === 'AbortError') return new HttpError('CLIENT_CLOSED_REQUEST', 'The request was aborted', {}, { cause: error });
  if (error instanceof TypeError && /required|must be|expected/i.test(error.message)) return new HttpError('BAD_REQUEST', error.message, {}, { cause: error });
  return new HttpError('INTERNAL_SERVER_ERROR', 'Internal server error', {}, { cause: error });
}

const secretPattern = /(sk-[A-Za-z0-9_-]{6,}|Bearer\s+[A-Za-z0-9._~+/=-]+|api[_-]?key=[^&\s]+)/gi;

/** Removes things that look like credentials from a message. */
export function redact(message: string): string {
  return message.replace(secretPattern, '[redacted]');
}
