import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Repository rules checked from the source text (STYLE.md §2.7): every provider package exports the same
 * public shape, and every adapter package runs the conformance suite of the contract it implements.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const packagesDir = join(root, 'packages');

/** Every name a module exports, from `export { a, type B as C } from`, `export const a`, `export type B`, … */
function exportedNames(source: string): Set<string> {
  const names = new Set<string>();
  for (const match of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of match[1]!.split(',')) {
      const name = item.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (name.length > 0) names.add(name);
    }
  }
  for (const match of source.matchAll(/export\s+(?:declare\s+)?(?:const|let|function|async\s+function|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g)) names.add(match[1]!);
  return names;
}

/** The test sources of a package (`src/**\/*.test.ts`, `test/**\/*.test.ts`), concatenated. */
function testSources(packageDir: string): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts')) texts.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(packageDir, 'src'));
  walk(join(packageDir, 'test'));
  return texts.join('\n');
}

const providerPackages = readdirSync(packagesDir).filter((name) => name.startsWith('llm-')).sort();

/** Adapter packages and the suites their tests must call. */
const adapterSuites: Array<{ name: string; suites: string[] }> = [
  ...providerPackages.map((name) => ({ name, suites: ['describeLanguageModel'] })),
  { name: 'storage-sqlite', suites: ['describeMemoryStore', 'describeWorkflowStore', 'describeRecordStore', 'describeTraceStore'] },
  { name: 'vector', suites: ['describeVectorStore'] },
  { name: 'cache', suites: ['describeCache'] },
];

describe('provider packages export the same public shape', () => {
  it('finds the four providers', () => {
    expect(providerPackages).toEqual(expect.arrayContaining(['llm-anthropic', 'llm-groq', 'llm-ollama', 'llm-openai']));
  });

  for (const name of providerPackages) {
    it(`${name} exports create*, a default instance, *Provider, *ProviderSettings and VERSION`, (context) => {
      const indexPath = join(packagesDir, name, 'src', 'index.ts');
      if (!existsSync(indexPath)) {
        context.skip(`${name}/src/index.ts does not exist yet`);
        return;
      }
      const exported = exportedNames(readFileSync(indexPath, 'utf8'));
      const factories = [...exported].filter((item) => /^create[A-Z]/.test(item));
      expect(factories.length, `${name} exports no create* factory`).toBeGreaterThan(0);
      for (const factory of factories) {
        const provider = factory.slice('create'.length);
        expect(exported, `${name}: ${factory} without a ${provider}Provider type`).toContain(`${provider}Provider`);
        expect(exported, `${name}: ${factory} without a ${provider}ProviderSettings type`).toContain(`${provider}ProviderSettings`);
      }
      // the default instance is named after the package: `openai`, `anthropic`, `groq`, `ollama`
      expect(exported, `${name} has no default instance`).toContain(name.slice('llm-'.length));
      expect(exported, `${name} does not export VERSION`).toContain('VERSION');
    });
  }
});

describe('adapter packages run their conformance suites', () => {
  for (const { name, suites } of adapterSuites) {
    it(`${name} tests call ${suites.join(', ')}`, (context) => {
      const packageDir = join(packagesDir, name);
      if (!existsSync(join(packageDir, 'src'))) {
        context.skip(`packages/${name}/src does not exist yet`);
        return;
      }
      const tests = testSources(packageDir);
      expect(tests, `packages/${name} has no tests importing @mastra-ts/conformance`).toMatch(/from\s+['"]@mastra-ts\/conformance['"]/);
      for (const suite of suites) {
        expect(new RegExp(`\\b${suite}\\s*\\(`).test(tests), `no test in packages/${name} calls ${suite}(…)`).toBe(true);
      }
    });
  }
});

describe('exportedNames', () => {
  it('reads export lists, type exports, aliases and declarations', () => {
    const names = exportedNames(
      "export { a, type B, c as d } from './x.ts';\nexport type { E, F as G } from './y.ts';\nexport const h = 1;\nexport function i() {}\nexport interface J {}\nexport class K {}",
    );
    expect([...names].sort()).toEqual(['B', 'E', 'G', 'J', 'K', 'a', 'd', 'h', 'i']);
  });
});
