import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors/config-error.ts';
import type { JSONSchema7 } from '../shared/json-value.ts';
import { toJSONSchema, type Schema } from '../tools/schema.ts';

/** Options of `loadConfig`. */
export interface LoadConfigOptions<T> {
  /** The schema of the whole configuration (zod or any Standard Schema with JSON Schema support). */
  schema: Schema<T>;
  /** A JSON file to read. A missing file is an error only when `required` is set. */
  file?: string;
  required?: boolean;
  /** The environment (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Explicit variables per dotted field, e.g. `{ 'server.port': 'PORT' }`. */
  envMap?: Record<string, string>;
  /**
   * Maps `PREFIX_SERVER__PORT` to `server.port`: after the prefix, `__` separates levels and
   * names are matched case-insensitively against the schema's fields. Unknown variables are ignored.
   */
  envPrefix?: string;
}

type Source = { kind: 'file'; file: string } | { kind: 'env'; variable: string } | { kind: 'default' };

/**
 * Loads configuration: schema defaults, then the JSON file, then environment variables (highest),
 * validated with the schema. Environment strings are converted to the type the schema expects
 * (numbers, booleans, JSON for objects and arrays).
 *
 * Errors are `ConfigError`s that name the file or variable, the field, the bad value and what was expected.
 */
export async function loadConfig<T>(options: LoadConfigOptions<T>): Promise<T> {
  const env = options.env ?? process.env;
  const sources = new Map<string, Source>();
  let data: Record<string, unknown> = {};

  if (options.file !== undefined) {
    let text: string | undefined;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT' || options.required) {
        throw new ConfigError({ file: options.file, message: `Cannot read config file ${options.file}: ${(cause as Error).message}`, cause });
      }
    }
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        throw new ConfigError({ file: options.file, message: `Config file ${options.file} is not valid JSON: ${(cause as Error).message}`, cause });
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ConfigError({ file: options.file, value: parsed, message: `Config file ${options.file} must hold a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}` });
      }
      data = parsed as Record<string, unknown>;
      for (const path of leafPaths(data)) sources.set(path, { kind: 'file', file: options.file });
    }
  }

  let jsonSchema: JSONSchema7 | undefined;
  try {
    jsonSchema = toJSONSchema(options.schema as Schema);
  } catch {
    jsonSchema = undefined;
  }
  const assignments: Array<[string, string]> = [];
  for (const [path, variable] of Object.entries(options.envMap ?? {})) {
    const value = env[variable];
    if (value !== undefined) assignments.push([path, variable]);
  }
  if (options.envPrefix !== undefined && jsonSchema) {
    const prefix = `${options.envPrefix}_`;
    for (const variable of Object.keys(env)) {
      if (!variable.startsWith(prefix) || env[variable] === undefined) continue;
      const path = matchPath(jsonSchema, variable.slice(prefix.length).split('__'));
      if (path !== undefined && !assignments.some(([existing]) => existing === path)) assignments.push([path, variable]);
    }
  }
  for (const [path, variable] of assignments) {
    const raw = env[variable]!;
    const expected = schemaAt(jsonSchema, path.split('.'));
    setPath(data, path.split('.'), coerce(raw, expected));
    sources.set(path, { kind: 'env', variable });
  }

  let result = options.schema['~standard'].validate(data);
  if (result instanceof Promise) result = await result;
  if (result.issues === undefined) return result.value;

  const issue = result.issues[0]!;
  const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment));
  const field = path.join('.');
  const value = getPath(data, path);
  const source = findSource(sources, path);
  const origin =
    source.kind === 'env' ? ` (from environment variable ${source.variable})` : source.kind === 'file' ? ` in ${source.file}` : options.file ? ` (not set in ${options.file} or the environment)` : ' (not set)';
  const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more problem${result.issues.length > 2 ? 's' : ''})` : '';
  throw new ConfigError({
    ...(source.kind === 'file' ? { file: source.file } : options.file !== undefined && source.kind !== 'env' ? { file: options.file } : {}),
    field: field || '(root)',
    value,
    message: `Invalid config${origin}: ${field || '(root)'} = ${value === undefined ? 'undefined' : JSON.stringify(value)}: ${issue.message}${more}`,
  });
}

function leafPaths(value: Record<string, unknown>, prefix: string[] = []): string[] {
  const paths: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) paths.push(...leafPaths(child as Record<string, unknown>, [...prefix, key]));
    else paths.push([...prefix, key].join('.'));
  }
  return paths;
}

function findSource(sources: Map<string, Source>, path: string[]): Source {
  for (let length = path.length; length > 0; length--) {
    const source = sources.get(path.slice(0, length).join('.'));
    if (source) return source;
  }
  return { kind: 'default' };
}

function schemaAt(schema: JSONSchema7 | undefined, path: string[]): JSONSchema7 | undefined {
  let current = schema;
  for (const segment of path) {
    current = unwrap(current)?.properties?.[segment];
    if (!current) return undefined;
  }
  return unwrap(current);
}

function unwrap(schema: JSONSchema7 | undefined): JSONSchema7 | undefined {
  if (!schema) return undefined;
  const variants = (schema.anyOf ?? schema.oneOf) as JSONSchema7[] | undefined;
  if (Array.isArray(variants)) return variants.find((variant) => variant.type !== 'null') ?? schema;
  return schema;
}

function matchPath(schema: JSONSchema7, segments: string[]): string | undefined {
  const path: string[] = [];
  let current: JSONSchema7 | undefined = schema;
  for (const segment of segments) {
    const properties: Record<string, JSONSchema7> = unwrap(current)?.properties ?? {};
    const normalized = segment.toLowerCase().replaceAll('_', '');
    const key = Object.keys(properties).find((candidate) => candidate.toLowerCase().replaceAll('_', '') === normalized);
    if (key === undefined) return undefined;
    path.push(key);
    current = properties[key];
  }
  return path.join('.');
}

function coerce(raw: string, expected: JSONSchema7 | undefined): unknown {
  const types = expected?.type === undefined ? [] : Array.isArray(expected.type) ? expected.type : [expected.type];
  if (types.includes('string') || types.length === 0) return raw;
  if (types.includes('number') || types.includes('integer')) {
    const value = Number(raw);
    return raw.trim() !== '' && Number.isFinite(value) ? value : raw;
  }
  if (types.includes('boolean')) {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    return raw;
  }
  if (types.includes('array') || types.includes('object')) {
    try {
      return JSON.parse(raw);
    } catch {
      return types.includes('array') ? raw.split(',').map((item) => item.trim()).filter(Boolean) : raw;
    }
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let current = target;
  for (const segment of path.slice(0, -1)) {
    const next = current[segment];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[path[path.length - 1]!] = value;
}

function getPath(target: unknown, path: string[]): unknown {
  let current = target;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
