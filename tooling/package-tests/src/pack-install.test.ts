import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { promisify } from 'node:util';
import { root } from './workspace.ts';

const execFileAsync = promisify(execFile);

function pack(dir: string, destination: string): string {
  execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: dir, stdio: 'pipe' });
  const tarball = readdirSync(destination).find((file) => file.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack produced no tarball for ${dir}`);
  return join(destination, tarball);
}

describe('published core installs alone with plain npm', () => {
  it('packs @mastra-ts/core, installs only its tarball in an empty folder, imports it and runs an agent', () => {
    const packs = mkdtempSync(join(tmpdir(), 'mastra-pack-'));
    const tarball = pack(join(root, 'packages/core'), packs);
    const project = mkdtempSync(join(tmpdir(), 'mastra-user-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project, stdio: 'pipe' });
    const installed = readdirSync(join(project, 'node_modules'));
    expect(installed.filter((name) => !name.startsWith('.'))).toEqual(['@mastra-ts']);
    writeFileSync(
      join(project, 'main.mjs'),
      `import { Agent, createTool, jsonSchema } from '@mastra-ts/core';
import { MockLanguageModelV1, toolCallResult, textResult } from '@mastra-ts/core/testing';
const add = createTool({ id: 'add', inputSchema: jsonSchema({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } }), execute: async ({ a, b }) => a + b });
const model = new MockLanguageModelV1({ doGenerate: [toolCallResult([{ toolCallId: '1', toolName: 'add', input: { a: 2, b: 3 } }]), textResult('2 + 3 = 5')] });
const agent = new Agent({ name: 'calc', instructions: 'Add numbers.', model, tools: { add } });
const result = await agent.generate('2+3?');
console.log(JSON.stringify({ text: result.text, tool: result.steps[0].toolResults[0].output }));
`,
    );
    const output = execFileSync(process.execPath, ['main.mjs'], { cwd: project }).toString().trim();
    expect(JSON.parse(output)).toEqual({ text: '2 + 3 = 5', tool: 5 });
  });
});

describe('published core plus one provider install with plain npm and route a model string', () => {
  it('installs the core and llm-openai tarballs (its dependencies from the local store, offline) and runs an agent on "openai/…" against a fake server', async () => {
    const { startFakeOpenAI, chatCompletion } = await import('@mastra-ts/fake-providers/openai');
    const packs = mkdtempSync(join(tmpdir(), 'mastra-pack-'));
    const core = pack(join(root, 'packages/core'), packs);
    const providerPacks = mkdtempSync(join(tmpdir(), 'mastra-pack-'));
    const provider = pack(join(root, 'packages/llm-openai'), providerPacks);
    // the provider's dependencies that npm's offline cache may lack, packed from the workspace's store
    const fromStore = (name: string): string => {
      const destination = mkdtempSync(join(tmpdir(), 'mastra-pack-'));
      execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', destination], { cwd: realpathSync(join(root, 'packages/llm-openai/node_modules', name)), stdio: 'pipe' });
      return join(destination, readdirSync(destination).find((file) => file.endsWith('.tgz'))!);
    };
    const sdk = fromStore('openai');
    const sseParser = fromStore('eventsource-parser');
    const undici = fromStore('undici');
    const project = mkdtempSync(join(tmpdir(), 'mastra-user-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', core, provider, sdk, sseParser, undici], { cwd: project, stdio: 'pipe' });
    expect(readdirSync(join(project, 'node_modules/@mastra-ts')).sort()).toEqual(['core', 'llm-openai']);

    const server = await startFakeOpenAI();
    try {
      server.enqueue(chatCompletion({ text: 'Routed through the installed packages.' }));
      writeFileSync(
        join(project, 'main.mjs'),
        `import { Agent } from '@mastra-ts/core';
import '@mastra-ts/llm-openai';
const agent = new Agent({ name: 'hello', instructions: 'Be brief.', model: 'openai/gpt-4o-mini' });
const result = await agent.generate('Hi');
console.log(JSON.stringify({ text: result.text, model: result.model }));
`,
      );
      const { stdout } = await execFileAsync(process.execPath, ['main.mjs'], {
        cwd: project,
        env: { ...process.env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseURL },
      });
      expect(JSON.parse(stdout.trim())).toEqual({ text: 'Routed through the installed packages.', model: { provider: 'openai.chat', modelId: 'gpt-4o-mini' } });
      expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
    } finally {
      await server.close();
    }
  });
});
