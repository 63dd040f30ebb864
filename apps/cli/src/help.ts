/** Help text of every command, printed by `help`, `-h` and after a usage error. */
export const commandHelp: Record<string, string> = {
  init: `mastra-ts init [name] [--provider openai|anthropic|groq|ollama|deepseek] [--memory|--no-memory]
                [--workflow|--no-workflow] [--no-install] [--yes] [--force]
  Scaffolds a project in ./<name>: package.json, tsconfig.json, src/mastra/index.ts (an agent, a tool and a
  workflow), .env.example and README.md. Prompts in a terminal; --yes takes the defaults (openai, memory, workflow).`,
  dev: `mastra-ts dev [--dir .] [--port 4111] [--host 127.0.0.1] [--entry src/mastra/index.ts]
  Serves the project with the playground and restarts it when a file under src/ changes (TypeScript runs directly).`,
  build: `mastra-ts build [--dir .] [--out .mastra-ts/output] [--entry ...] [--external pkg]...
  Bundles the project into a standalone folder: server.mjs (run it with node), node_modules for native packages,
  a Dockerfile and a package.json.`,
  start: `mastra-ts start [--dir .] [--out .mastra-ts/output] [--port 4111] [--host 127.0.0.1]
  Runs the output of \`mastra-ts build\`.`,
  deploy: `mastra-ts deploy [--dir .] [--out .mastra-ts/output]
  Prints how to ship the output of \`mastra-ts build\` (this CLI pushes nothing).`,
  chat: `mastra-ts chat <agent> [--thread id] [--resource id] [--dir .] [--entry ...]
  Chats with an agent of the project in the terminal: streamed answers, tool calls shown, the memory thread kept.
  Type /exit or press Ctrl-D to leave, /new for a new thread.`,
  run: `mastra-ts run <workflow> --input <json|@file> [--dir .] [--entry ...]
mastra-ts run <workflow> --resume <runId> [--step <id>] [--data <json|@file>]
  Runs a workflow with a live line per step event and prints the result; --resume continues a suspended run.`,
  version: `mastra-ts version   (or -v, --version)
  Prints the CLI's version.`,
  help: `mastra-ts help [command]   (or -h, --help)
  Prints this help, or one command's.`,
};

/** The overall help. */
export function helpText(command?: string): string {
  if (command && commandHelp[command]) return `${commandHelp[command]}\n\nGlobal flags: --verbose (stack traces), -h/--help\n`;
  return `mastra-ts: build, run and ship mastra-ts agents and workflows

Usage: mastra-ts <command> [options]

Commands:
  init [name]        create a project
  dev                serve the project with the playground, reloading on changes
  build              bundle the project into a standalone server folder
  start              run the build
  deploy             print how to ship the build
  chat <agent>       chat with an agent in the terminal
  run <workflow>     run or resume a workflow, with live step progress
  version            print the version
  help [command]     print help

Global flags: --verbose (stack traces), -h/--help, -v/--version
Run \`mastra-ts help <command>\` for a command's flags.
`;
}
