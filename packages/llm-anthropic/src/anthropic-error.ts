import Anthropic from '@anthropic-ai/sdk';
import { AbortError, APICallError, InvalidResponseDataError, MastraTsError } from '@mastra-ts/core';
import { headersToRecord } from '@mastra-ts/core/provider-utils';

const retryableErrorTypes = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);

function hint(status: number | undefined, type: string | undefined): string {
  if (status === 401 || type === 'authentication_error') return ' Check ANTHROPIC_API_KEY (or the apiKey setting of createAnthropic).';
  if (status === 404 || type === 'not_found_error') return ' Check the model id (e.g. "claude-sonnet-4-5") and the baseURL.';
  if (status === 413 || type === 'request_too_large') return ' Shorten the prompt or send fewer/smaller images.';
  return '';
}

/**
 * Converts an error thrown by `@anthropic-ai/sdk` (or by the transport under it) into a core error:
 * `APICallError` with status, lower-case headers, body and `isRetryable`; `AbortError` when the call was
 * aborted; `InvalidResponseDataError` for a malformed event.
 */
export function mapAnthropicError(error: unknown, context: { url: string; requestBody: unknown; abortSignal: AbortSignal | undefined }): unknown {
  if (MastraTsError.isInstance(error)) return error;
  if (context.abortSignal?.aborted || error instanceof Anthropic.APIUserAbortError) {
    return new AbortError({ message: 'The Anthropic request was aborted', cause: error });
  }
  if (error instanceof SyntaxError) {
    return new InvalidResponseDataError({ data: error.message, message: `Anthropic sent a stream event that is not valid JSON: ${error.message}`, cause: error });
  }
  if (error instanceof Anthropic.APIError && !(error instanceof Anthropic.APIConnectionError)) {
    const body = error.error as { error?: { type?: string; message?: string } } | undefined;
    const type = body?.error?.type ?? error.type ?? undefined;
    const apiMessage = body?.error?.message ?? error.apiMessage ?? error.message;
    const responseHeaders = headersToRecord(error.headers);
    const status = error.status;
    const shouldRetryHeader = responseHeaders?.['x-should-retry'];
    const isRetryable =
      shouldRetryHeader === 'true' ? true
      : shouldRetryHeader === 'false' ? false
      : status === undefined ? type !== undefined && retryableErrorTypes.has(type)
      : status === 408 || status === 409 || status === 429 || status >= 500;
    const where = status === undefined ? 'in the response stream' : `with status ${status}`;
    return new APICallError({
      message: `Anthropic API error ${where}${type ? ` (${type})` : ''}: ${apiMessage}.${hint(status, type)}`,
      url: context.url,
      requestBodyValues: context.requestBody,
      ...(status !== undefined ? { statusCode: status } : {}),
      ...(responseHeaders ? { responseHeaders } : {}),
      ...(body !== undefined ? { responseBody: JSON.stringify(body) } : {}),
      data: body,
      isRetryable,
      cause: error,
    });
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const detail = error instanceof Error ? `${error.message}${cause ? ` (${cause.message})` : ''}` : String(error);
  return new APICallError({
    message: `Anthropic request to ${context.url} failed before a complete response: ${detail}. The connection was reset or cut; the call may be retried.`,
    url: context.url,
    requestBodyValues: context.requestBody,
    isRetryable: true,
    cause: error,
  });
}
