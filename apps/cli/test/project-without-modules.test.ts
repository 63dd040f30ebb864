import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runBin, tempDir, removeTempDirs } from './helpers.ts';

describe('a project without node_modules', () => {
  it('runs its workflow with the packages the CLI ships with', async () => {
    const dir = tempDir('no-modules');
    writeFileSync(
      path.join(dir, 'mastra.ts'),
      [
        "import { Mastra } from '@mastra-ts/core';",
        "import { createStep, createWorkflow } from '@mastra-ts/workflow';",
        "import { z } from 'zod';",
        "const double = createStep({ id: 'double', inputSchema: z.object({ n: z.number() }), outputSchema: z.object({ n: z.number() }), execute: async ({ inputData }) => ({ n: inputData.n * 2 }) });",
        "const math = createWorkflow({ id: 'math', inputSchema: z.object({ n: z.number() }), outputSchema: z.object({ n: z.number() }) }).then(double).commit();",
        'export const mastra = new Mastra({ workflows: { math } });',
        '',
      ].join('\n'),
    );
    const result = await runBin(['run', 'math', '--dir', dir, '--input', '{"n":21}'], { env: cleanEnv() });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/✓ double \d+ ms → \{"n":42\}/);
    expect(result.code).toBe(0);

afterAll(removeTempDirs);

    const invalid = await runBin(['run', 'math', '--dir', dir, '--input', '{"n":"x"}'], { env: cleanEnv() });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.trim().split('\n')).toHaveLength(1);
    expect(invalid.stderr).toMatch(/^mastra-ts: .*n/);
  });
});
