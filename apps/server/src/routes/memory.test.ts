import { Agent, InMemoryMemoryStore, Mastra, createInMemoryStorage } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult } from '@mastra-ts/core/testing';
import { Memory } from '@mastra-ts/memory';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/test-server.ts';

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function setup(): { mastra: Mastra; model: MockLanguageModelV1; store: InMemoryMemoryStore } {
  const store = new InMemoryMemoryStore();
  const model = new MockLanguageModelV1({ doGenerate: (_options, index) => textResult(`answer ${index}`) });
  const memory = new Memory({ storage: store, options: { lastMessages: 10, workingMemory: { enabled: true, template: '# User\n- name:' } } });
  const agent = new Agent({ name: 'helper', instructions: 'Help.', model, memory });
  return { mastra: new Mastra({ agents: { helper: agent }, storage: createInMemoryStorage() }), model, store };
}

describe('memory routes driven by @mastra/client-js', () => {
  it('creates, lists, reads, updates and deletes threads', async () => {
    const { mastra } = setup();
    running = await startTestServer(mastra);
    const { client } = running;
    const created = await client.createMemoryThread({ agentId: 'helper', resourceId: 'user-1', title: 'First', metadata: { topic: 'a' }, threadId: 't1' });
    expect(created).toMatchObject({ id: 't1', resourceId: 'user-1', title: 'First' });
    await client.createMemoryThread({ agentId: 'helper', resourceId: 'user-1', title: 'Second', threadId: 't2' });
    await client.createMemoryThread({ agentId: 'helper', resourceId: 'user-2', title: 'Other', threadId: 't3' });
    const page = await client.listMemoryThreads({ agentId: 'helper', resourceId: 'user-1', page: 0, perPage: 1, orderBy: { field: 'createdAt', direction: 'ASC' } });
    expect(page).toMatchObject({ total: 2, page: 0, perPage: 1, hasMore: true });
    expect(page.threads.map((thread) => thread.id)).toEqual(['t1']);
    const byMetadata = await client.listMemoryThreads({ agentId: 'helper', resourceId: 'user-1', metadata: { topic: 'a' } });
    expect(byMetadata.threads.map((thread) => thread.id)).toEqual(['t1']);
    const thread = client.getMemoryThread({ threadId: 't1', agentId: 'helper' });
    expect(await thread.get()).toMatchObject({ id: 't1', title: 'First' });
    expect(await thread.update({ title: 'Renamed', metadata: { more: true }, resourceId: 'user-1' })).toMatchObject({ title: 'Renamed' });
    expect(await thread.delete()).toEqual({ result: 'Thread deleted' });
    await expect(thread.get()).rejects.toMatchObject({ status: 404 });
  });

  it('pages messages written by agent.generate with memory, oldest first', async () => {
    const { mastra } = setup();
    running = await startTestServer(mastra);
    const agent = running.client.getAgent('helper');
    await agent.generate('first question', { memory: { thread: 'chat', resource: 'user-1' } });
    await agent.generate('second question', { memory: { thread: 'chat', resource: 'user-1' } });
    const thread = running.client.getMemoryThread({ threadId: 'chat', agentId: 'helper' });
    const all = await thread.listMessages({});
    expect((all.messages as Array<{ content: unknown }>).map((message) => (message.content as { content: string }).content)).toEqual(['first question', 'answer 0', 'second question', 'answer 1']);
    expect(all.messages[0]).toMatchObject({ role: 'user', threadId: 'chat', content: { format: 2, parts: [{ type: 'text', text: 'first question' }] } });
    const second = await thread.listMessages({ page: 1, perPage: 2 });
    expect((second.messages as Array<{ content: unknown }>).map((message) => (message.content as { content: string }).content)).toEqual(['second question', 'answer 1']);
    expect(second).toMatchObject({ total: 4, hasMore: false });
    const newestFirst = await thread.listMessages({ orderBy: { field: 'createdAt', direction: 'DESC' }, perPage: 1 });
    expect((newestFirst.messages[0]!.content as { content: string }).content).toBe('answer 1');
  });

  it('saves and deletes messages, reads and writes working memory, reports status and search', async () => {
    const { mastra } = setup();
    running = await startTestServer(mastra);
    const { client } = running;
    const saved = await client.saveMessageToMemory({
      agentId: 'helper',
      messages: [
        { id: 'm1', role: 'user', content: 'my cat is called Tom', threadId: 'notes', resourceId: 'user-9', createdAt: new Date(), type: 'text' },
        { id: 'm2', role: 'assistant', content: { format: 2, parts: [{ type: 'text', text: 'Noted.' }] }, threadId: 'notes', resourceId: 'user-9', createdAt: new Date() },
      ] as never,
    });
    expect((saved as unknown as { messages: Array<{ id: string }> }).messages.map((message) => message.id)).toEqual(['m1', 'm2']);
    const search = await client.searchMemory({ agentId: 'helper', resourceId: 'user-9', searchQuery: 'cat' });
    expect(search.results).toHaveLength(1);
    expect(search.results[0]).toMatchObject({ id: 'm1' });
    const thread = client.getMemoryThread({ threadId: 'notes', agentId: 'helper' });
    await thread.deleteMessages(['m2']);
    expect(((await thread.listMessages({})).messages as Array<{ id: string }>).map((message) => message.id)).toEqual(['m1']);

    await client.updateWorkingMemory({ agentId: 'helper', threadId: 'notes', workingMemory: '# User\n- name: Ada' });
    const working = await client.getWorkingMemory({ agentId: 'helper', threadId: 'notes' });
    expect(working).toMatchObject({ workingMemory: '# User\n- name: Ada', threadExists: true, source: 'thread', workingMemoryTemplate: '# User\n- name:' });
    expect(await client.getMemoryStatus('helper')).toMatchObject({ result: true });
    expect(await client.getMemoryConfig({ agentId: 'helper' })).toMatchObject({ config: { lastMessages: 10, workingMemory: { enabled: true } } });
    await expect(client.getMemoryThread({ threadId: 'missing', agentId: 'helper' }).get()).rejects.toMatchObject({ status: 404 });
  });

  it('searches a resource by rare words through the store\'s keyword index, best match first, across its threads', async () => {
    const { mastra, store } = setup();
    running = await startTestServer(mastra);
    const at = (index: number) => new Date(Date.UTC(2026, 0, 1) + index * 1000);
    for (const [threadId, resourceId] of [['a', 'user-9'], ['b', 'user-9'], ['c', 'user-7']] as const) {
      await store.saveThread({ id: threadId, resourceId, createdAt: at(0), updatedAt: at(0) });
    }
    const chatter = Array.from({ length: 300 }, (_, index) => ({
      id: `c${index}`,
      threadId: index % 2 ? 'a' : 'b',
      resourceId: 'user-9',
      role: 'user' as const,
      content: 'we talked about the weather again',
      createdAt: at(index + 1),
    }));
    await store.saveMessages([
      ...chatter,
      { id: 'passport', threadId: 'b', resourceId: 'user-9', role: 'user', content: 'My passport number ends in 4417', createdAt: at(400) },
      { id: 'number', threadId: 'a', resourceId: 'user-9', role: 'assistant', content: 'The number 4417 is noted', createdAt: at(401) },
      { id: 'elsewhere', threadId: 'c', resourceId: 'user-7', role: 'user', content: 'my passport ends in 4417 too', createdAt: at(402) },
    ]);
    const search = await running.client.searchMemory({ agentId: 'helper', resourceId: 'user-9', searchQuery: 'What does my passport number end in? 4417?' });
    // not a substring of any message: found by its words, the message with more of them first, only in user-9's threads
    expect(search.results.map((result) => result.id)).toEqual(['passport', 'number']);
    expect(search).toMatchObject({ count: 2, searchScope: 'resource', searchType: 'text' });
    const inThread = await running.client.searchMemory({ agentId: 'helper', resourceId: 'user-9', threadId: 'a', searchQuery: 'passport 4417' });
    expect(inThread.results.map((result) => result.id)).toEqual(['number']);
  });

  it('serves threads from Mastra storage when no agentId is given', async () => {
    const storage = createInMemoryStorage();
    const mastra = new Mastra({ storage });
    running = await startTestServer(mastra);
    await running.client.createMemoryThread({ resourceId: 'r', threadId: 'plain' } as never);
    expect(await storage.memory.getThread('plain')).toMatchObject({ resourceId: 'r' });
    const listed = await running.client.listMemoryThreads({ resourceId: 'r' });
    expect(listed.threads.map((thread) => thread.id)).toEqual(['plain']);
  });
});
