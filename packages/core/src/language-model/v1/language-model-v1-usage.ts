/** Token usage of a call. A count the provider did not report is `undefined`, never a guessed 0. */
export interface LanguageModelV1Usage {
  /** Prompt tokens, including cached ones. */
  inputTokens: number | undefined;
  /** Generated tokens, including reasoning ones. */
  outputTokens: number | undefined;
  /** `inputTokens + outputTokens` when both are known, or the provider's own total. */
  totalTokens: number | undefined;
  /** Generated tokens spent on reasoning. */
  reasoningTokens?: number | undefined;
  /** Prompt tokens served from the provider's prompt cache. */
  cachedInputTokens?: number | undefined;
}

/** The finish reason of a generation. `other` covers provider reasons with no equivalent here. */
export type LanguageModelV1FinishReason =
  | 'stop'
  | 'length'
  | 'content-filter'
  | 'tool-calls'
  | 'error'
  | 'other'
  | 'unknown';

/** A setting or feature the provider ignored. Calls never throw for these. */
export type LanguageModelV1CallWarning =
  | { type: 'unsupported-setting'; setting: string; details?: string }
  | { type: 'unsupported-tool'; toolName: string; details?: string }
  | { type: 'other'; message: string };
