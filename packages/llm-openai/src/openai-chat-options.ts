import type { JSONValue, LanguageModelV1CallWarning } from '@mastra-ts/core';

/** OpenAI chat model ids; any other string is accepted too. */
export type OpenAIChatModelId =
  | 'gpt-4o-mini'
  | 'gpt-4o'
  | 'gpt-4.1'
  | 'gpt-4.1-mini'
  | 'gpt-4.1-nano'
  | 'gpt-5'
  | 'gpt-5-mini'
  | 'gpt-5-nano'
  | 'o3'
  | 'o3-mini'
  | 'o4-mini'
  | (string & {});

/** OpenAI embedding model ids; any other string is accepted too. */
export type OpenAIEmbeddingModelId = 'text-embedding-3-small' | 'text-embedding-3-large' | 'text-embedding-ada-002' | (string & {});

/**
 * `providerOptions.openai` (and `.deepseek`, or the `name` of a compatible provider) of a chat call.
 * Known keys are mapped to the request body; `extraBody` is merged into it verbatim (for
 * OpenAI-compatible servers' own parameters); any other key is ignored with a warning.
 */
export interface OpenAIChatProviderOptions {
  /** `reasoning_effort` of reasoning models. */
  reasoningEffort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
  /** `user`: an end-user id for abuse monitoring. */
  user?: string;
  /** `parallel_tool_calls`: whether the model may call several tools at once (default true at OpenAI). */
  parallelToolCalls?: boolean;
  /** `store`: keep the completion for distillation/evals. */
  store?: boolean;
  /** `metadata` stored with the completion. */
  metadata?: Record<string, string>;
  /** `service_tier`. */
  serviceTier?: 'auto' | 'default' | 'flex' | 'scale' | 'priority';
  /** `logit_bias`. */
  logitBias?: Record<string, number>;
  /** `prompt_cache_key`. */
  promptCacheKey?: string;
  /** `safety_identifier`. */
  safetyIdentifier?: string;
  /** `verbosity` of GPT-5 models. */
  verbosity?: 'low' | 'medium' | 'high';
  /** `prediction` (predicted outputs). */
  prediction?: { type: 'content'; content: string };
  /** Use `strict: true` for `response_format: json_schema` and tools (default false: a schema OpenAI's strict mode rejects would fail the call). */
  strictJsonSchema?: boolean;
  /** DeepSeek's `thinking` switch, e.g. `{ type: 'enabled' }`. */
  thinking?: { type: 'enabled' | 'disabled' };
  /** Merged into the request body as is. */
  extraBody?: Record<string, JSONValue>;
  /** Image detail, read from an image part's `providerOptions.openai.imageDetail`. */
  imageDetail?: 'low' | 'high' | 'auto';
}

const bodyKeys: Record<string, string> = {
  reasoningEffort: 'reasoning_effort',
  user: 'user',
  parallelToolCalls: 'parallel_tool_calls',
  store: 'store',
  metadata: 'metadata',
  serviceTier: 'service_tier',
  logitBias: 'logit_bias',
  promptCacheKey: 'prompt_cache_key',
  safetyIdentifier: 'safety_identifier',
  verbosity: 'verbosity',
  prediction: 'prediction',
  thinking: 'thinking',
};

/**
 * Maps provider options to request body fields. `supported` lists the keys this provider accepts;
 * the rest produce warnings.
 */
export function mapChatProviderOptions(
  options: Record<string, JSONValue | undefined> | undefined,
  supported: ReadonlySet<string>,
  providerOptionsKey: string,
): { body: Record<string, unknown>; strictJsonSchema: boolean; warnings: LanguageModelV1CallWarning[] } {
  const body: Record<string, unknown> = {};
  const warnings: LanguageModelV1CallWarning[] = [];
  let strictJsonSchema = false;
  if (!options) return { body, strictJsonSchema, warnings };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === 'extraBody' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(body, value);
    } else if (key === 'strictJsonSchema') {
      strictJsonSchema = value === true;
    } else if (key === 'imageDetail') {
      continue;
    } else if (supported.has(key) && bodyKeys[key] !== undefined) {
      body[bodyKeys[key]] = value;
    } else {
      warnings.push({
        type: 'unsupported-setting',
        setting: `providerOptions.${providerOptionsKey}.${key}`,
        details: `ignored: supported keys are ${[...supported, 'strictJsonSchema', 'extraBody'].join(', ')}; use extraBody to send other request fields`,
      });
    }
  }
  return { body, strictJsonSchema, warnings };
}
