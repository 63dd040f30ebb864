import { configuredApiKeys, missingApiKey, providers } from '../providers.ts';

/** What a running server reports about its agents and workflows. */
export interface ProjectSummary {
  agents: Array<{ key: string; name: string; provider: string; modelId: string }>;
  workflows: Array<{ key: string; steps: string[] }>;
}

/** Reads `/api/agents` and `/api/workflows` from a running server (with the bearer token when one is set). */
export async function fetchProjectSummary(url: string, token: string | undefined): Promise<ProjectSummary> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const get = async (route: string): Promise<Record<string, Record<string, unknown>>> => {
    const response = await fetch(`${url}/api${route}`, { headers });
    if (!response.ok) throw new Error(`GET ${url}/api${route} answered ${response.status}`);
    return (await response.json()) as Record<string, Record<string, unknown>>;
  };
  const [agents, workflows] = await Promise.all([get('/agents'), get('/workflows')]);
  return {
    agents: Object.entries(agents).map(([key, agent]) => ({ key, name: String(agent.name ?? key), provider: String(agent.provider ?? 'unknown'), modelId: String(agent.modelId ?? 'unknown') })),
    workflows: Object.entries(workflows).map(([key, workflow]) => ({ key, steps: Object.keys((workflow.steps as Record<string, unknown> | undefined) ?? {}) })),
  };
}

/**
 * Lines saying which API key variable to set: one per agent whose provider's key is missing, or, when no key is set
 * at all and the agents run on something else (a demo model), which variables would enable a real provider.
 */
export function apiKeyAdvice(summary: ProjectSummary, env: NodeJS.ProcessEnv): string[] {
  const lines: string[] = [];
  for (const agent of summary.agents) {
    const variable = missingApiKey(agent.provider, env);
    if (variable) lines.push(`agent ${agent.key} uses ${agent.provider}/${agent.modelId} but ${variable} is not set: set it in .env or the environment to call it`);
  }
  if (lines.length === 0 && configuredApiKeys(env).length === 0 && summary.agents.some((agent) => !agent.provider.startsWith('ollama'))) {
    const variables = [...new Set(Object.values(providers).flatMap((provider) => (provider.apiKeyVariable ? [provider.apiKeyVariable] : [])))];
    lines.push(`no provider API key is set (${variables.join(', ')}); set one in .env or the environment, or run Ollama, for a real model`);
  }
  return lines;
}
