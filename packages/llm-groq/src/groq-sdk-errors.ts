import type { OpenAICompatibleSdkErrors } from '@mastra-ts/core/provider-utils';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'groq-sdk';

/** The `groq-sdk` error classes, for core's OpenAI-compatible error mapping. */
export const groqSdkErrors: OpenAICompatibleSdkErrors = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

/** An error reported inside a stream, as the SDK's `Stream` throws it: its `APIError` without a status. */
export const groqStreamError = (payload: unknown, headers: Headers): Error => new APIError(undefined, payload as object | undefined, undefined, headers);
