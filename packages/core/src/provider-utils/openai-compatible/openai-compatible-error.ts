import { AbortError } from '../../errors/abort-error.ts';
import { APICallError } from '../../errors/api-call-error.ts';
import { headersToRecord } from '../headers-to-record.ts';

/** What an `APIError` of the `openai` / `groq-sdk` SDKs looks like: `status` is undefined for an error event in a stream. */
export interface OpenAICompatibleSdkAPIError extends Error {
  readonly status: number | undefined;
  readonly error: unknown;
  readonly headers: Headers | undefined | null;
}

type ErrorClass<T> = abstract new (...args: never[]) => T;

/**
 * The error classes of the provider's SDK (`openai` and `groq-sdk` share the Stainless layout), passed in so that
 * core depends on neither SDK. `APIConnectionError` and its subclasses must be subclasses of `APIError`.
 */
export interface OpenAICompatibleSdkErrors {
  /** Also built for an error reported inside a stream, as the SDKs' own `Stream` builds it (no status, no message). */
  APIError: new (status: undefined, error: object | undefined, message: undefined, headers: Headers) => OpenAICompatibleSdkAPIError;
  APIConnectionError: ErrorClass<Error>;
  APIConnectionTimeoutError: ErrorClass<Error>;
  APIUserAbortError: ErrorClass<Error>;
}

/** Where a failed call went, for the error message. */
export interface OpenAICompatibleErrorContext {
  /** Provider name for messages, e.g. `OpenAI`, `Groq`. */
  providerName: string;
  url: string;
  requestBody: unknown;
  /** The environment variable of the API key, named in 401 messages (e.g. `OPENAI_API_KEY`). */
  apiKeyVariable: string;
  abortSignal: AbortSignal | undefined;
  /** The SDK's error classes. */
  sdkErrors: OpenAICompatibleSdkErrors;
}

/**
 * Converts an error of an OpenAI-compatible SDK (or of the transport) into core's typed errors:
 * `AbortError` when the caller aborted, `APICallError` otherwise (status, lower-case headers, body, `isRetryable`).
 */
export function toOpenAICompatibleCallError(error: unknown, context: OpenAICompatibleErrorContext): Error {
  const sdk = context.sdkErrors;
  if (APICallError.isInstance(error) || AbortError.isInstance(error)) return error;
  if (context.abortSignal?.aborted || error instanceof sdk.APIUserAbortError) {
    return new AbortError({ message: `${context.providerName} request to ${context.url} was aborted`, cause: context.abortSignal?.reason ?? error });
  }
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new APICallError({ message: `${context.providerName} request to ${context.url} timed out`, url: context.url, requestBodyValues: context.requestBody, isRetryable: true, cause: error });
  }
  if (error instanceof sdk.APIConnectionError) {
    const detail = describeCause(error.cause) ?? error.message;
    return new APICallError({
      message: `${context.providerName} request to ${context.url} failed before a response: ${detail}`,
      url: context.url,
      requestBodyValues: context.requestBody,
      isRetryable: true,
      cause: error,
    });
  }
  if (error instanceof sdk.APIError) {
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

/** Whether the error is an error event inside a stream (an SDK `APIError` without a status), which ends the stream with an error part. */
export function isOpenAICompatibleStreamErrorEvent(error: unknown, sdkErrors: OpenAICompatibleSdkErrors): boolean {
  return error instanceof sdkErrors.APIError && error.status === undefined;
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
