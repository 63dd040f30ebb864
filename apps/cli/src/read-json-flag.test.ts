import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { readJsonFlag } from './read-json-flag.ts';

describe('readJsonFlag', () => {
  it('parses inline JSON and @file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'json-flag-'));
    writeFileSync(path.join(dir, 'in.json'), '{"city":"Oslo"}');
    expect(readJsonFlag('input', '{"city":"Paris"}', dir)).toEqual({ city: 'Paris' });
    expect(readJsonFlag('input', '@in.json', dir)).toEqual({ city: 'Oslo' });
    expect(readJsonFlag('data', '42', dir)).toBe(42);
  });

  it('throws ConfigError naming the flag, the value and the fix', () => {
    let error: unknown;
    try {
      readJsonFlag('data', "{city:'x'}", '/');
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe('data');
    expect((error as Error).message).toMatch(/^--data \{city:'x'\} is not JSON \(.*\): pass JSON in single quotes/);
    expect(() => readJsonFlag('input', '@nope.json', '/tmp')).toThrow(/--input @nope\.json: \/tmp\/nope\.json does not exist/);
  });
});
