import { describe, expect, it } from 'vitest';
import { AbortError } from '../../errors/abort-error.ts';
import { APICallError } from '../../errors/api-call-error.ts';
import { FakeAPIConnectionError, FakeAPIConnectionTimeoutError, FakeAPIError, FakeAPIUserAbortError, fakeErrorContext, fakeSdkErrors } from './fake-sdk-errors.ts';
import { isOpenAICompatibleStreamErrorEvent, toOpenAICompatibleCallError, type OpenAICompatibleErrorContext } from './openai-compatible-error.ts';

const context: OpenAICompatibleErrorContext = fakeErrorContext;

function callError(error: unknown, overrides: Partial<OpenAICompatibleErrorContext> = {}): APICallError {
  const mapped = toOpenAICompatibleCallError(error, { ...context, ...overrides });
  expect(APICallError.isInstance(mapped)).toBe(true);
  return mapped as APICallError;
}

describe('toOpenAICompatibleCallError', () => {
  it('names the key variable and the provider on a 401, with status, lower-case headers and body', () => {
    const sdkError = new FakeAPIError(401, { message: 'Incorrect API key provided', type: 'invalid_request_error' }, '401 Incorrect', new Headers({ 'X-Request-Id': 'r1' }));
    const error = callError(sdkError);
    expect(error.message).toBe('Acme rejected the API key (401): Incorrect API key provided. Check ACME_API_KEY or the apiKey setting.');
    expect(error.statusCode).toBe(401);
    expect(error.isRetryable).toBe(false);
    expect(error.responseHeaders).toEqual({ 'x-request-id': 'r1' });
    expect(JSON.parse(error.responseBody!)).toEqual({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
    expect(error.requestBodyValues).toEqual({ model: 'm' });
    expect(error.cause).toBe(sdkError);
  });

  it('marks 429 and 5xx retryable and 400 not', () => {
    expect(callError(new FakeAPIError(429, { message: 'slow down' }, '429')).message).toBe('Acme rate limit (429): slow down');
    expect(callError(new FakeAPIError(429, undefined, '429')).isRetryable).toBe(true);
    expect(callError(new FakeAPIError(503, undefined, 'unavailable')).isRetryable).toBe(true);
    const bad = callError(new FakeAPIError(400, undefined, '400 bad'));
    expect(bad.isRetryable).toBe(false);
    expect(bad.message).toBe('Acme API call failed with status 400: 400 bad');
    expect(bad.responseBody).toBeUndefined();
  });

  it('maps an error event in a stream (no status) by its type: server errors are retryable, others not', () => {
    const overloaded = new FakeAPIError(undefined, { message: 'busy', type: 'server_error' }, 'busy');
    expect(isOpenAICompatibleStreamErrorEvent(overloaded, fakeSdkErrors)).toBe(true);
    const error = callError(overloaded);
    expect(error.message).toBe('Acme reported an error in the stream: busy');
    expect(error.statusCode).toBeUndefined();
    expect(error.isRetryable).toBe(true);
    expect(callError(new FakeAPIError(undefined, { message: 'bad tool', type: 'invalid_request_error' }, 'x')).isRetryable).toBe(false);
    expect(isOpenAICompatibleStreamErrorEvent(new FakeAPIError(500, undefined, 'x'), fakeSdkErrors)).toBe(false);
    expect(isOpenAICompatibleStreamErrorEvent(new Error('x'), fakeSdkErrors)).toBe(false);
  });

  it('maps connection failures and time-outs to retryable errors that name the cause', () => {
    const reset = callError(new FakeAPIConnectionError({ message: 'Connection error.', cause: new Error('socket hang up') }));
    expect(reset.message).toBe('Acme request to http://127.0.0.1:1/v1/chat/completions failed before a response: socket hang up');
    expect(reset.isRetryable).toBe(true);
    const timeout = callError(new FakeAPIConnectionTimeoutError({ message: 'Request timed out.' }));
    expect(timeout.message).toBe('Acme request to http://127.0.0.1:1/v1/chat/completions timed out');
    expect(timeout.isRetryable).toBe(true);
    const other = callError(new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }));
    expect(other.message).toBe('Acme request to http://127.0.0.1:1/v1/chat/completions failed: fetch failed: ECONNREFUSED');
    expect(other.isRetryable).toBe(true);
  });

  it('returns AbortError when the caller aborted or the SDK reports a user abort', () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const aborted = toOpenAICompatibleCallError(new Error('whatever'), { ...context, abortSignal: controller.signal });
    expect(AbortError.isInstance(aborted)).toBe(true);
    expect(aborted.message).toBe('Acme request to http://127.0.0.1:1/v1/chat/completions was aborted');
    expect(AbortError.isInstance(toOpenAICompatibleCallError(new FakeAPIUserAbortError(), context))).toBe(true);
  });

  it('passes core errors through unchanged', () => {
    const original = new APICallError({ message: 'already mapped', url: 'u' });
    expect(toOpenAICompatibleCallError(original, context)).toBe(original);
  });
});
