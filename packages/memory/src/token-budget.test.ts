import { Agent, InMemoryMemoryStore, InMemoryVectorStore, type LanguageModelV1Prompt, type ModelMessage } from '@mastra-ts/core';
import { MockEmbeddingModelV1 } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { Memory } from './memory.ts';
import type { Tokenizer } from './memory-types.ts';
import { promptLines, scriptedModel, systemText } from './test-utils.ts';
import { countMessageTokens, countTextTokens, estimateTokenizer } from './token-budget.ts';

const instructions = 'Be brief.';

/** Tokens of what memory contributed to a prompt: everything but the agent's instructions. */
function memoryTokens(prompt: LanguageModelV1Prompt, tokenizer: Tokenizer = estimateTokenizer): number {
  let total = 0;
  const system = systemText(prompt);
  if (system.length > instructions.length) total += countTextTokens(system.slice(instructions.length + 2), tokenizer);
  for (const message of prompt.slice(system ? 1 : 0)) total += countMessageTokens(message as ModelMessage, tokenizer);
  return total;
}

function longChat(count: number): ModelMessage[] {
  return Array.from({ length: count }, (_, index): ModelMessage => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: `message ${index} ${'lorem ipsum '.repeat(10)}` }));
}

describe('token budget', () => {
  it('never exceeds the budget, dropping the oldest history first', async () => {
    for (const maxTokens of [60, 150, 400, 1000]) {
      const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { lastMessages: 20, tokenBudget: maxTokens } });
      await memory.saveMessages({ threadId: 't', resourceId: 'u', messages: longChat(20) });
      const { model, prompts } = scriptedModel('ok');
      await new Agent({ name: 'a', instructions, model, memory }).generate('newest question', { memory: { thread: 't', resource: 'u' } });
      expect(memoryTokens(prompts[0]!)).toBeLessThanOrEqual(maxTokens);
      const lines = promptLines(prompts[0]!).slice(1);
      expect(lines[lines.length - 1]).toBe('user: newest question');
      const kept = lines.slice(0, -1).map((line) => Number(/message (\d+)/.exec(line)![1]));
      if (kept.length > 0) expect(kept).toEqual(Array.from({ length: kept.length }, (_, index) => 20 - kept.length + index));
      if (maxTokens >= 1000) expect(kept.length).toBeGreaterThan(10);
    }
  });

  it('keeps working memory and never splits a tool call from its result', async () => {
    const outcomes = new Set<string>();
    for (let maxTokens = 200; maxTokens <= 420; maxTokens += 20) {
      const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { workingMemory: { enabled: true }, tokenBudget: { maxTokens } } });
      await memory.saveMessages({
        threadId: 't',
        resourceId: 'u',
        messages: [
          ...longChat(4),
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: { query: 'x'.repeat(120) } }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'search', output: 'y'.repeat(200) }] },
          { role: 'assistant', content: 'short answer' },
        ],
      });
      const { model, prompts } = scriptedModel('ok');
      await new Agent({ name: 'a', instructions, model, memory }).generate('q', { memory: { thread: 't', resource: 'u' } });
      const prompt = prompts[0]!;
      expect(systemText(prompt)).toContain('<working_memory>');
      expect(memoryTokens(prompt)).toBeLessThanOrEqual(maxTokens);
      const roles = prompt.slice(1).map((message) => message.role);
      const call = roles.indexOf('tool') - 1;
      if (roles.includes('tool')) expect(promptLines(prompt)[call + 1]).toContain('call search');
      else expect(promptLines(prompt).join('\n')).not.toContain('call search');
      expect(promptLines(prompt).slice(-2)).toEqual(['assistant: short answer', 'user: q']);
      outcomes.add(roles.includes('tool') ? 'kept' : 'dropped');
    }
    expect([...outcomes].sort()).toEqual(['dropped', 'kept']);
  });

  it('counts recalled messages and drops the least relevant ones first', async () => {
    const memory = new Memory({
      storage: new InMemoryMemoryStore(),
      vector: new InMemoryVectorStore(),
      embedder: new MockEmbeddingModelV1({ dimensions: 128 }),
      options: { lastMessages: 2, semanticRecall: { topK: 3, messageRange: 0 }, tokenBudget: 130 },
    });
    await memory.saveMessages({ threadId: 't', resourceId: 'u', messages: [...longChat(3), { role: 'assistant', content: 'the parking spot is B12' }, ...longChat(6)] });
    await memory.flush();
    const { model, prompts } = scriptedModel('ok');
    await new Agent({ name: 'a', instructions, model, memory }).generate('where is the parking spot?', { memory: { thread: 't', resource: 'u' } });
    const prompt = prompts[0]!;
    expect(memoryTokens(prompt)).toBeLessThanOrEqual(130);
    const recalled = systemText(prompt).split('\n').filter((line) => line.startsWith('['));
    expect(recalled).toHaveLength(1);
    expect(recalled[0]).toContain('the parking spot is B12');
    expect(promptLines(prompt).slice(1)).toHaveLength(2);
  });

  it('uses a pluggable tokenizer', async () => {
    const words: Tokenizer = { count: (text) => text.split(/\s+/).filter(Boolean).length };
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { lastMessages: 20, tokenBudget: { maxTokens: 100, tokenizer: words } } });
    await memory.saveMessages({ threadId: 't', resourceId: 'u', messages: longChat(20) });
    const { model, prompts } = scriptedModel('ok');
    await new Agent({ name: 'a', instructions, model, memory }).generate('hi', { memory: { thread: 't', resource: 'u' } });
    expect(memoryTokens(prompts[0]!, words)).toBeLessThanOrEqual(100);
    expect(memoryTokens(prompts[0]!, words)).toBeGreaterThan(70);
  });
});
