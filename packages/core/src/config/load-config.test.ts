import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.ts';
import { loadConfig } from './load-config.ts';

const schema = z.object({
  server: z.object({ port: z.number().int().default(4111), host: z.string().default('127.0.0.1') }).default({ port: 4111, host: '127.0.0.1' }),
  debug: z.boolean().default(false),
  models: z.array(z.string()).default([]),
});

async function file(content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'mastra-config-')), 'mastra.config.json');
  await writeFile(path, content);
  return path;
}

describe('loadConfig', () => {
  it('applies defaults, then the file, then the environment', async () => {
    const path = await file(JSON.stringify({ server: { port: 3000, host: '0.0.0.0' }, models: ['a'] }));
    const config = await loadConfig({ schema, file: path, env: { APP_SERVER__PORT: '5000', APP_DEBUG: 'true', APP_MODELS: '["x","y"]', OTHER: '1' }, envPrefix: 'APP' });
    expect(config).toEqual({ server: { port: 5000, host: '0.0.0.0' }, debug: true, models: ['x', 'y'] });
  });

  it('maps explicit variables', async () => {
    const config = await loadConfig({ schema, env: { PORT: '8080' }, envMap: { 'server.port': 'PORT' } });
    expect(config.server.port).toBe(8080);
  });

  it('names the file, field, value and expectation for a bad file value', async () => {
    const path = await file(JSON.stringify({ server: { port: 'eighty' } }));
    const error = await loadConfig({ schema, file: path, env: {} }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).file).toBe(path);
    expect((error as ConfigError).field).toBe('server.port');
    expect((error as Error).message).toBe(`Invalid config in ${path}: server.port = "eighty": Invalid input: expected number, received string`);
  });

  it('names the environment variable for a bad env value', async () => {
    const error = await loadConfig({ schema, env: { PORT: 'abc' }, envMap: { 'server.port': 'PORT' } }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('Invalid config (from environment variable PORT): server.port = "abc": Invalid input: expected number, received string');
  });

  it('reports invalid JSON with the file name', async () => {
    const path = await file('{ "server": ');
    const error = await loadConfig({ schema, file: path, env: {} }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^Config file ${path.replaceAll('/', '\\/')} is not valid JSON`));
  });

  it('a missing optional file is fine; a missing required one is an error', async () => {
    expect((await loadConfig({ schema, file: '/nonexistent/mastra.json', env: {} })).server.port).toBe(4111);
    await expect(loadConfig({ schema, file: '/nonexistent/mastra.json', required: true, env: {} })).rejects.toThrow(/Cannot read config file \/nonexistent\/mastra.json/);
  });
});
