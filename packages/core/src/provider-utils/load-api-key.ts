import { LoadAPIKeyError } from '../errors/load-api-key-error.ts';

/**
 * Returns `apiKey` when given, else the environment variable. Call it when a request is made, not
 * when the provider is created, so that importing a provider never throws.
 */
export function loadApiKey({ apiKey, environmentVariableName, description, settingName = 'apiKey' }: { apiKey: string | undefined; environmentVariableName: string; description: string; settingName?: string }): string {
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  if (apiKey !== undefined && typeof apiKey !== 'string') {
    throw new LoadAPIKeyError({ environmentVariableName, message: `${description} API key must be a string, got ${typeof apiKey}` });
  }
  const value = typeof process === 'undefined' ? undefined : process.env[environmentVariableName];
  if (value === undefined || value.length === 0) {
    throw new LoadAPIKeyError({
      environmentVariableName,
      message: `${description} API key is missing: ${environmentVariableName} is not set. Export it or pass ${settingName} to the provider settings.`,
    });
  }
  return value;
}

/** A setting from the options, else from the environment, else undefined. */
export function loadOptionalSetting({ settingValue, environmentVariableName }: { settingValue: string | undefined; environmentVariableName: string }): string | undefined {
  if (settingValue !== undefined) return settingValue;
  const value = typeof process === 'undefined' ? undefined : process.env[environmentVariableName];
  return value === undefined || value.length === 0 ? undefined : value;
}

/** Removes one trailing slash. */
export function withoutTrailingSlash(url: string | undefined): string | undefined {
  return url?.endsWith('/') ? url.slice(0, -1) : url;
}
