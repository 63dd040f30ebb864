import type { OpenAICompatibleSdkErrors } from '@mastra-ts/core/provider-utils';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/** The `openai` SDK's error classes, for core's OpenAI-compatible error mapping. */
export const openAISdkErrors: OpenAICompatibleSdkErrors = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

/** An error reported inside a stream, as the SDK's `Stream` throws it: its `APIError` without a status. */
export const openAIStreamError = (payload: unknown, headers: Headers): Error => new APIError(undefined, payload as object | undefined, undefined, headers);
