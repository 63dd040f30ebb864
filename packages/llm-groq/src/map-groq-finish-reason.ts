import type { LanguageModelV1FinishReason } from '@mastra-ts/core';

/** Maps a Chat Completions `finish_reason` to core's finish reason. */
export function mapGroqFinishReason(finishReason: string | null | undefined): LanguageModelV1FinishReason {
  switch (finishReason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case null:
    case undefined:
      return 'unknown';
    default:
      return 'other';
  }
}
