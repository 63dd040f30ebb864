/**
 * @module
 * `@mastra-ts/llm-groq`: Groq chat models on the official `groq-sdk`. Importing this module registers
 * the `groq/…` routing strings with `@mastra-ts/core`.
 */
import { registerModelProvider } from '@mastra-ts/core';
import { groq } from './groq-provider.ts';

export { createGroq, groq } from './groq-provider.ts';
export type { GroqProvider, GroqProviderSettings } from './groq-provider.ts';
export type { GroqChatModelId, GroqChatProviderOptions } from './groq-chat-options.ts';
export { GroqChatLanguageModel } from './groq-chat-language-model.ts';
export { VERSION } from './version.ts';

registerModelProvider({
  id: 'groq',
  packageName: '@mastra-ts/llm-groq',
  languageModel: (modelId) => groq(modelId),
});
