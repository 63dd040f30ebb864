// Scaffolds a package in the monorepo shape: node scripts/new-package.mjs packages/<name> "description" [dep@range ...]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';

const [dir, description, ...deps] = process.argv.slice(2);
if (!dir || !description) {
  console.error('usage: node scripts/new-package.mjs packages/<name> "description" [dep@range ...]');
  process.exit(2);
}
const name = `@mastra-ts/${basename(dir)}`;
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${dir}/package.json exists`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });
const dependencies = Object.fromEntries(
  deps.map((spec) => {
    const at = spec.lastIndexOf('@');
    return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, '*'];
  }),
);
const pkg = {
  name,
  version: '0.0.0',
  description,
  type: 'module',
  sideEffects: false,
  license: 'Apache-2.0',
  exports: { './package.json': './package.json', '.': { types: './dist/index.d.mts', default: './dist/index.mjs' } },
  files: ['dist', 'CHANGELOG.md', 'README.md'],
  scripts: { build: 'tsdown', test: 'vitest run', 'type-check': 'tsc --noEmit', 'check:package': 'publint' },
  ...(Object.keys(dependencies).length ? { dependencies } : {}),
  peerDependencies: { '@mastra-ts/core': 'workspace:^' },
  devDependencies: {
    '@mastra-ts/conformance': 'workspace:*',
    '@mastra-ts/core': 'workspace:*',
    '@mastra-ts/tsconfig': 'workspace:*',
    '@mastra-ts/vitest-config': 'workspace:*',
    '@types/node': 'catalog:',
    publint: 'catalog:',
    tsdown: 'catalog:',
    typescript: 'catalog:',
    vitest: 'catalog:',
    zod: 'catalog:',
  },
  engines: { node: '>=22' },
  publishConfig: { access: 'public' },
  repository: { type: 'git', url: 'git+https://github.com/mastra-ts/mastra-ts.git', directory: dir },
};
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(join(dir, 'tsconfig.json'), `{ "extends": "@mastra-ts/tsconfig/library.json", "include": ["src"] }\n`);
writeFileSync(join(dir, 'vitest.config.ts'), `export { default } from '@mastra-ts/vitest-config';\n`);
writeFileSync(
  join(dir, 'tsdown.config.ts'),
  `import { defineConfig } from 'tsdown';\n\nexport default defineConfig({\n  entry: ['src/index.ts'],\n  format: ['esm'],\n  dts: true,\n  sourcemap: true,\n  platform: 'node',\n  target: 'node22',\n});\n`,
);
console.log(`created ${dir} (${name})`);
