import { TypeValidationError, type JSONValue, type LanguageModelV1CallWarning } from '@mastra-ts/core';

/** Anthropic model ids. Any other string is accepted too, so new models need no release. */
export type AnthropicMessagesModelId =
  | 'claude-opus-4-5'
  | 'claude-sonnet-4-5'
  | 'claude-haiku-4-5'
  | 'claude-opus-4-1'
  | 'claude-opus-4-0'
  | 'claude-sonnet-4-0'
  | 'claude-3-7-sonnet-latest'
  | 'claude-3-5-haiku-latest'
  | (string & {});

/** Cache breakpoint, as in Anthropic's `cache_control`. */
export interface AnthropicCacheControl {
  type: 'ephemeral';
  /** `5m` (default) or `1h`. */
  ttl?: '5m' | '1h';
}

/**
 * `providerOptions.anthropic` of a call. Parts, messages and tools accept `{ cacheControl }` (and
 * reasoning parts `{ signature }` / `{ redactedData }`) under the same key.
 */
export interface AnthropicProviderOptions {
  /** Extended thinking: `{ type: 'enabled', budgetTokens }`, `{ type: 'adaptive' }` or `{ type: 'disabled' }`. */
  thinking?: { type: 'enabled'; budgetTokens: number } | { type: 'adaptive' } | { type: 'disabled' };
  /** Automatic prompt caching of the whole request (top-level `cache_control`). */
  cacheControl?: AnthropicCacheControl;
  /** Send reasoning parts of earlier turns back as thinking blocks (default true). */
  sendReasoning?: boolean;
  /** Allow at most one tool call per turn. */
  disableParallelToolUse?: boolean;
  /** How JSON output with a schema is obtained: native `output_config.format`, a forced `json` tool, or `auto` (default: native on models that have it). */
  structuredOutputMode?: 'outputFormat' | 'jsonTool' | 'auto';
  /** `output_config.effort`. */
  effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max';
  /** End-user id for abuse detection (`metadata.user_id`). */
  userId?: string;
  /** `service_tier`. */
  serviceTier?: 'auto' | 'standard_only';
}

const knownKeys = new Set(['thinking', 'cacheControl', 'sendReasoning', 'disableParallelToolUse', 'structuredOutputMode', 'effort', 'userId', 'serviceTier']);

function fail(path: string[], value: unknown, message: string): never {
  throw new TypeValidationError({ value, context: 'providerOptions.anthropic', issues: [{ path, message }] });
}

/** Validates `providerOptions.anthropic`; unknown keys become warnings. */
export function parseAnthropicProviderOptions(raw: Record<string, JSONValue | undefined> | undefined, warnings: LanguageModelV1CallWarning[]): AnthropicProviderOptions {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail([], raw, 'expected an object, e.g. { thinking: { type: "enabled", budgetTokens: 2048 } }');
  const options: AnthropicProviderOptions = {};
  for (const key of Object.keys(raw)) {
    if (!knownKeys.has(key)) warnings.push({ type: 'unsupported-setting', setting: `providerOptions.anthropic.${key}`, details: `unknown option, ignored; known options: ${[...knownKeys].join(', ')}` });
  }
  const thinking = raw.thinking as Record<string, unknown> | undefined | null;
  if (thinking !== undefined && thinking !== null) {
    if (typeof thinking !== 'object') fail(['thinking'], thinking, 'expected { type: "enabled", budgetTokens } or { type: "adaptive" }');
    const budget = thinking.budgetTokens ?? thinking.budget_tokens;
    if (thinking.type === 'enabled') {
      if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1024) fail(['thinking', 'budgetTokens'], budget, `must be an integer >= 1024 (Anthropic's minimum), got ${JSON.stringify(budget)}`);
      options.thinking = { type: 'enabled', budgetTokens: budget };
    } else if (thinking.type === 'adaptive' || thinking.type === 'disabled') options.thinking = { type: thinking.type };
    else fail(['thinking', 'type'], thinking.type, `must be "enabled", "adaptive" or "disabled", got ${JSON.stringify(thinking.type)}`);
  }
  const cacheControl = parseCacheControl(raw.cacheControl ?? raw.cache_control, ['cacheControl']);
  if (cacheControl) options.cacheControl = cacheControl;
  for (const key of ['sendReasoning', 'disableParallelToolUse'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') fail([key], value, `must be a boolean, got ${JSON.stringify(value)}`);
    options[key] = value;
  }
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) fail([key], value, `must be one of ${allowed.map((item) => `"${item}"`).join(', ')}, got ${JSON.stringify(value)}`);
    return value as T;
  };
  const mode = oneOf('structuredOutputMode', ['outputFormat', 'jsonTool', 'auto'] as const);
  if (mode) options.structuredOutputMode = mode;
  const effort = oneOf('effort', ['low', 'medium', 'high', 'xhigh', 'max'] as const);
  if (effort) options.effort = effort;
  const serviceTier = oneOf('serviceTier', ['auto', 'standard_only'] as const);
  if (serviceTier) options.serviceTier = serviceTier;
  if (raw.userId !== undefined) {
    if (typeof raw.userId !== 'string') fail(['userId'], raw.userId, 'must be a string');
    options.userId = raw.userId;
  }
  return options;
}

/** Reads `{ cacheControl }` (or `cache_control`) from a part's, message's or tool's `providerOptions.anthropic`. */
export function parseCacheControl(value: unknown, path: string[]): AnthropicCacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof value !== 'object' || record.type !== 'ephemeral') fail(path, value, 'must be { type: "ephemeral", ttl?: "5m" | "1h" }');
  if (record.ttl !== undefined && record.ttl !== '5m' && record.ttl !== '1h') fail([...path, 'ttl'], record.ttl, 'must be "5m" or "1h"');
  return record.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: record.ttl as '5m' | '1h' };
}

/** The largest output the model allows, used as `max_tokens` when the call sets none. */
export function defaultMaxOutputTokens(modelId: string): number {
  if (/claude-3-haiku|claude-3-opus|claude-3-sonnet|claude-2|claude-instant/.test(modelId)) return 4096;
  if (/claude-3-5/.test(modelId)) return 8192;
  if (/claude-opus-4-(0|1)|claude-opus-4-2025|claude-opus-4$/.test(modelId)) return 32_000;
  if (/claude-/.test(modelId)) return 64_000;
  return 4096;
}

/** Whether the model supports native structured outputs (`output_config.format`). */
export function supportsNativeStructuredOutput(modelId: string): boolean {
  return !/claude-3|claude-2|claude-instant|claude-(opus|sonnet)-4-0|claude-(opus|sonnet)-4-2025|claude-(opus|sonnet)-4$|claude-opus-4-1/.test(modelId);
}
