import type { OpenAICompatibleSdkErrors } from '@mastra-ts/core/provider-utils';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'groq-sdk';

/** The `groq-sdk` error classes, for core's OpenAI-compatible error mapping. */
export const groqSdkErrors: OpenAICompatibleSdkErrors = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };
