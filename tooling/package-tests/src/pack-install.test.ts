import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './workspace.ts';

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
