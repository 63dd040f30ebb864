export { loadApiKey, loadOptionalSetting, withoutTrailingSlash } from './load-api-key.ts';
export { callWithRetry, retryAfterMs, retryDelay, sleep, type RetryCallOptions } from '../retry/retry-policy.ts';
export { generateId } from '../utils/generate-id.ts';
export { BodyPartStream } from './body-part-stream.ts';
export { detectImageMediaType, type DetectedImageMediaType } from './detect-image-media-type.ts';
export { headersToRecord } from './headers-to-record.ts';
export * from './openai-compatible/index.ts';
