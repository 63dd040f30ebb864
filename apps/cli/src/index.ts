/**
 * @module
 * `@mastra-ts/cli`: the `mastra-ts` command line (init, dev, build, start, deploy, chat, run), callable in-process.
 */
export { runCli, cliVersion, type Command } from './cli.ts';
export type { CliIO } from './io.ts';
export { helpText } from './help.ts';
export { UsageError } from './usage-error.ts';
export { scaffoldProject, invalidPackageName, type ScaffoldOptions } from './init/scaffold.ts';
export { projectDependencies, projectFiles, type ProjectChoices } from './init/templates.ts';
export { providers, type ProviderId, type ProviderInfo } from './providers.ts';
export { bundleProject, type BundleProjectOptions, type BundleResult } from './build/bundle-project.ts';
