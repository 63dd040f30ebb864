/** A provider `init` can scaffold for, and what it needs at run time. */
export interface ProviderInfo {
  id: ProviderId;
  label: string;
  /** The package that registers its routing strings. */
  packageName: string;
  /** The routing string of the example agent. */
  model: string;
  /** The variable holding the API key (none for Ollama). */
  apiKeyVariable: string | undefined;
  /** Optional variables the provider reads, with their meaning. */
  optionalVariables: Record<string, string>;
}

/** Providers known to the CLI. */
export type ProviderId = 'openai' | 'anthropic' | 'groq' | 'ollama' | 'deepseek';

/** Every provider, in the order `init` offers them. */
export const providers: Record<ProviderId, ProviderInfo> = {
  openai: {
    id: 'openai',
    label: 'OpenAI',
    packageName: '@mastra-ts/llm-openai',
    model: 'openai/gpt-4o-mini',
    apiKeyVariable: 'OPENAI_API_KEY',
    optionalVariables: { OPENAI_BASE_URL: 'an OpenAI-compatible endpoint instead of api.openai.com' },
  },
  anthropic: {
    id: 'anthropic',
    label: 'Anthropic',
    packageName: '@mastra-ts/llm-anthropic',
    model: 'anthropic/claude-haiku-4-5',
    apiKeyVariable: 'ANTHROPIC_API_KEY',
    optionalVariables: { ANTHROPIC_BASE_URL: 'another Anthropic-compatible endpoint' },
  },
  groq: {
    id: 'groq',
    label: 'Groq',
    packageName: '@mastra-ts/llm-groq',
    model: 'groq/llama-3.3-70b-versatile',
    apiKeyVariable: 'GROQ_API_KEY',
    optionalVariables: { GROQ_BASE_URL: 'another Groq-compatible endpoint' },
  },
  ollama: {
    id: 'ollama',
    label: 'Ollama (local, no key)',
    packageName: '@mastra-ts/llm-ollama',
    model: 'ollama/llama3.2',
    apiKeyVariable: undefined,
    optionalVariables: { OLLAMA_HOST: 'the Ollama server (default http://127.0.0.1:11434)' },
  },
  deepseek: {
    id: 'deepseek',
    label: 'DeepSeek',
    packageName: '@mastra-ts/llm-openai',
    model: 'deepseek/deepseek-chat',
    apiKeyVariable: 'DEEPSEEK_API_KEY',
    optionalVariables: {},
  },
};

/** Whether `value` names a known provider. */
export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(providers, value);
}

/** For a model's provider (`openai`, `openai.chat`, …), the API key variable it needs and whether it is set. */
export function missingApiKey(provider: string, env: NodeJS.ProcessEnv): string | undefined {
  const id = provider.split('.')[0] ?? provider;
  if (!isProviderId(id)) return undefined;
  const variable = providers[id].apiKeyVariable;
  return variable !== undefined && !env[variable] ? variable : undefined;
}

/** The API key variables that are set, of every known provider. */
export function configuredApiKeys(env: NodeJS.ProcessEnv): string[] {
  return Object.values(providers).flatMap((provider) => (provider.apiKeyVariable && env[provider.apiKeyVariable] ? [provider.apiKeyVariable] : []));
}
