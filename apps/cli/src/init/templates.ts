import { packageVersions, toolVersions } from '../package-versions.ts';
import { providers, type ProviderId } from '../providers.ts';

/** What `init` was asked to create. */
export interface ProjectChoices {
  /** The package name. */
  name: string;
  provider: ProviderId;
  memory: boolean;
  workflow: boolean;
}

/** The `@mastra-ts/*` and other packages a project with these choices depends on, with `^` ranges. */
export function projectDependencies(choices: ProjectChoices): { dependencies: Record<string, string>; devDependencies: Record<string, string> } {
  const ours = ['@mastra-ts/core', providers[choices.provider].packageName];
  if (choices.memory) ours.push('@mastra-ts/memory', '@mastra-ts/storage-sqlite');
  if (choices.workflow) ours.push('@mastra-ts/workflow');
  const dependencies: Record<string, string> = {};
  for (const name of [...new Set(ours)].sort()) dependencies[name] = `^${version(name)}`;
  dependencies.zod = `^${toolVersions.zod ?? '4.2.0'}`;
  return {
    dependencies,
    devDependencies: {
      '@mastra-ts/cli': `^${version('@mastra-ts/cli')}`,
      '@types/node': `^${toolVersions['@types/node'] ?? '24.0.0'}`,
      typescript: `^${toolVersions.typescript ?? '5.9.0'}`,
    },
  };
}

function version(name: string): string {
  const found = packageVersions[name];
  if (found === undefined) throw new Error(`no version known for ${name}: rebuild @mastra-ts/cli`);
  return found;
}

/** Every file of a new project, by path relative to its folder. */
export function projectFiles(choices: ProjectChoices): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': packageJson(choices),
    'tsconfig.json': tsconfig,
    '.gitignore': 'node_modules\n.env\n.mastra-ts\n',
    '.env.example': envExample(choices),
    'README.md': readme(choices),
    'src/mastra/index.ts': indexFile(choices),
    'src/mastra/tools/weather-tool.ts': weatherTool,
    'src/mastra/agents/weather-agent.ts': weatherAgent(choices),
  };
  if (choices.memory) files['src/mastra/storage.ts'] = storageFile;
  if (choices.workflow) files['src/mastra/workflows/weather-workflow.ts'] = weatherWorkflow;
  return files;
}

function packageJson(choices: ProjectChoices): string {
  const { dependencies, devDependencies } = projectDependencies(choices);
  const pkg = {
    name: choices.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      dev: 'mastra-ts dev',
      build: 'mastra-ts build',
      start: 'mastra-ts start',
      chat: 'mastra-ts chat weatherAgent',
      ...(choices.workflow ? { 'run:workflow': `mastra-ts run weatherWorkflow --input '{"city":"Lisbon"}'` } : {}),
      'type-check': 'tsc --noEmit',
    },
    dependencies,
    devDependencies,
    engines: { node: '>=22.18' },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const tsconfig = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      erasableSyntaxOnly: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['src'],
  },
  null,
  2,
)}\n`;

function envExample(choices: ProjectChoices): string {
  const provider = providers[choices.provider];
  const lines = ['# Copy to .env (read by mastra-ts dev, chat, run and start).'];
  if (provider.apiKeyVariable) lines.push(`${provider.apiKeyVariable}=`);
  else lines.push('# Ollama needs no key: start it with `ollama serve` and `ollama pull llama3.2`.');
  for (const [variable, meaning] of Object.entries(provider.optionalVariables)) lines.push(`# ${meaning}`, `# ${variable}=`);
  lines.push(`# Another model for the agent (default ${provider.model})`, `# MODEL=${provider.model}`);
  lines.push('# Port of the server (default 4111)', '# PORT=4111', '# Bearer token required on every API route', '# MASTRA_TS_API_KEY=');
  if (choices.memory) lines.push('# SQLite file (default .mastra-ts/mastra.db)', '# MASTRA_TS_DB=.mastra-ts/mastra.db');
  return `${lines.join('\n')}\n`;
}

function indexFile(choices: ProjectChoices): string {
  const imports = [`import { Mastra } from '@mastra-ts/core';`];
  if (choices.memory) imports.push(`import { storage } from './storage.ts';`);
  imports.push(`import { weatherAgent } from './agents/weather-agent.ts';`, `import { weatherTool } from './tools/weather-tool.ts';`);
  if (choices.workflow) imports.push(`import { weatherWorkflow } from './workflows/weather-workflow.ts';`);
  const fields = ['  agents: { weatherAgent },'];
  if (choices.workflow) fields.push('  workflows: { weatherWorkflow },');
  fields.push('  tools: { weatherTool },');
  if (choices.memory) fields.push('  storage,');
  return `${imports.join('\n')}

/** The project: what \`mastra-ts dev\`, \`build\`, \`chat\` and \`run\` load. */
export const mastra = new Mastra({
${fields.join('\n')}
});
`;
}

const storageFile = `import { createSqliteStorage } from '@mastra-ts/storage-sqlite';

/** One SQLite file for memory threads, workflow runs and traces (migrated by the server on start). */
export const storage = createSqliteStorage({ path: process.env.MASTRA_TS_DB ?? '.mastra-ts/mastra.db' });
`;

const weatherTool = `import { createTool } from '@mastra-ts/core';
import { z } from 'zod';

/** An example tool. A real one would call a weather API; this one is deterministic so the example runs offline. */
export const weatherTool = createTool({
  id: 'weather',
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string().describe('City name') }),
  outputSchema: z.object({ city: z.string(), temperature: z.number(), conditions: z.string() }),
  execute: async ({ city }) => {
    const temperature = [...city].reduce((sum, character) => sum + character.charCodeAt(0), 0) % 30;
    return { city, temperature, conditions: temperature > 18 ? 'sunny' : 'cloudy' };
  },
});
`;

function weatherAgent(choices: ProjectChoices): string {
  const provider = providers[choices.provider];
  const imports = [`import { Agent } from '@mastra-ts/core';`, `import '${provider.packageName}';`];
  if (choices.memory) imports.push(`import { Memory } from '@mastra-ts/memory';`, `import { storage } from '../storage.ts';`);
  imports.push(`import { weatherTool } from '../tools/weather-tool.ts';`);
  const memory = choices.memory ? `\n  memory: new Memory({ storage: storage.memory, options: { lastMessages: 20 } }),` : '';
  return `${imports.join('\n')}

/** An agent that answers weather questions with the weather tool (importing ${provider.packageName} registers \`${provider.id}/…\` models). */
export const weatherAgent = new Agent({
  id: 'weather-agent',
  name: 'Weather agent',
  description: 'Answers weather questions with the weather tool',
  instructions: 'You answer questions about the weather. Always call the weather tool for the city asked about, then answer in one or two sentences.',
  model: process.env.MODEL ?? '${provider.model}',
  tools: { weatherTool },${memory}
});
`;
}

const weatherWorkflow = `import { createStep, createWorkflow } from '@mastra-ts/workflow';
import { z } from 'zod';
import { weatherTool } from '../tools/weather-tool.ts';

const forecast = z.object({ city: z.string(), temperature: z.number(), conditions: z.string() });

const fetchWeather = createStep({
  id: 'fetch-weather',
  description: 'Looks up the weather for the city',
  inputSchema: z.object({ city: z.string() }),
  outputSchema: forecast,
  execute: async ({ inputData, abortSignal, requestContext }) => weatherTool.execute!(inputData, { toolCallId: 'fetch-weather', abortSignal, requestContext }),
});

const planActivity = createStep({
  id: 'plan-activity',
  description: 'Suggests an activity for the weather',
  inputSchema: forecast,
  outputSchema: z.object({ activity: z.string() }),
  execute: async ({ inputData }) => ({
    activity: inputData.conditions === 'sunny' ? \`A walk in \${inputData.city} (\${inputData.temperature}°C)\` : \`A museum in \${inputData.city} (\${inputData.temperature}°C)\`,
  }),
});

/** A durable workflow: every step is committed, so a crashed run continues where it stopped. */
export const weatherWorkflow = createWorkflow({
  id: 'weather-workflow',
  description: 'Fetches the weather and suggests an activity',
  inputSchema: z.object({ city: z.string() }),
  outputSchema: z.object({ activity: z.string() }),
})
  .then(fetchWeather)
  .then(planActivity)
  .commit();
`;

function readme(choices: ProjectChoices): string {
  const provider = providers[choices.provider];
  const key = provider.apiKeyVariable ? `Copy \`.env.example\` to \`.env\` and set \`${provider.apiKeyVariable}\`.` : 'Start Ollama (`ollama serve`, then `ollama pull llama3.2`).';
  return `# ${choices.name}

A [mastra-ts](https://github.com/mastra-ts/mastra-ts) project: an agent with a tool${choices.memory ? ' and memory (SQLite)' : ''}${choices.workflow ? ', and a durable workflow' : ''}, on ${provider.label}.

## Run it

${key}

\`\`\`sh
npm run dev          # server + playground on http://127.0.0.1:4111, restarts on changes
npm run chat         # chat with the agent in the terminal
${choices.workflow ? `npm run run:workflow # run the workflow with live step progress\n` : ''}npm run build        # bundle into .mastra-ts/output (server.mjs + Dockerfile)
npm start            # run the bundle
\`\`\`

## Layout

| file | what |
|---|---|
| \`src/mastra/index.ts\` | the \`mastra\` instance the CLI and the server load |
| \`src/mastra/agents/weather-agent.ts\` | the agent (model \`${provider.model}\`, or \`MODEL\` from the environment) |
| \`src/mastra/tools/weather-tool.ts\` | a tool with zod input and output schemas |
${choices.workflow ? '| `src/mastra/workflows/weather-workflow.ts` | a two-step workflow |\n' : ''}${choices.memory ? '| `src/mastra/storage.ts` | the SQLite storage for memory and workflow runs |\n' : ''}
TypeScript runs directly on Node >= 22.18 (type stripping): use \`.ts\` extensions in relative imports.
`;
}
