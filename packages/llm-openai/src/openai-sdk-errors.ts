import type { OpenAICompatibleSdkErrors } from '@mastra-ts/core/provider-utils';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/** The `openai` SDK's error classes, for core's OpenAI-compatible error mapping. */
export const openAISdkErrors: OpenAICompatibleSdkErrors = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };
