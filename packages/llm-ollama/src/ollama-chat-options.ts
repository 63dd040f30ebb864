import { TypeValidationError, type JSONValue } from '@mastra-ts/core';

/** Ollama model names (any pulled model works). */
export type OllamaChatModelId = 'llama3.2' | 'llama3.1' | 'qwen3' | 'gpt-oss' | 'mistral' | 'gemma3' | 'deepseek-r1' | (string & {});
/** Ollama embedding model names. */
export type OllamaEmbeddingModelId = 'nomic-embed-text' | 'mxbai-embed-large' | 'all-minilm' | 'embeddinggemma' | (string & {});

/**
 * `providerOptions.ollama` of a call. `think` and `keep_alive` (or `keepAlive`) are request fields;
 * every other key (e.g. `num_ctx`, `repeat_penalty`, `mirostat`) is a model option sent in `options`,
 * as is the content of an explicit `options` object.
 */
export interface OllamaProviderOptions {
  /** Enable thinking for models that support it (`true`, or a level for gpt-oss). */
  think?: boolean | 'low' | 'medium' | 'high';
  /** How long the model stays loaded after the call, e.g. `'5m'` or seconds; `0` unloads at once. */
  keep_alive?: string | number;
  /** Model options (`num_ctx`, `num_gpu`, …). */
  options?: Record<string, JSONValue>;
  [option: string]: JSONValue | undefined;
}

/** The parsed options: request fields and model options. */
export interface ParsedOllamaOptions {
  think?: boolean | 'low' | 'medium' | 'high';
  keepAlive?: string | number;
  truncate?: boolean;
  dimensions?: number;
  modelOptions: Record<string, JSONValue>;
}

function fail(path: string, value: unknown, message: string): never {
  throw new TypeValidationError({ value, context: 'providerOptions.ollama', issues: [{ path: [path], message }] });
}

/** Splits `providerOptions.ollama` into request fields and model options. */
export function parseOllamaProviderOptions(raw: Record<string, JSONValue | undefined> | undefined): ParsedOllamaOptions {
  const parsed: ParsedOllamaOptions = { modelOptions: {} };
  if (raw === undefined) return parsed;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('(root)', raw, 'expected an object, e.g. { num_ctx: 8192, keep_alive: "10m" }');
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    switch (key) {
      case 'think':
        if (typeof value !== 'boolean' && value !== 'low' && value !== 'medium' && value !== 'high') fail(key, value, 'must be a boolean or "low" | "medium" | "high"');
        parsed.think = value;
        break;
      case 'keep_alive':
      case 'keepAlive':
        if (typeof value !== 'string' && typeof value !== 'number') fail(key, value, 'must be a duration string such as "5m" or a number of seconds');
        parsed.keepAlive = value;
        break;
      case 'truncate':
        if (typeof value !== 'boolean') fail(key, value, 'must be a boolean');
        parsed.truncate = value;
        break;
      case 'dimensions':
        if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(key, value, 'must be a positive integer');
        parsed.dimensions = value;
        break;
      case 'options':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(key, value, 'must be an object of model options, e.g. { num_ctx: 8192 }');
        Object.assign(parsed.modelOptions, value);
        break;
      default:
        parsed.modelOptions[key] = value;
    }
  }
  return parsed;
}
