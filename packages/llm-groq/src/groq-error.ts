import { AbortError, APICallError } from '@mastra-ts/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'groq-sdk';

/** Where a failed call went, for the error message. */
export interface GroqErrorContext {
  /** Provider name for messages, e.g. `Groq`. */
  providerName: string;
  url: string;
  requestBody: unknown;
  /** The environment variable of the API key, named in 401 messages. */
  apiKeyVariable: string;
  abortSignal: AbortSignal | undefined;
}

/** Lower-case header record of a fetch `Headers`. */
export function headersToRecord(headers: Headers | undefined | null): Record<string, string> | undefined {
  if (!headers) return undefined;
  const record: Record<string, string> = {};
  headers.forEach((value, key) => {
    record[key.toLowerCase()] = value;
  });
  return record;
}

/**
 * Converts an error of the `groq-sdk` (or of the transport) into core's typed errors:
 * `AbortError` when the caller aborted, `APICallError` otherwise.
 */
export function toGroqCallError(error: unknown, context: GroqErrorContext): Error {
  if (APICallError.isInstance(error) || AbortError.isInstance(error)) return error;
  if (context.abortSignal?.aborted || error instanceof APIUserAbortError) {
    return new AbortError({ message: `${context.providerName} request to ${context.url} was aborted`, cause: context.abortSignal?.reason ?? error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new APICallError({ message: `${context.providerName} request to ${context.url} timed out`, url: context.url, requestBodyValues: context.requestBody, isRetryable: true, cause: error });
  }
  if (error instanceof APIConnectionError) {
    const detail = describeCause(error.cause) ?? error.message;
    return new APICallError({
      message: `${context.providerName} request to ${context.url} failed before a response: ${detail}`,
      url: context.url,
      requestBodyValues: context.requestBody,
      isRetryable: true,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const body = error.error === undefined ? undefined : JSON.stringify({ error: error.error });
    const payload = error.error as { message?: unknown; type?: unknown; code?: unknown } | undefined;
    const reason = typeof payload?.message === 'string' ? payload.message : error.message;
    let message: string;
    if (status === undefined) message = `${context.providerName} reported an error in the stream: ${reason}`;
    else if (status === 401) message = `${context.providerName} rejected the API key (401): ${reason}. Check ${context.apiKeyVariable} or the apiKey setting.`;
    else if (status === 429) message = `${context.providerName} rate limit (429): ${reason}`;
    else message = `${context.providerName} API call failed with status ${status}: ${reason}`;
    return new APICallError({
      message,
      url: context.url,
      requestBodyValues: context.requestBody,
      ...(status === undefined ? { isRetryable: isRetryableStreamError(payload) } : { statusCode: status }),
      ...(error.headers ? { responseHeaders: headersToRecord(error.headers)! } : {}),
      ...(body === undefined ? {} : { responseBody: body }),
      data: error.error,
      cause: error,
    });
  }
  return new APICallError({
    message: `${context.providerName} request to ${context.url} failed: ${describeCause(error) ?? String(error)}`,
    url: context.url,
    requestBodyValues: context.requestBody,
    isRetryable: true,
    cause: error,
  });
}

function isRetryableStreamError(payload: { type?: unknown; code?: unknown } | undefined): boolean {
  const kind = `${String(payload?.type ?? '')} ${String(payload?.code ?? '')}`;
  return /server_error|overloaded|rate_limit|timeout|unavailable/i.test(kind);
}

function describeCause(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const inner = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${inner}`;
}
