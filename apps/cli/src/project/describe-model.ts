import type { Agent } from '@mastra-ts/core';

/** The provider and model id of an agent's (first) model, for display and API key checks. */
export function describeModel(model: Agent['model']): { provider: string; modelId: string } {
  let first: unknown = Array.isArray(model) ? model[0] : model;
  if (first !== null && typeof first === 'object' && 'model' in first) first = (first as { model: unknown }).model;
  if (typeof first === 'string') {
    const slash = first.indexOf('/');
    return slash === -1 ? { provider: first, modelId: first } : { provider: first.slice(0, slash), modelId: first.slice(slash + 1) };
  }
  if (first !== null && typeof first === 'object') {
    const { provider, modelId } = first as { provider?: string; modelId?: string };
    return { provider: provider ?? 'unknown', modelId: modelId ?? 'unknown' };
  }
  return { provider: 'unknown', modelId: 'unknown' };
}
