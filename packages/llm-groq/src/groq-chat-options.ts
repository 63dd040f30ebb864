import type { JSONValue, LanguageModelV1CallWarning } from '@mastra-ts/core';

/** Groq chat model ids; any other string is accepted too. */
export type GroqChatModelId =
  | 'llama-3.3-70b-versatile'
  | 'llama-3.1-8b-instant'
  | 'meta-llama/llama-4-scout-17b-16e-instruct'
  | 'meta-llama/llama-4-maverick-17b-128e-instruct'
  | 'openai/gpt-oss-120b'
  | 'openai/gpt-oss-20b'
  | 'qwen/qwen3-32b'
  | 'moonshotai/kimi-k2-instruct'
  | (string & {});

/**
 * `providerOptions.groq` of a chat call. Known keys are mapped to the request body; `extraBody` is
 * merged verbatim; other keys are ignored with a warning.
 */
export interface GroqChatProviderOptions {
  /** `reasoning_format`: `parsed` puts reasoning in its own field (surfaced as reasoning parts), `raw` inline in `<think>` tags, `hidden` drops it. */
  reasoningFormat?: 'parsed' | 'raw' | 'hidden';
  /** `reasoning_effort` (qwen3: `none` | `default`; gpt-oss: `low` | `medium` | `high`). */
  reasoningEffort?: 'none' | 'default' | 'low' | 'medium' | 'high';
  /** `include_reasoning` (exclusive with `reasoningFormat`). */
  includeReasoning?: boolean;
  /** `parallel_tool_calls`. */
  parallelToolCalls?: boolean;
  /** `user`: an end-user id. */
  user?: string;
  /** `service_tier`. */
  serviceTier?: 'auto' | 'on_demand' | 'flex' | 'performance';
  /** Use `response_format: json_schema` for JSON output with a schema (default true); false uses `json_object` plus instructions, for models without structured outputs. */
  structuredOutputs?: boolean;
  /** `strict` of the json_schema response format (default false). */
  strictJsonSchema?: boolean;
  /** Merged into the request body as is. */
  extraBody?: Record<string, JSONValue>;
}

const bodyKeys: Record<string, string> = {
  reasoningFormat: 'reasoning_format',
  reasoningEffort: 'reasoning_effort',
  includeReasoning: 'include_reasoning',
  parallelToolCalls: 'parallel_tool_calls',
  user: 'user',
  serviceTier: 'service_tier',
};

/** Maps `providerOptions.groq` to request body fields and warnings. */
export function mapGroqProviderOptions(options: Record<string, JSONValue | undefined> | undefined): {
  body: Record<string, unknown>;
  structuredOutputs: boolean;
  strictJsonSchema: boolean;
  warnings: LanguageModelV1CallWarning[];
} {
  const result = { body: {} as Record<string, unknown>, structuredOutputs: true, strictJsonSchema: false, warnings: [] as LanguageModelV1CallWarning[] };
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value === undefined) continue;
    if (key === 'extraBody' && value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(result.body, value);
    else if (key === 'structuredOutputs') result.structuredOutputs = value !== false;
    else if (key === 'strictJsonSchema') result.strictJsonSchema = value === true;
    else if (key === 'imageDetail') continue;
    else if (bodyKeys[key] !== undefined) result.body[bodyKeys[key]] = value;
    else {
      result.warnings.push({
        type: 'unsupported-setting',
        setting: `providerOptions.groq.${key}`,
        details: `ignored: supported keys are ${[...Object.keys(bodyKeys), 'structuredOutputs', 'strictJsonSchema', 'extraBody'].join(', ')}; use extraBody to send other request fields`,
      });
    }
  }
  return result;
}
