#!/usr/bin/env node
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
// The command is over: a handle left open by a project (a socket, a watcher) must not keep the process alive.
setTimeout(() => process.exit(), 2000).unref();
