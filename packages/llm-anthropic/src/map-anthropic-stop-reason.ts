import type { LanguageModelV1FinishReason } from '@mastra-ts/core';

/** Maps Anthropic's `stop_reason` to a core finish reason. `jsonTool`: the forced `json` tool answered. */
export function mapAnthropicStopReason(stopReason: string | null | undefined, jsonTool = false): LanguageModelV1FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'tool_use':
      return jsonTool ? 'stop' : 'tool-calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'content-filter';
    case null:
    case undefined:
      return 'unknown';
    default:
      return 'other';
  }
}
