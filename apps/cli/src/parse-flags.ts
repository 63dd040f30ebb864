import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command accepts. */
type GlobalOptions = { verbose: { type: 'boolean' }; help: { type: 'boolean'; short: 'h' } };
const globalOptions: GlobalOptions = { verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

/**
 * `util.parseArgs` in strict mode with `--no-<flag>` negation; an unknown flag, a missing value or an extra
 * positional becomes a `UsageError` naming the command.
 */
export function parseFlags<const O extends Options>(
  command: string,
  argv: string[],
  options: O,
  maxPositionals: number,
): { values: { [K in keyof (O & GlobalOptions)]?: (O & GlobalOptions)[K] extends { type: 'string'; multiple: true } ? string[] : (O & GlobalOptions)[K] extends { type: 'string' } ? string : boolean }; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...globalOptions, ...options }, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*/, '')}`, command);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument "${parsed.positionals[maxPositionals]}"`, command);
  }
  return parsed as never;
}

/** Parses a `--port` value, or throws a `UsageError` that names it. */
export function parsePort(command: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new UsageError(`${command}: --port "${value}" is not a port number (0-65535)`, command);
  return port;
}
