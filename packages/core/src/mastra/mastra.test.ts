import { describe, expect, it } from 'vitest';
import { Agent } from '../agent/agent.ts';
import { NotFoundError } from '../errors/not-found-error.ts';
import { createConsoleLogger } from '../observability/logger.ts';
import { MockLanguageModelV1, textResult } from '../testing/mock-language-model-v1.ts';
import { createTool } from '../tools/tool.ts';
import { Mastra } from './mastra.ts';

describe('Mastra', () => {
  const model = new MockLanguageModelV1({ doGenerate: textResult('ok') });
  const support = new Agent({ id: 'support-agent', name: 'Support', instructions: 'help', model });

  it('finds agents by key or id and lists them', () => {
    const mastra = new Mastra({ agents: { support } });
    expect(mastra.getAgent('support')).toBe(support);
    expect(mastra.getAgentById('support-agent')).toBe(support);
    expect(Object.keys(mastra.listAgents())).toEqual(['support']);
  });

  it('an unknown agent names the ids that exist', () => {
    const mastra = new Mastra({ agents: { support } });
    let error: unknown;
    try {
      mastra.getAgent('sales');
    } catch (caught) {
      error = caught;
    }
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('No agent with id "sales": known agent ids are "support"');
  });

  it('unknown workflows, tools and vectors are NotFoundErrors too', () => {
    const mastra = new Mastra({});
    expect(() => mastra.getWorkflow('w')).toThrow('No workflow with id "w": none are registered');
    expect(() => mastra.getTool('t')).toThrow(NotFoundError);
    expect(() => mastra.getVector('v')).toThrow(/vector store/);
  });

  it('gives registered agents its logger and passes itself to tools', async () => {
    const lines: string[] = [];
    let seen: unknown;
    const probe = createTool({ id: 'probe', execute: async (_input, context) => {
      seen = context.mastra;
      return 'ok';
    } });
    const toolModel = new MockLanguageModelV1({
      doGenerate: [{ content: [{ type: 'tool-call', toolCallId: '1', toolName: 'probe', input: '{}' }], finishReason: 'tool-calls', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, warnings: [] }, textResult('done')],
    });
    const agent = new Agent({ name: 'p', instructions: 'x', model: toolModel, tools: { probe } });
    const mastra = new Mastra({ agents: { agent }, logger: createConsoleLogger({ write: (line) => lines.push(line) }) });
    await agent.generate('go');
    expect(seen).toBe(mastra);
    mastra.getLogger().info({ runId: 'r1' }, 'hello');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', runId: 'r1', msg: 'hello' });
  });
});

describe('Mastra setters', () => {
  it('storage, logger and tracer can be supplied after construction and agents see them', async () => {
    const { createInMemoryStorage } = await import('../storage/create-in-memory-storage.ts');
    const spans: string[] = [];
    const model = new MockLanguageModelV1({ doGenerate: textResult('ok') });
    const agent = new Agent({ name: 'a', instructions: 'x', model });
    const mastra = new Mastra({ agents: { agent } });
    expect(mastra.getStorage()).toBeUndefined();
    const storage = createInMemoryStorage();
    mastra.setStorage(storage);
    expect(mastra.getStorage()).toBe(storage);
    mastra.setTracer({
      startSpan: (name) => {
        spans.push(name);
        return { traceId: 't', spanId: name, setAttribute() { return this; }, setAttributes() { return this; }, addEvent() { return this; }, recordException() { return this; }, setStatus() { return this; }, end() {} };
      },
    });
    await agent.generate('go');
    expect(spans).toEqual(['agent.generate', 'model.call']);
  });
});
