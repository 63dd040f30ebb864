/** Prices of a model in US dollars per 1 million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Prompt tokens served from the provider's cache; defaults to `input`. */
  cachedInput?: number;
}

/** Prices keyed by model id (`gpt-4o-mini`) or `provider/model id` (`groq/openai/gpt-oss-120b`). */
export type PriceTable = Record<string, ModelPrice>;

/**
 * List prices (USD per 1M tokens) of common models, as published by the providers in 2025. Prices change:
 * override or extend them with `createTracer({ prices })`. Dated variants (`gpt-4o-2024-08-06`,
 * `claude-sonnet-4-20250514`) match their base id.
 */
export const defaultPrices: PriceTable = {
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  o1: { input: 15, output: 60, cachedInput: 7.5 },
  'o1-mini': { input: 1.1, output: 4.4, cachedInput: 0.55 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  'o3-mini': { input: 1.1, output: 4.4, cachedInput: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'claude-opus-4-5': { input: 5, output: 25, cachedInput: 0.5 },
  'claude-opus-4-1': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1 },
  'claude-3-7-sonnet': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-3-5-sonnet': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08 },
  'claude-3-opus': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cachedInput: 0.03 },
  'llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
  'llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  'groq/openai/gpt-oss-120b': { input: 0.15, output: 0.75 },
  'groq/openai/gpt-oss-20b': { input: 0.1, output: 0.5 },
  'qwen/qwen3-32b': { input: 0.29, output: 0.59 },
  'moonshotai/kimi-k2-instruct': { input: 1, output: 3 },
  'meta-llama/llama-4-scout-17b-16e-instruct': { input: 0.11, output: 0.34 },
  'meta-llama/llama-4-maverick-17b-128e-instruct': { input: 0.2, output: 0.6 },
  'deepseek-chat': { input: 0.28, output: 0.42, cachedInput: 0.028 },
  'deepseek-reasoner': { input: 0.28, output: 0.42, cachedInput: 0.028 },
};

/** Token counts of a call, as in core's usage (`inputTokens` includes cached ones). */
export interface PricedUsage {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  cachedInputTokens?: number | undefined;
}

/** Looks up prices: `provider/model` exactly, then the model id exactly, then the longest id that prefixes it at a `-` boundary. */
export function findPrice(prices: PriceTable, provider: string | undefined, modelId: string): ModelPrice | undefined {
  const providerName = provider?.split('.')[0];
  if (providerName !== undefined) {
    const qualified = prices[`${providerName}/${modelId}`];
    if (qualified) return qualified;
  }
  const exact = prices[modelId];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(prices)) {
    if (modelId.length > key.length && modelId.startsWith(key) && (modelId[key.length] === '-' || modelId[key.length] === ':' || modelId[key.length] === '@') && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : prices[best];
}

/** Cost in US dollars of one call, or `undefined` when the price or every token count is unknown. */
export function costOf(price: ModelPrice | undefined, usage: PricedUsage): number | undefined {
  if (price === undefined || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return undefined;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens ?? 0);
  const uncached = (usage.inputTokens ?? 0) - cached;
  const dollars = uncached * price.input + cached * (price.cachedInput ?? price.input) + (usage.outputTokens ?? 0) * price.output;
  return dollars / 1_000_000;
}
