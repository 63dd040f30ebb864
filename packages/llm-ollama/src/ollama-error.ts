import { AbortError, APICallError, MastraTsError } from '@mastra-ts/core';

/** What the error mapping knows about the call. */
export interface OllamaErrorContext {
  url: string;
  host: string;
  modelId: string;
  requestBody: unknown;
  abortSignal: AbortSignal | undefined;
  /** Headers of the last HTTP response of the call, captured by the fetch wrapper. */
  responseHeaders: () => Record<string, string> | undefined;
}

interface OllamaResponseError extends Error {
  error: string;
  status_code: number;
}

function isResponseError(error: unknown): error is OllamaResponseError {
  return error instanceof Error && error.name === 'ResponseError' && typeof (error as Partial<OllamaResponseError>).status_code === 'number';
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** True for an `{ "error": … }` line inside an NDJSON stream (the client throws a plain `Error`). */
export function isInStreamError(error: unknown): error is Error {
  return error instanceof Error && error.constructor === Error && !isResponseError(error) && !/Did not receive done/.test(error.message);
}

/** Converts an error from the `ollama` client or its transport into a core error. */
export function mapOllamaError(error: unknown, context: OllamaErrorContext): unknown {
  if (MastraTsError.isInstance(error)) return error;
  if (context.abortSignal?.aborted || isAbort(error)) return new AbortError({ message: 'The Ollama request was aborted', cause: error });
  const responseHeaders = context.responseHeaders();
  if (isResponseError(error)) {
    const status = error.status_code;
    const notPulled = status === 404 && /not found/i.test(error.error);
    const message = notPulled
      ? `Ollama model "${context.modelId}" is not available on ${context.host}: run \`ollama pull ${context.modelId}\` (server said: ${error.error})`
      : `Ollama API error with status ${status}: ${error.error}`;
    return new APICallError({
      message,
      url: context.url,
      requestBodyValues: context.requestBody,
      statusCode: status,
      ...(responseHeaders ? { responseHeaders } : {}),
      responseBody: JSON.stringify({ error: error.error }),
      data: { error: error.error },
      cause: error,
    });
  }
  if (isInStreamError(error)) {
    return new APICallError({
      message: `Ollama reported an error in the response stream: ${error.message}`,
      url: context.url,
      requestBodyValues: context.requestBody,
      data: { error: error.message },
      isRetryable: false,
      cause: error,
    });
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const detail = error instanceof Error ? `${error.message}${cause ? ` (${cause.message})` : ''}` : String(error);
  const refused = /ECONNREFUSED/.test(detail) || (cause as { code?: string } | undefined)?.code === 'ECONNREFUSED';
  return new APICallError({
    message: refused
      ? `Could not reach Ollama at ${context.host}: is \`ollama serve\` running? Set OLLAMA_HOST or the host setting if it listens elsewhere. (${detail})`
      : `Ollama request to ${context.url} failed before a complete response: ${detail}. The connection was reset or cut; the call may be retried.`,
    url: context.url,
    requestBodyValues: context.requestBody,
    isRetryable: true,
    cause: error,
  });
}
