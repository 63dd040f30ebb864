/**
 * @module
 * `@mastra-ts/llm-anthropic`: Anthropic Messages API models for mastra-ts, on the official
 * `@anthropic-ai/sdk`. Importing this module registers the `anthropic/…` routing strings.
 */
import { registerModelProvider } from '@mastra-ts/core';
import { anthropic } from './anthropic-provider.ts';

export { anthropic, createAnthropic } from './anthropic-provider.ts';
export type { AnthropicProvider, AnthropicProviderSettings } from './anthropic-provider.ts';
export { AnthropicMessagesLanguageModel } from './anthropic-messages-language-model.ts';
export type { AnthropicMessagesConfig } from './anthropic-messages-language-model.ts';
export type { AnthropicCacheControl, AnthropicMessagesModelId, AnthropicProviderOptions } from './anthropic-messages-options.ts';
export { VERSION } from './version.ts';

registerModelProvider({ id: 'anthropic', packageName: '@mastra-ts/llm-anthropic', languageModel: (modelId) => anthropic(modelId) });
