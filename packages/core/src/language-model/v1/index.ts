export * from './language-model-v1.ts';
export * from './language-model-v1-call-options.ts';
export * from './language-model-v1-content.ts';
export * from './language-model-v1-generate-result.ts';
export * from './language-model-v1-prompt.ts';
export * from './language-model-v1-stream-part.ts';
export * from './language-model-v1-usage.ts';
