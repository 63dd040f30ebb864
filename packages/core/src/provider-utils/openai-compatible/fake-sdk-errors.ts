import type { OpenAICompatibleErrorContext, OpenAICompatibleSdkErrors } from './openai-compatible-error.ts';

/** Error classes laid out like the `openai` / `groq-sdk` ones, for tests. */
export class FakeAPIError extends Error {
  readonly status: number | undefined;
  readonly error: unknown;
  readonly headers: Headers | undefined;
  constructor(status: number | undefined, error: unknown, message: string | undefined, headers?: Headers) {
    super(message ?? '');
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}
export class FakeAPIConnectionError extends FakeAPIError {
  constructor({ message, cause }: { message: string; cause?: unknown }) {
    super(undefined, undefined, message);
    this.cause = cause;
  }
}
export class FakeAPIConnectionTimeoutError extends FakeAPIConnectionError {}
export class FakeAPIUserAbortError extends FakeAPIError {
  constructor() {
    super(undefined, undefined, 'Request was aborted.');
  }
}

export const fakeSdkErrors: OpenAICompatibleSdkErrors = {
  APIError: FakeAPIError,
  APIConnectionError: FakeAPIConnectionError,
  APIConnectionTimeoutError: FakeAPIConnectionTimeoutError,
  APIUserAbortError: FakeAPIUserAbortError,
};

/** An error context of a made-up provider `Acme`, for tests. */
export const fakeErrorContext: OpenAICompatibleErrorContext = {
  providerName: 'Acme',
  url: 'http://127.0.0.1:1/v1/chat/completions',
  requestBody: { model: 'm' },
  apiKeyVariable: 'ACME_API_KEY',
  abortSignal: undefined,
  sdkErrors: fakeSdkErrors,
};
