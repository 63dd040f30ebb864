import { describe, expect, it } from 'vitest';
import { packageVersions } from '../package-versions.ts';
import { providers } from '../providers.ts';
import { projectDependencies, projectFiles } from './templates.ts';

describe('projectDependencies', () => {
  it.each(Object.values(providers))('depends on $packageName for $id, with ^ and the current version', (provider) => {
    const { dependencies } = projectDependencies({ name: 'x', provider: provider.id, memory: false, workflow: false });
    expect(dependencies).toEqual({ '@mastra-ts/core': `^${packageVersions['@mastra-ts/core']}`, [provider.packageName]: `^${packageVersions[provider.packageName]}`, zod: expect.stringMatching(/^\^4\./) });
  });
});

describe('projectFiles', () => {
  it('imports the provider package and uses its model in the agent', () => {
    const files = projectFiles({ name: 'x', provider: 'ollama', memory: true, workflow: true });
    const agent = files['src/mastra/agents/weather-agent.ts']!;
    expect(agent).toContain("import '@mastra-ts/llm-ollama';");
    expect(agent).toContain("'ollama/llama3.2'");
    expect(agent).toContain('memory: new Memory(');
    expect(files['.env.example']).toContain('OLLAMA_HOST');
    expect(files['src/mastra/index.ts']).toContain('workflows: { weatherWorkflow }');
  });
});
