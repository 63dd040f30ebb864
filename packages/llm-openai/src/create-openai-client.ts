import { loadApiKey, loadOptionalSetting, withoutTrailingSlash } from '@mastra-ts/core/provider-utils';
import OpenAI from 'openai';
import { createLinkedFetch } from './request-abort-link.ts';
import { requestFetch } from './request-fetch.ts';

/** What an SDK client is built from. */
export interface OpenAIClientSettings {
  apiKey?: string | undefined;
  apiKeyVariable: string;
  description: string;
  baseURL?: string | undefined;
  baseURLVariable?: string | undefined;
  defaultBaseURL: string;
  headers?: Record<string, string> | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  organization?: string | undefined;
  project?: string | undefined;
}

/**
 * Returns a function that yields the SDK client, reading the API key and base URL when called and
 * rebuilding the client only when they change. SDK retries are off (core's retry policy owns them)
 * and so is SDK logging (providers do not log). Without a `fetch` in the settings, requests go through
 * `requestFetch`. Calls hand their abort signal to `fetch` through a `RequestAbortLink`.
 */
export function createOpenAIClientFactory(settings: OpenAIClientSettings): () => OpenAI {
  let cached: { apiKey: string; baseURL: string; client: OpenAI } | undefined;
  return () => {
    const apiKey = loadApiKey({ apiKey: settings.apiKey, environmentVariableName: settings.apiKeyVariable, description: settings.description });
    const baseURL =
      withoutTrailingSlash(
        settings.baseURL ?? (settings.baseURLVariable === undefined ? undefined : loadOptionalSetting({ settingValue: undefined, environmentVariableName: settings.baseURLVariable })),
      ) ?? settings.defaultBaseURL;
    if (cached?.apiKey === apiKey && cached.baseURL === baseURL) return cached.client;
    const client = new OpenAI({
      apiKey,
      baseURL,
      maxRetries: 0,
      logLevel: 'off',
      organization: settings.organization ?? null,
      project: settings.project ?? null,
      ...(settings.headers ? { defaultHeaders: settings.headers } : {}),
      // the settings' fetch, else undici's request() behind a fetch signature (see requestFetch)
      fetch: createLinkedFetch(settings.fetch ?? requestFetch),
    });
    cached = { apiKey, baseURL, client };
    return client;
  };
}
