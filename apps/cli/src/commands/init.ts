import { spawn } from 'node:child_process';
import path from 'node:path';
import * as prompts from '@clack/prompts';
import { ConfigError } from '@mastra-ts/core';
import { invalidPackageName, scaffoldProject } from '../init/scaffold.ts';
import { paint, type CliIO } from '../io.ts';
import { parseFlags } from '../parse-flags.ts';
import { isProviderId, providers, type ProviderId } from '../providers.ts';
import { UsageError } from '../usage-error.ts';

const defaultName = 'my-mastra-app';

/** `mastra-ts init [name]`: scaffolds a project, with prompts in a terminal and flags otherwise. */
export async function initCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(
    'init',
    argv,
    {
      provider: { type: 'string' },
      memory: { type: 'boolean' },
      workflow: { type: 'boolean' },
      install: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      force: { type: 'boolean' },
    },
    1,
  );
  if (values.provider !== undefined && !isProviderId(values.provider)) {
    throw new UsageError(`init: --provider "${values.provider}" is not one of ${Object.keys(providers).join(', ')}`, 'init');
  }
  const interactive = !values.yes && io.stdin.isTTY === true && io.stdout.isTTY === true;
  let name = positionals[0];
  let provider = values.provider as ProviderId | undefined;
  let memory = values.memory;
  let workflow = values.workflow;
  let install = values.install;

  if (interactive) {
    prompts.intro('mastra-ts init');
    name ??= answer(await prompts.text({ message: 'Project name', placeholder: defaultName, defaultValue: defaultName, validate: (value) => invalidPackageName(path.basename(value || defaultName)) }));
    provider ??= answer(await prompts.select({ message: 'Model provider', options: Object.values(providers).map((info) => ({ value: info.id, label: info.label, hint: info.model })), initialValue: 'openai' as ProviderId }));
    memory ??= answer(await prompts.confirm({ message: 'Add memory (conversation threads on SQLite)?', initialValue: true }));
    workflow ??= answer(await prompts.confirm({ message: 'Add an example workflow?', initialValue: true }));
    install ??= answer(await prompts.confirm({ message: 'Install dependencies now?', initialValue: true }));
  }
  name ??= defaultName;
  const dir = path.resolve(io.cwd, name);
  const packageName = path.basename(dir);
  const invalid = invalidPackageName(packageName);
  if (invalid) throw new ConfigError({ message: `init: project name "${packageName}" is not valid: ${invalid}`, field: 'name', value: packageName });
  const choices = { name: packageName, provider: provider ?? 'openai', memory: memory ?? true, workflow: workflow ?? true };

  const written = scaffoldProject({ ...choices, dir, force: values.force === true });
  const shown = path.relative(io.cwd, dir) || '.';
  io.stdout.write(`${paint(io.stdout, 'green', '✓')} Created ${shown} (${providers[choices.provider].label}${choices.memory ? ', memory' : ''}${choices.workflow ? ', workflow' : ''}): ${written.length} files\n`);

  const manager = packageManager(io.env);
  const doInstall = install ?? true;
  if (doInstall) {
    io.stdout.write(`Installing dependencies with ${manager}…\n`);
    const code = await runInstall(manager, dir);
    if (code !== 0) throw new Error(`init: \`${manager} install\` failed in ${shown} (exit ${code}): run it yourself there`);
  }
  const keyVariable = providers[choices.provider].apiKeyVariable;
  const steps = [`cd ${shown}`];
  if (!doInstall) steps.push(`${manager} install`);
  if (keyVariable) steps.push(`cp .env.example .env   # then set ${keyVariable}`);
  steps.push(`${manager} run dev`);
  io.stdout.write(`\nNext:\n${steps.map((step) => `  ${step}`).join('\n')}\n`);
  if (interactive) prompts.outro('Happy building.');
  return 0;
}

function answer<T>(value: T): Exclude<T, symbol> {
  if (prompts.isCancel(value)) throw new Error('init: cancelled');
  return value as Exclude<T, symbol>;
}

function packageManager(env: NodeJS.ProcessEnv): string {
  const agent = env.npm_config_user_agent ?? '';
  for (const manager of ['pnpm', 'yarn', 'bun']) if (agent.startsWith(manager)) return manager;
  return 'npm';
}

function runInstall(manager: string, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(manager, ['install'], { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
