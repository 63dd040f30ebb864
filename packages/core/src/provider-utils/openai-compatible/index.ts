export { convertToOpenAICompatibleMessages } from './convert-to-openai-compatible-messages.ts';
export type {
  OpenAICompatibleAssistantMessage,
  OpenAICompatibleContentPart,
  OpenAICompatibleMessage,
  OpenAICompatibleMessageOptions,
  OpenAICompatibleToolCall,
} from './convert-to-openai-compatible-messages.ts';
export { mapOpenAICompatibleFinishReason } from './map-openai-compatible-finish-reason.ts';
export { buildOpenAICompatibleChatBody, type OpenAICompatibleChatBodyOptions } from './openai-compatible-chat-body.ts';
export { mapOpenAICompatibleCompletion, parseOpenAICompatibleCompletion, type OpenAICompatibleCompletion, type OpenAICompatibleCompletionOptions } from './openai-compatible-completion.ts';
export { mapOpenAICompatibleContent, type OpenAICompatibleResponseMessage } from './openai-compatible-content.ts';
export {
  isOpenAICompatibleStreamErrorEvent,
  toOpenAICompatibleCallError,
  type OpenAICompatibleErrorContext,
  type OpenAICompatibleSdkAPIError,
  type OpenAICompatibleSdkErrors,
} from './openai-compatible-error.ts';
export { openAICompatibleRequestOptions } from './openai-compatible-request-options.ts';
export { OpenAICompatibleSSEChunks, type SSEParserFactory } from './openai-compatible-sse-chunks.ts';
export { mapOpenAICompatibleStream, type OpenAICompatibleChunk, type OpenAICompatibleStreamOptions } from './openai-compatible-stream.ts';
export { mapOpenAICompatibleUsage, type OpenAICompatibleWireUsage } from './openai-compatible-usage.ts';
