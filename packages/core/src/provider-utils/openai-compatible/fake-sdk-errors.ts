import type { OpenAICompatibleSdkErrors } from './openai-compatible-error.ts';

/** Error classes laid out like the `openai` / `groq-sdk` ones, for tests. */
export class FakeAPIError extends Error {
  readonly status: number | undefined;
  readonly error: unknown;
  readonly headers: Headers | undefined;
  constructor(status: number | undefined, error: unknown, message: string, headers?: Headers) {
    super(message);
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
