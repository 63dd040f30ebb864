import { Agent, InMemoryMemoryStore, TypeValidationError, type MemoryStore } from '@mastra-ts/core';
import { toolCallResult } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deepMerge } from './deep-merge.ts';
import { Memory } from './memory.ts';
import { scriptedModel, systemText } from './test-utils.ts';

const profile = z.object({
  name: z.string().optional(),
  location: z.object({ city: z.string().optional(), country: z.string().optional() }).optional(),
  pets: z.array(z.string()).optional(),
  diet: z.string().optional(),
});

function updateCall(id: string, memory: unknown) {
  return toolCallResult([{ toolCallId: id, toolName: 'updateWorkingMemory', input: { memory } }]);
}

describe('working memory', () => {
  it('lets the agent fill a markdown template through the tool and shows it in later calls', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { workingMemory: { enabled: true, template: '# Profile\n- Name:\n- City:\n' } } });
    const { model, prompts } = scriptedModel([updateCall('c1', '# Profile\n- Name: Ana\n- City:\n'), 'Nice to meet you, Ana.', 'You are Ana.']);
    const agent = new Agent({ name: 'a', instructions: 'Be brief.', model, memory });

    await agent.generate('I am Ana', { memory: { thread: 't1', resource: 'u1' } });
    expect(prompts[0]).toBeDefined();
    expect(systemText(prompts[0]!)).toContain('<working_memory>\n# Profile\n- Name:\n- City:\n\n</working_memory>');
    expect(model.doGenerateCalls[0]!.tools?.map((tool) => tool.name)).toEqual(['updateWorkingMemory']);

    await agent.generate('Who am I?', { memory: { thread: 't1', resource: 'u1' } });
    expect(systemText(prompts[2]!)).toContain('- Name: Ana');
    expect(await memory.getWorkingMemory({ threadId: 't1' })).toBe('# Profile\n- Name: Ana\n- City:\n');
  });

  it('deep-merges schema updates across turns: untouched fields stay, arrays are replaced, null deletes', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { workingMemory: { enabled: true, schema: profile } } });
    const { model, prompts } = scriptedModel([
      updateCall('c1', { name: 'Ana', location: { city: 'Lisbon', country: 'PT' }, pets: ['cat'], diet: 'vegan' }),
      'Got it.',
      updateCall('c2', { location: { city: 'Porto' }, pets: ['dog'], diet: null }),
      'Updated.',
      'ok',
    ]);
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    const call = { memory: { thread: 't1', resource: 'u1' } };

    await agent.generate('I am Ana from Lisbon, vegan, with a cat', call);
    await agent.generate('I moved to Porto and now have a dog; I eat everything', call);
    await agent.generate('Summary?', call);

    expect(JSON.parse((await memory.getWorkingMemory({ threadId: 't1' }))!)).toEqual({ name: 'Ana', location: { city: 'Porto', country: 'PT' }, pets: ['dog'] });
    expect(systemText(prompts[4]!)).toContain('"country": "PT"');
    const toolSchema = model.doGenerateCalls[0]!.tools![0]!.inputSchema as { properties: { memory: { required?: unknown } } };
    expect(toolSchema.properties.memory.required).toBeUndefined();
  });

  it('returns an invalid update to the model as a tool error and keeps the stored value', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { workingMemory: { enabled: true, schema: profile } } });
    await memory.createThread({ threadId: 't1', resourceId: 'u1' });
    await memory.updateWorkingMemory({ threadId: 't1', workingMemory: { name: 'Ana' } });
    const { model, prompts } = scriptedModel([updateCall('c1', { pets: 'cat' }), 'Sorry.']);
    await new Agent({ name: 'a', instructions: 'x', model, memory }).generate('I have a cat', { memory: { thread: 't1', resource: 'u1' } });
    const toolMessage = prompts[1]!.find((message) => message.role === 'tool')!;
    expect(toolMessage.content[0]).toMatchObject({ type: 'tool-result', isError: true });
    expect(JSON.stringify(toolMessage.content[0])).toContain('pets');
    expect(JSON.parse((await memory.getWorkingMemory({ threadId: 't1' }))!)).toEqual({ name: 'Ana' });
  });

  it('shares resource-scoped working memory across the resource’s threads', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { workingMemory: { enabled: true, scope: 'resource', schema: profile } } });
    const { model, prompts } = scriptedModel([updateCall('c1', { name: 'Ana' }), 'Hi Ana.', 'You are Ana.', 'Who?']);
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    await agent.generate('I am Ana', { memory: { thread: 'first', resource: 'u1' } });
    await agent.generate('Who am I?', { memory: { thread: 'second', resource: 'u1' } });
    await agent.generate('Who am I?', { memory: { thread: 'third', resource: 'u2' } });
    expect(systemText(prompts[2]!)).toContain('"name": "Ana"');
    expect(systemText(prompts[3]!)).not.toContain('Ana');
    expect(await memory.getWorkingMemory({ threadId: 'second', resourceId: 'u1' })).toBe('{"name":"Ana"}');
  });

  it('serializes concurrent updates so none is lost', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { workingMemory: { enabled: true, schema: profile } } });
    await memory.createThread({ threadId: 't1', resourceId: 'u1' });
    await Promise.all([
      memory.updateWorkingMemory({ threadId: 't1', workingMemory: { name: 'Ana' } }),
      memory.updateWorkingMemory({ threadId: 't1', workingMemory: { diet: 'vegan' } }),
      memory.updateWorkingMemory({ threadId: 't1', workingMemory: { location: { city: 'Faro' } } }),
    ]);
    expect(JSON.parse((await memory.getWorkingMemory({ threadId: 't1' }))!)).toEqual({ name: 'Ana', diet: 'vegan', location: { city: 'Faro' } });
  });

  it('uses the default template and rejects a template update that is not text', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { workingMemory: { enabled: true } } });
    const { model, prompts } = scriptedModel('ok');
    await new Agent({ name: 'a', instructions: 'x', model, memory }).generate('hi', { memory: { thread: 't1', resource: 'u1' } });
    expect(systemText(prompts[0]!)).toContain('# User Information');
    const error = await memory.updateWorkingMemory({ threadId: 't1', workingMemory: { name: 'x' } }).catch((caught: unknown) => caught);
    expect(TypeValidationError.isInstance(error)).toBe(true);
  });

  it('needs a store with resources for resource scope, and working memory enabled for its API', async () => {
    const store = new InMemoryMemoryStore();
    const bare: MemoryStore = {
      saveThread: (thread) => store.saveThread(thread),
      getThread: (id) => store.getThread(id),
      listThreads: (query) => store.listThreads(query),
      deleteThread: (id) => store.deleteThread(id),
      saveMessages: (messages) => store.saveMessages(messages),
      listMessages: (query) => store.listMessages(query),
      getMessages: (ids) => store.getMessages(ids),
      countMessages: (id) => store.countMessages(id),
      deleteMessages: (ids) => store.deleteMessages(ids),
    };
    expect(() => new Memory({ storage: bare, options: { workingMemory: { enabled: true, scope: 'resource' } } })).toThrow(/getResource and saveResource/);
    await expect(new Memory({ storage: store }).getWorkingMemory({ threadId: 't' })).rejects.toThrow(/working memory is not enabled/);
  });
});

describe('deepMerge', () => {
  it('merges objects, replaces arrays and scalars, deletes on null, ignores undefined', () => {
    const base = { a: 1, nested: { keep: true, change: 'old', drop: 1 }, list: [1, 2, 3] };
    expect(deepMerge(base, { nested: { change: 'new', drop: null, added: { deep: 1 } }, list: [4], b: undefined })).toEqual({
      a: 1,
      nested: { keep: true, change: 'new', added: { deep: 1 } },
      list: [4],
    });
    expect(base.nested.drop).toBe(1);
  });
});
