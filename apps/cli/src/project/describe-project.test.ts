import { describe, expect, it } from 'vitest';
import { apiKeyAdvice, type ProjectSummary } from './describe-project.ts';

const summary = (provider: string, modelId = 'm'): ProjectSummary => ({ agents: [{ key: 'bot', name: 'Bot', provider, modelId }], workflows: [] });

describe('apiKeyAdvice', () => {
  it('names the variable an agent’s provider needs when it is missing', () => {
    expect(apiKeyAdvice(summary('anthropic', 'claude-haiku-4-5'), {})).toEqual(['agent bot uses anthropic/claude-haiku-4-5 but ANTHROPIC_API_KEY is not set: set it in .env or the environment to call it']);
    expect(apiKeyAdvice(summary('openai.chat'), {})[0]).toContain('OPENAI_API_KEY is not set');
    expect(apiKeyAdvice(summary('deepseek'), {})[0]).toContain('DEEPSEEK_API_KEY is not set');
  });

  it('says nothing when the key is set or the provider needs none', () => {
    expect(apiKeyAdvice(summary('groq'), { GROQ_API_KEY: 'k' })).toEqual([]);
    expect(apiKeyAdvice(summary('ollama'), {})).toEqual([]);
  });

  it('lists the provider variables when none is set and the agents run on something else (a demo model)', () => {
    const [line] = apiKeyAdvice(summary('demo'), {});
    expect(line).toMatch(/^no provider API key is set \(OPENAI_API_KEY, ANTHROPIC_API_KEY, GROQ_API_KEY, DEEPSEEK_API_KEY\)/);
    expect(apiKeyAdvice(summary('demo'), { OPENAI_API_KEY: 'k' })).toEqual([]);
  });
});
