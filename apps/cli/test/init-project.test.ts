import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCompletion, chatCompletionStream, startFakeOpenAI, type FakeOpenAIServer } from '@mastra-ts/fake-providers/openai';
import { packageVersions } from '../src/package-versions.ts';
import { cleanEnv, cliBin, inPty, linkWorkspacePackages, live, runBin, shellQuote, tempDir, removeTempDirs } from './helpers.ts';

describe('mastra-ts init', () => {
  it('scaffolds a project with the chosen provider, memory and workflow, depending only on what it uses', async () => {
    const cwd = tempDir('init');
    const result = await runBin(['init', 'weather-app', '--provider', 'groq', '--no-install'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created weather-app (Groq, memory, workflow)');
    expect(result.stdout).toContain('cp .env.example .env   # then set GROQ_API_KEY');
    const dir = path.join(cwd, 'weather-app');
    for (const file of ['package.json', 'tsconfig.json', '.env.example', 'README.md', '.gitignore', 'src/mastra/index.ts', 'src/mastra/agents/weather-agent.ts', 'src/mastra/tools/weather-tool.ts', 'src/mastra/workflows/weather-workflow.ts', 'src/mastra/storage.ts']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('weather-app');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@mastra-ts/core', '@mastra-ts/llm-groq', '@mastra-ts/memory', '@mastra-ts/storage-sqlite', '@mastra-ts/workflow', 'zod']);
    const corePkg = JSON.parse(readFileSync(path.join(cliBin, '../../../../packages/core/package.json'), 'utf8'));
    expect(pkg.dependencies['@mastra-ts/core']).toBe(`^${corePkg.version}`);
    expect(pkg.devDependencies['@mastra-ts/cli']).toBe(`^${packageVersions['@mastra-ts/cli']}`);
    expect(pkg.scripts).toMatchObject({ dev: 'mastra-ts dev', build: 'mastra-ts build', start: 'mastra-ts start' });
    expect(readFileSync(path.join(dir, '.env.example'), 'utf8')).toContain('GROQ_API_KEY=');
    expect(readFileSync(path.join(dir, 'src/mastra/agents/weather-agent.ts'), 'utf8')).toContain("'groq/llama-3.3-70b-versatile'");
  });

  it('leaves out memory and the workflow when asked', async () => {
    const cwd = tempDir('init-min');
    const result = await runBin(['init', 'mini', '--provider', 'deepseek', '--no-memory', '--no-workflow', '--no-install', '--yes'], { cwd });
    expect(result.code).toBe(0);
    const dir = path.join(cwd, 'mini');
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@mastra-ts/core', '@mastra-ts/llm-openai', 'zod']);
    expect(existsSync(path.join(dir, 'src/mastra/workflows'))).toBe(false);
    expect(existsSync(path.join(dir, 'src/mastra/storage.ts'))).toBe(false);
    const index = readFileSync(path.join(dir, 'src/mastra/index.ts'), 'utf8');
    expect(index).not.toContain('workflow');
    expect(readFileSync(path.join(dir, 'src/mastra/agents/weather-agent.ts'), 'utf8')).toContain("'deepseek/deepseek-chat'");
  });

  it('installs with the package manager that ran it, and reports a failed install', async () => {
    const cwd = tempDir('init-install');
    const bin = path.join(cwd, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'pnpm'), '#!/bin/sh\necho "$PWD $*" > "$MARKER"\nexit "${FAKE_EXIT:-0}"\n', { mode: 0o755 });
    const env = cleanEnv({ PATH: `${bin}:${process.env.PATH}`, npm_config_user_agent: 'pnpm/10.0.0 npm/? node/v24', MARKER: path.join(cwd, 'marker') });
    const ok = await runBin(['init', 'installed', '--yes'], { cwd, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Installing dependencies with pnpm…');
    expect(readFileSync(path.join(cwd, 'marker'), 'utf8').trim()).toBe(`${path.join(cwd, 'installed')} install`);
    expect(ok.stdout).toContain('  pnpm run dev');

    const failed = await runBin(['init', 'broken-install', '--yes'], { cwd, env: { ...env, FAKE_EXIT: '3' } });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('init: `pnpm install` failed in broken-install (exit 3): run it yourself there');
  });

  it('refuses a non-empty folder unless --force, and rejects an invalid name', async () => {
    const cwd = path.join(tempDir('init-force'), 'existing');
    mkdirSync(cwd);
    writeFileSync(path.join(cwd, 'notes.txt'), 'mine');
    const refused = await runBin(['init', '.', '--no-install'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty \(notes\.txt\): .*--force/);
    expect(existsSync(path.join(cwd, 'package.json'))).toBe(false);

    const forced = await runBin(['init', '.', '--no-install', '--force'], { cwd });
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(path.join(cwd, 'src/mastra/index.ts'))).toBe(true);

    const invalid = await runBin(['init', 'My App', '--no-install'], { cwd });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('project name "My App" is not valid');
  });
});

describe('mastra-ts init in a terminal', () => {
  const command = [process.execPath, cliBin, 'init'].map(shellQuote).join(' ');

  it('asks for the name, provider, memory, workflow and install, and scaffolds what was chosen', async () => {
    const cwd = tempDir('interactive');
    const init = inPty(command, { cwd, env: cleanEnv() });
    await init.waitFor(/Project name/);
    init.write('my-bot\r');
    await init.waitFor(/Model provider[\s\S]*DeepSeek/);
    init.write('\u001b[B\r');
    await init.waitFor(/Add memory/);
    init.write('n\r');
    await init.waitFor(/Add an example workflow/);
    init.write('\r');
    await init.waitFor(/Install dependencies now/);
    init.write('n\r');
    await init.waitFor(/Created my-bot \(Anthropic, workflow\): 9 files/);
    expect(await init.exited).toBe(0);
    const pkg = JSON.parse(readFileSync(path.join(cwd, 'my-bot/package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@mastra-ts/core', '@mastra-ts/llm-anthropic', '@mastra-ts/workflow', 'zod']);
  }, 30_000);

  it('stops with exit code 1 and writes nothing when a prompt is cancelled', async () => {
    const cwd = tempDir('interactive-cancel');
    const init = inPty(command, { cwd, env: cleanEnv() });
    await init.waitFor(/Project name/);
    init.write('\u0003');
    await init.waitFor(/mastra-ts: init: cancelled/);
    expect(await init.exited).toBe(1);
    expect(readdirSync(cwd)).toEqual([]);
  }, 30_000);
});

describe('mastra-ts dev on a project whose entry is at its top level', () => {
  it('watches the files the entry imports (not the folder with .mastra-ts/) and restarts when one changes', async () => {
    const dir = tempDir('top-level');
    writeFileSync(path.join(dir, 'package.json'), '{ "name": "top", "type": "module" }\n');
    writeFileSync(path.join(dir, 'greeting.ts'), "export const greeting: string = 'one';\n");
    writeFileSync(path.join(dir, 'mastra.ts'), "import { Mastra } from '@mastra-ts/core';\nimport { greeting } from './greeting.ts';\nconsole.log(`greeting ${greeting}`);\nexport const mastra = new Mastra({});\n");
    const dev = live(process.execPath, [cliBin, 'dev', '--dir', dir, '--port', '0'], { cwd: dir, env: cleanEnv() });
    try {
      await dev.waitFor(/watching the files it imports\)/);
      await dev.waitFor(/greeting one\n[\s\S]*ready in \d+ ms[\s\S]*Workflows: \(none\)\n/);
      const mark = dev.output().length;
      // node --watch registers a file's watcher when the child reports the import, which can land just after "ready":
      // the edit is repeated until the restart shows, so a write in that window is not the one the test depends on
      const edit = (): void => writeFileSync(path.join(dir, 'greeting.ts'), "export const greeting: string = 'two';\n");
      edit();
      const again = setInterval(edit, 1000);
      try {
        await dev.waitFor(/↻ [\s\S]*greeting two\n[\s\S]*ready in \d+ ms/, mark);
      } finally {
        clearInterval(again);
      }
    } finally {
      await dev.stop();
    }
  }, 60_000);
});

afterAll(removeTempDirs);

describe('a generated project, linked to the workspace packages', () => {
  let dir: string;
  let fake: FakeOpenAIServer;

  beforeAll(async () => {
    const cwd = tempDir('e2e');
    const result = await runBin(['init', 'e2e-app', '--provider', 'openai', '--no-install', '--yes'], { cwd });
    expect(result.code).toBe(0);
    dir = path.join(cwd, 'e2e-app');
    linkWorkspacePackages(dir);
    fake = await startFakeOpenAI();
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('type-checks with tsc', () => {
    const tsc = path.join(dir, 'node_modules/typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', dir], { cwd: dir, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);

  it('serves its agent under `mastra-ts dev` against a provider, and restarts on a source change', async () => {
    fake.enqueue(
      chatCompletion({ toolCalls: [{ id: 'call_1', name: 'weatherTool', arguments: '{"city":"Paris"}' }] }),
      chatCompletion({ text: 'It is 1°C and cloudy in Paris.' }),
    );
    const dev = live(process.execPath, [cliBin, 'dev', '--dir', dir, '--port', '0'], { cwd: dir, env: cleanEnv({ OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test' }) });
    try {
      const ready = await dev.waitFor(/ready in \d+ ms\n\s+➜ Playground\s+(http:\/\/127\.0\.0\.1:\d+)\/[\s\S]*?Workflows: .*\n/);
      const url = ready[1]!;
      expect(dev.output()).toContain('Agents:    weatherAgent (openai/gpt-4o-mini)');
      expect(dev.output()).toContain('Workflows: weatherWorkflow');
      expect(dev.output()).not.toContain('is not set');

      const response = await fetch(`${url}/api/agents/weatherAgent/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: 'Weather in Paris?', memory: { thread: 'e2e', resource: 'tester' } }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { text: string };
      expect(body.text).toBe('It is 1°C and cloudy in Paris.');
      expect(fake.requests).toHaveLength(2);
      expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-test');
      const toolMessage = (fake.requests[1]!.body.messages as Array<{ role: string; content: string }>).find((message) => message.role === 'tool');
      expect(JSON.parse(toolMessage!.content)).toEqual({ city: 'Paris', temperature: 1, conditions: 'cloudy' });

      const mark = dev.output().length;
      appendFileSync(path.join(dir, 'src/mastra/tools/weather-tool.ts'), '\n// edited\n');
      await dev.waitFor(/tools\/weather-tool\.ts changed, restarting…[\s\S]*ready in \d+ ms/, mark);
    } finally {
      await dev.stop();
    }
  }, 60_000);

  it('reports a project that fails to load, waits, and starts once the file is fixed', async () => {
    const toolFile = path.join(dir, 'src/mastra/tools/weather-tool.ts');
    const original = readFileSync(toolFile, 'utf8');
    writeFileSync(toolFile, `${original}\nexport const broken = ;\n`);
    const dev = live(process.execPath, [cliBin, 'dev', '--dir', dir, '--port', '0'], { cwd: dir, env: cleanEnv({ OPENAI_API_KEY: 'sk-test' }) });
    try {
      await dev.waitFor(/✗ the server stopped with an error \(above\); waiting for a change to src\/ to restart/);
      const mark = dev.output().length;
      writeFileSync(toolFile, original);
      await dev.waitFor(/ready in \d+ ms[\s\S]*Agents:    weatherAgent/, mark);
    } finally {
      writeFileSync(toolFile, original);
      await dev.stop();
    }
  }, 60_000);

  it('builds into a folder that runs elsewhere with node and calls the provider (the openai SDK bundled)', async () => {
    const out = path.join(tempDir('e2e-build'), 'out');
    const built = await runBin(['build', '--dir', dir, '--out', out]);
    expect(built.code).toBe(0);
    const clean = path.join(tempDir('e2e-clean'), 'app');
    cpSync(out, clean, { recursive: true });
    fake.enqueue(
      chatCompletion({ toolCalls: [{ id: 'call_9', name: 'weatherTool', arguments: '{"city":"Oslo"}' }] }),
      chatCompletion({ text: 'Oslo is fine.' }),
    );
    const before = fake.requests.length;
    const server = live(process.execPath, ['server.mjs'], { cwd: clean, env: cleanEnv({ PORT: '0', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-built' }) });
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const response = await fetch(`${url}/api/agents/weatherAgent/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: 'Weather in Oslo?' }) });
      expect(((await response.json()) as { text: string }).text).toBe('Oslo is fine.');
      expect(fake.requests.length - before).toBe(2);
      expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-built');
      const run = await fetch(`${url}/api/workflows/weatherWorkflow/start-async`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputData: { city: 'Oslo' } }) });
      expect(await run.json()).toMatchObject({ status: 'success', result: { activity: expect.stringContaining('Oslo') } });
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('reads the key from .env and restarts when .env changes', async () => {
    const envFile = path.join(dir, '.env');
    writeFileSync(envFile, `OPENAI_API_KEY=sk-from-env\nOPENAI_BASE_URL=${fake.baseURL}\n`);
    fake.enqueue(chatCompletion({ text: 'from .env' }));
    const dev = live(process.execPath, [cliBin, 'dev', '--dir', dir, '--port', '0'], { cwd: dir, env: cleanEnv() });
    try {
      const [, url] = await dev.waitFor(/➜ Playground\s+(http:\/\/127\.0\.0\.1:\d+)\/[\s\S]*?Workflows: .*\n/);
      expect(dev.output()).not.toContain('is not set');
      const response = await fetch(`${url}/api/agents/weatherAgent/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: 'hi' }) });
      expect(((await response.json()) as { text: string }).text).toBe('from .env');
      expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-from-env');
      const mark = dev.output().length;
      writeFileSync(envFile, 'OPENAI_API_KEY=\n');
      await dev.waitFor(/\.env changed, restarting…[\s\S]*OPENAI_API_KEY is not set/, mark);
    } finally {
      rmSync(envFile, { force: true });
      await dev.stop();
    }
  }, 60_000);

  it('runs its workflow and chats with its agent (streamed from the provider, with memory)', async () => {
    const env = cleanEnv({ OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-chat' });
    const run = await runBin(['run', 'weatherWorkflow', '--dir', dir, '--input', '{"city":"Lisbon"}'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✓ fetch-weather \d+ ms → \{"city":"Lisbon","temperature":\d+,"conditions":"\w+"\}/);
    expect(run.stdout).toMatch(/✓ weather-workflow succeeded in \d+ ms\n\{\n {2}"activity": ".*Lisbon.*"\n\}/);

    fake.enqueue(
      chatCompletionStream({ toolCalls: [{ id: 'call_c', name: 'weatherTool', arguments: ['{"city":', '"Lisbon"}'] }] }),
      chatCompletionStream({ text: ['Sunny ', 'in Lisbon.'] }),
      chatCompletionStream({ text: 'You asked about Lisbon.' }),
    );
    const before = fake.requests.length;
    const chat = live(process.execPath, [cliBin, 'chat', 'weatherAgent', '--dir', dir, '--thread', 'e2e-chat'], { cwd: dir, env });
    await chat.waitFor(/you › /);
    chat.write('Weather in Lisbon?\n');
    await chat.waitFor(/⚙ weatherTool\(\{"city":"Lisbon"\}\)\n\s+✓ weatherTool → \{"city":"Lisbon".*\nWeather agent › Sunny in Lisbon\.\n/);
    chat.write('What did I ask?\n');
    await chat.waitFor(/Weather agent › You asked about Lisbon\.\n/);
    chat.child.stdin!.end();
    expect(await chat.exited).toBe(0);
    const third = fake.requests[before + 2]!.body as { stream: boolean; messages: Array<{ role: string; content: unknown }> };
    expect(third.stream).toBe(true);
    expect(third.messages.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(['Weather in Lisbon?', 'What did I ask?']);
  }, 60_000);

  it('says when the port is taken', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const dev = live(process.execPath, [cliBin, 'dev', '--dir', dir, '--port', String(port)], { cwd: dir, env: cleanEnv() });
    try {
      await dev.waitFor(new RegExp(`port ${port} is taken \\(another dev server\\?\\): stop it, or pass --port <n>`));
      await dev.waitFor(/✗ the server stopped with an error/);
    } finally {
      await dev.stop();
      blocker.close();
    }
  }, 60_000);

  it('starts without an API key and says which variable to set', async () => {
    const dev = live(process.execPath, [cliBin, 'dev', '--dir', dir, '--port', '0'], { cwd: dir, env: cleanEnv() });
    try {
      const ready = await dev.waitFor(/➜ Playground\s+(http:\/\/127\.0\.0\.1:\d+)\/[\s\S]*?OPENAI_API_KEY is not set.*\n/);
      expect(ready[0]).toContain('agent weatherAgent uses openai/gpt-4o-mini but OPENAI_API_KEY is not set');
      const health = await fetch(`${ready[1]}/health`);
      expect(health.status).toBe(200);
    } finally {
      await dev.stop();
    }
  }, 60_000);
});
