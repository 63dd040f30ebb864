import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, exampleDir, live, runBin, tempDir, removeTempDirs } from './helpers.ts';

afterAll(removeTempDirs);

describe('mastra-ts build', () => {
  it('bundles the example into a folder that runs with node alone, elsewhere, and answers /health and its agent', async () => {
    const out = path.join(tempDir('build'), 'output');
    const result = await runBin(['build', '--dir', exampleDir, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ Built .* in \d+ ms/);
    expect(result.stdout).toContain('better-sqlite3@');
    // lazily imported modules (optional provider code paths) become chunks next to the entry
    expect(readdirSync(out).filter((name) => name !== 'chunks').sort()).toEqual(['.dockerignore', 'Dockerfile', 'node_modules', 'package.json', 'server.mjs', 'server.mjs.map']);
    expect(readFileSync(path.join(out, 'Dockerfile'), 'utf8')).toMatch(/CMD \["node", "--enable-source-maps", "server\.mjs"\]/);
    const manifest = JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toContain('better-sqlite3');
    expect(existsSync(path.join(out, 'node_modules/better-sqlite3/package.json'))).toBe(true);
    // no import statement is left pointing at a workspace package (JSDoc examples in the bundle may mention them)
    expect(readFileSync(path.join(out, 'server.mjs'), 'utf8')).not.toMatch(/^(?:import|export)\b[^\n]*from ['"]@mastra-ts\//m);

    const clean = path.join(tempDir('clean'), 'app');
    cpSync(out, clean, { recursive: true });
    const server = live(process.execPath, ['server.mjs'], { cwd: clean, env: cleanEnv({ PORT: '0' }) });
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const agents = (await (await fetch(`${url}/api/agents`)).json()) as Record<string, unknown>;
      expect(Object.keys(agents)).toEqual(['weatherAgent']);
      const answer = await fetch(`${url}/api/agents/weatherAgent/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: 'Weather in Rome?' }) });
      expect(((await answer.json()) as { text: string }).text).toContain('Rome');
      expect(existsSync(path.join(clean, '.mastra-ts/mastra.db'))).toBe(true);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  it('start runs the build from the project folder; start without a build says to build first', async () => {
    const out = path.join(tempDir('start'), 'output');
    expect((await runBin(['build', '--dir', exampleDir, '--out', out])).code).toBe(0);
    const dbDir = tempDir('start-db');
    const started = live(process.execPath, [path.join(exampleDir, '../../apps/cli/dist/bin.mjs'), 'start', '--dir', exampleDir, '--out', out, '--port', '0'], {
      cwd: exampleDir,
      env: cleanEnv({ MASTRA_TS_DB: path.join(dbDir, 'db.sqlite') }),
    });
    try {
      const [, url] = await started.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      await started.stop();
    }
    const missing = await runBin(['start', '--dir', tempDir('empty')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no build at .*server\.mjs: run `mastra-ts build` --dir|no build at .*: run `mastra-ts build`/);
  }, 60_000);
});

describe('mastra-ts build --external', () => {
  it('keeps a named package out of the bundle and copies it into node_modules', async () => {
    const out = path.join(tempDir('external'), 'output');
    const result = await runBin(['build', '--dir', exampleDir, '--out', out, '--external', 'zod']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/zod@4\./);
    expect(existsSync(path.join(out, 'node_modules/zod/package.json'))).toBe(true);
    expect(readFileSync(path.join(out, 'server.mjs'), 'utf8')).toMatch(/from "zod"|from 'zod'/);
  }, 60_000);
});

describe('mastra-ts deploy', () => {
  it('prints how to ship the build and pushes nothing', async () => {
    const result = await runBin(['deploy', '--dir', exampleDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('mastra-ts does not push anywhere');
    expect(result.stdout).toMatch(/docker build -t my-agents .*\.mastra-ts\/output/);
    expect(result.stdout).toContain('node server.mjs');
  });
});
