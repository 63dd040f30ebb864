import type { LanguageModelV1FinishReason } from '../../language-model/v1/index.ts';

/** Maps a Chat Completions `finish_reason` (OpenAI, Groq, DeepSeek, compatible servers) to core's finish reason. */
export function mapOpenAICompatibleFinishReason(finishReason: string | null | undefined): LanguageModelV1FinishReason {
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
