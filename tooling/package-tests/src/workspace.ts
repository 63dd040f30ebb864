import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The monorepo root. */
export const root: string = resolve(import.meta.dirname, '../../..');

/** A workspace package that is published (not private). */
export interface PublishedPackage {
  name: string;
  dir: string;
  manifest: Record<string, unknown>;
}

/** Every published package under packages/ and apps/. */
export function publishedPackages(): PublishedPackage[] {
  const found: PublishedPackage[] = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir).sort()) {
      const manifestPath = join(groupDir, entry, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      if (manifest.private === true) continue;
      found.push({ name: String(manifest.name), dir: join(groupDir, entry), manifest });
    }
  }
  return found;
}
