export { loadApiKey, loadOptionalSetting, withoutTrailingSlash } from './load-api-key.ts';
export { callWithRetry, retryAfterMs, retryDelay, sleep, type RetryCallOptions } from '../retry/retry-policy.ts';
export { generateId } from '../utils/generate-id.ts';
