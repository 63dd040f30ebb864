import type { LanguageModelV1 } from '@mastra-ts/core';
import '@mastra-ts/llm-anthropic';
import '@mastra-ts/llm-groq';
import '@mastra-ts/llm-ollama';
import '@mastra-ts/llm-openai';
import { createDemoModel } from './demo-model.ts';

/** Which model the example uses: the first provider whose key is set, then Ollama, then the demo model. */
export function chooseModel(env: Record<string, string | undefined> = process.env): { model: string | LanguageModelV1; reason: string } {
  if (env.OPENAI_API_KEY) return { model: 'openai/gpt-4o-mini', reason: 'OPENAI_API_KEY is set' };
  if (env.ANTHROPIC_API_KEY) return { model: 'anthropic/claude-haiku-4-5', reason: 'ANTHROPIC_API_KEY is set' };
  if (env.GROQ_API_KEY) return { model: 'groq/llama-3.3-70b-versatile', reason: 'GROQ_API_KEY is set' };
  if (env.DEEPSEEK_API_KEY) return { model: 'deepseek/deepseek-chat', reason: 'DEEPSEEK_API_KEY is set' };
  if (env.OLLAMA_HOST || env.OLLAMA_MODEL) return { model: `ollama/${env.OLLAMA_MODEL ?? 'llama3.2'}`, reason: 'OLLAMA_HOST or OLLAMA_MODEL is set' };
  return {
    model: createDemoModel(),
    reason:
      'no provider is configured, so the agent uses a deterministic demo model: set OPENAI_API_KEY, ANTHROPIC_API_KEY, GROQ_API_KEY or DEEPSEEK_API_KEY, or OLLAMA_HOST (and OLLAMA_MODEL) for a real one',
  };
}
