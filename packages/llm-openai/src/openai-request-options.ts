import { openAICompatibleRequestOptions } from '@mastra-ts/core/provider-utils';
import type OpenAI from 'openai';
import type { RequestAbortLink } from './request-abort-link.ts';

/** The SDK request options of a call: its headers, and its abort signal through `link` (see `RequestAbortLink`). */
export function openAIRequestOptions(options: { headers?: Record<string, string | undefined> | undefined }, link: RequestAbortLink | undefined): OpenAI.RequestOptions {
  const request: OpenAI.RequestOptions = openAICompatibleRequestOptions({ headers: options.headers });
  if (link) request.fetchOptions = link.fetchOptions() as OpenAI.RequestOptions['fetchOptions'];
  return request;
}
