import { NoSuchModelError } from '../errors/no-such-model-error.ts';
import type { EmbeddingModelV1 } from '../embedding-model/v1/embedding-model-v1.ts';
import type { LanguageModelV1 } from '../language-model/v1/language-model-v1.ts';
import { fromAISDKLanguageModel, isAISDKLanguageModel, type AISDKLanguageModel } from '../language-model/from-ai-sdk.ts';

/** A provider that resolves routing strings such as `openai/gpt-4o-mini`. */
export interface ModelProviderRegistration {
  /** The prefix before the slash: `openai`, `anthropic`, … */
  id: string;
  /** The package that registered it, for messages. */
  packageName?: string;
  languageModel(modelId: string): LanguageModelV1;
  embeddingModel?(modelId: string): EmbeddingModelV1;
}

/** Which package provides each well-known provider prefix. */
export const knownProviderPackages: Readonly<Record<string, string>> = {
  openai: '@mastra-ts/llm-openai',
  deepseek: '@mastra-ts/llm-openai',
  anthropic: '@mastra-ts/llm-anthropic',
  groq: '@mastra-ts/llm-groq',
  ollama: '@mastra-ts/llm-ollama',
};

const registryKey = Symbol.for('mastra-ts.model-registry');
type Registry = Map<string, ModelProviderRegistration>;

function registry(): Registry {
  const holder = globalThis as { [registryKey]?: Registry };
  return (holder[registryKey] ??= new Map());
}

/**
 * Registers a provider for routing strings. Provider packages call this when imported; a later
 * registration of the same id replaces the earlier one.
 */
export function registerModelProvider(provider: ModelProviderRegistration): void {
  registry().set(provider.id, provider);
}

/** Removes a provider registration (tests). */
export function unregisterModelProvider(id: string): boolean {
  return registry().delete(id);
}

/** The ids of the registered providers. */
export function listModelProviders(): string[] {
  return [...registry().keys()].sort();
}

/** Splits `provider/model` (the model id may itself contain slashes). */
export function parseModelRoutingString(routing: string): { providerId: string; modelId: string } {
  const slash = typeof routing === 'string' ? routing.indexOf('/') : -1;
  if (slash <= 0 || slash === routing.length - 1) {
    throw new NoSuchModelError({
      modelId: String(routing),
      message: `Invalid model "${String(routing)}": use "provider/model", e.g. "openai/gpt-4o-mini", or pass a model object`,
    });
  }
  return { providerId: routing.slice(0, slash), modelId: routing.slice(slash + 1) };
}

async function findProvider(routing: string, providerId: string, modelId: string): Promise<ModelProviderRegistration> {
  let provider = registry().get(providerId);
  if (provider) return provider;
  const packageName = knownProviderPackages[providerId];
  if (packageName === undefined) {
    const known = [...new Set([...Object.keys(knownProviderPackages), ...registry().keys()])].sort();
    throw new NoSuchModelError({
      modelId: routing,
      providerId,
      message: `Unknown model provider "${providerId}" in "${routing}": known providers are ${known.join(', ')}; for another OpenAI-compatible server use createOpenAI({ baseURL }) from @mastra-ts/llm-openai and pass the model object`,
    });
  }
  try {
    await import(/* @vite-ignore */ packageName);
  } catch (cause) {
    throw new NoSuchModelError({
      modelId: routing,
      providerId,
      packageName,
      cause,
      message: `Model "${routing}" needs the provider package ${packageName}, which is not installed: run \`npm install ${packageName}\` (or import it once before using "${providerId}/${modelId}")`,
    });
  }
  provider = registry().get(providerId);
  if (provider) return provider;
  throw new NoSuchModelError({
    modelId: routing,
    providerId,
    packageName,
    message: `${packageName} was loaded but did not register provider "${providerId}": check that its version matches @mastra-ts/core`,
  });
}

const wrapped = new WeakMap<AISDKLanguageModel, LanguageModelV1>();

/** A model object as `LanguageModelV1`: AI SDK models (spec v2/v3) are wrapped once and the wrapper reused. */
export function toLanguageModelV1(model: LanguageModelV1 | AISDKLanguageModel): LanguageModelV1 {
  if (!isAISDKLanguageModel(model)) return model;
  let adapted = wrapped.get(model);
  if (!adapted) wrapped.set(model, (adapted = fromAISDKLanguageModel(model)));
  return adapted;
}

/**
 * Resolves a routing string such as `anthropic/claude-sonnet-4-5` to a language model. Model objects are returned
 * as they are; AI SDK provider models (`@ai-sdk/openai` and friends, spec v2/v3) are adapted.
 */
export async function resolveLanguageModel(model: LanguageModelV1 | AISDKLanguageModel | string): Promise<LanguageModelV1> {
  if (typeof model !== 'string' && isAISDKLanguageModel(model)) return toLanguageModelV1(model);
  if (typeof model !== 'string') {
    if (model?.specificationVersion !== 'v1' || typeof model.doGenerate !== 'function') {
      throw new NoSuchModelError({
        modelId: String((model as { modelId?: unknown } | undefined)?.modelId ?? model),
        message: 'model must be a LanguageModelV1 (from a @mastra-ts/llm-* package), an AI SDK model (@ai-sdk/*, spec v2 or v3) or a routing string such as "openai/gpt-4o-mini"',
      });
    }
    return model;
  }
  const { providerId, modelId } = parseModelRoutingString(model);
  const provider = await findProvider(model, providerId, modelId);
  return provider.languageModel(modelId);
}

/** Resolves a routing string such as `openai/text-embedding-3-small` to an embedding model. */
export async function resolveEmbeddingModel(model: EmbeddingModelV1 | string): Promise<EmbeddingModelV1> {
  if (typeof model !== 'string') return model;
  const { providerId, modelId } = parseModelRoutingString(model);
  const provider = await findProvider(model, providerId, modelId);
  if (!provider.embeddingModel) {
    throw new NoSuchModelError({ modelId: model, providerId, message: `Provider "${providerId}" has no embedding models: use another provider for embeddings` });
  }
  return provider.embeddingModel(modelId);
}
