import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown, type Plugin } from 'rolldown';

/** Options of `bundleProject`. */
export interface BundleProjectOptions {
  /** The project's entry module (exports `mastra`). */
  entry: string;
  /** The output folder (emptied first). */
  outDir: string;
  /** The project's package name, for the output's package.json. */
  name: string;
  /** Extra packages to keep out of the bundle (copied into `node_modules` like native ones). */
  external?: string[];
}

/** What `bundleProject` wrote. */
export interface BundleResult {
  /** `<outDir>/server.mjs`. */
  serverFile: string;
  /** Packages kept external and copied, with their versions (dependencies of those included). */
  copied: Record<string, string>;
  /** Bundle warnings worth showing. */
  warnings: string[];
}

const virtualEntry = '\0mastra-ts-server-entry';

/**
 * Bundles a project and its dependencies into `<outDir>/server.mjs` with rolldown. Packages with native code (a
 * `binding.gyp`, or listed in `external`) stay external and their resolved folders, with their own dependencies, are
 * copied into `<outDir>/node_modules`, so the output runs with `node server.mjs` and no install. Also writes a
 * package.json and a Dockerfile.
 */
export async function bundleProject(options: BundleProjectOptions): Promise<BundleResult> {
  const serveModule = fileURLToPath(import.meta.resolve('@mastra-ts/cli/serve'));
  const fallbackImporters = [serveModule, fileURLToPath(import.meta.resolve('@mastra-ts/server'))];
  const extraExternal = new Set(options.external ?? []);
  const externals = new Map<string, string>();
  const warnings: string[] = [];

  const plugin: Plugin = {
    name: 'mastra-ts-build',
    async resolveId(source, importer, extra) {
      if (source === virtualEntry) return source;
      if (/^[./]|^node:|^\0/.test(source) || path.isAbsolute(source)) return null;
      let resolved = await this.resolve(source, importer, { ...extra, skipSelf: true });
      for (const fallback of fallbackImporters) {
        if (resolved) break;
        resolved = await this.resolve(source, fallback, { ...extra, skipSelf: true });
      }
      if (!resolved || resolved.external) return resolved;
      const name = packageName(source);
      const root = packageRoot(resolved.id, name);
      if (root && (extraExternal.has(name) || isNative(root))) {
        externals.set(name, root);
        return { id: source, external: true };
      }
      return resolved;
    },
    load(id) {
      if (id !== virtualEntry) return null;
      return `import * as project from ${JSON.stringify(options.entry)};\nimport { serveModule } from ${JSON.stringify(serveModule)};\nserveModule(project);\n`;
    },
  };

  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const bundle = await rolldown({
    input: { server: virtualEntry },
    platform: 'node',
    plugins: [plugin],
    logLevel: 'warn',
    onLog(level, log) {
      if (level === 'warn' && log.code !== 'EVAL' && log.code !== 'CIRCULAR_DEPENDENCY') warnings.push(log.message);
    },
  });
  try {
    await bundle.write({
      dir: options.outDir,
      format: 'esm',
      entryFileNames: '[name].mjs',
      chunkFileNames: 'chunks/[name]-[hash].mjs',
      sourcemap: true,
      banner: `import { createRequire as __mastraTsCreateRequire } from 'node:module';\nconst require = __mastraTsCreateRequire(import.meta.url);`,
    });
  } finally {
    await bundle.close();
  }

  const copied: Record<string, string> = {};
  for (const [name, root] of externals) copyPackage(name, root, path.join(options.outDir, 'node_modules'), copied);
  writeFileSync(
    path.join(options.outDir, 'package.json'),
    `${JSON.stringify({ name: `${options.name}-server`, private: true, type: 'module', scripts: { start: 'node --enable-source-maps server.mjs' }, dependencies: copied }, null, 2)}\n`,
  );
  writeFileSync(path.join(options.outDir, 'Dockerfile'), dockerfile);
  writeFileSync(path.join(options.outDir, '.dockerignore'), '.mastra-ts\n.env\n');
  return { serverFile: path.join(options.outDir, 'server.mjs'), copied, warnings };
}

const dockerfile = `# Built by mastra-ts build: everything the server needs is in this folder (no install step).
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4111 MASTRA_TS_DB=/data/mastra.db
COPY . .
VOLUME /data
EXPOSE 4111
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "server.mjs"]
`;

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The folder of package `name` that contains `file`. */
function packageRoot(file: string, name: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
      } catch {
        // an unreadable manifest: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isNative(root: string): boolean {
  if (existsSync(path.join(root, 'binding.gyp'))) return true;
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { gypfile?: boolean };
  return manifest.gypfile === true;
}

/** Copies a package folder (without its nested node_modules) and, recursively, its dependencies. */
function copyPackage(name: string, root: string, target: string, copied: Record<string, string>): void {
  if (copied[name] !== undefined) return;
  const real = realpathSync(root);
  const manifest = JSON.parse(readFileSync(path.join(real, 'package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string> };
  copied[name] = manifest.version;
  cpSync(real, path.join(target, name), {
    recursive: true,
    dereference: true,
    filter: (source) => {
      const base = path.basename(source);
      return !(source !== real && (base === 'node_modules' || base === '.git' || base === 'obj.target'));
    },
  });
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    const dependencyRoot = findInstalled(dependency, real);
    if (dependencyRoot) copyPackage(dependency, dependencyRoot, target, copied);
  }
}

/** Where `name` is installed as seen from `fromDir` (Node's lookup: node_modules folders upwards). */
function findInstalled(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
