// Start-up times of the CLI, against baselines measured in the same run: `node -e 0` for the short commands, and
// the server bin started directly (`mastra-ts-server <entry>`) for `dev`. Run: pnpm --filter @mastra-ts/cli bench
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(cliDir, 'dist/bin.mjs');
const example = path.resolve(cliDir, '../../examples/basic');
const serverBin = path.resolve(cliDir, '../server/dist/bin.mjs');
const runs = Number(process.env.RUNS ?? 5);
const work = mkdtempSync(path.join(tmpdir(), 'cli-bench-'));
const env = { ...process.env, NO_COLOR: '1', LOG_LEVEL: 'warn', MASTRA_TS_DB: path.join(work, 'db.sqlite') };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeSync(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: work, env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return performance.now() - started;
}

/** Milliseconds from spawn until stdout matches `ready`; then the process is stopped. */
function timeUntil(args: string[], ready: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: example, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    let ms: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (ms === undefined && ready.test(text)) {
        ms = performance.now() - started;
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => (ms !== undefined ? resolve(ms) : reject(new Error(`${args.join(' ')} exited ${code} before ready:\n${text}`))));
  });
}

const rows: Array<[string, number, string, number]> = [];
const baselineNode = median(Array.from({ length: runs }, () => timeSync(['-e', '0'])));
const version = median(Array.from({ length: runs }, () => timeSync([bin, 'version'])));
let n = 0;
const init = median(Array.from({ length: runs }, () => timeSync([bin, 'init', `app-${n++}`, '--no-install', '--yes'])));
rows.push(['mastra-ts version', version, 'node -e 0', baselineNode], ['mastra-ts init --no-install', init, 'node -e 0', baselineNode]);

const server: number[] = [];
const dev: number[] = [];
for (let i = 0; i < runs; i++) {
  server.push(await timeUntil([serverBin, 'src/mastra.ts', '--port', '0'], /listening on http/));
  dev.push(await timeUntil([bin, 'dev', '--port', '0'], /Workflows: .*\n/));
}
rows.push(['mastra-ts dev (until agents listed)', median(dev), 'mastra-ts-server (until listening)', median(server)]);
rmSync(work, { recursive: true, force: true });

console.log(`start-up, median of ${runs} runs (ms)`);
for (const [name, ms, baseline, baseMs] of rows) {
  console.log(`${name.padEnd(38)} ${ms.toFixed(0).padStart(6)}   baseline ${baseline.padEnd(36)} ${baseMs.toFixed(0).padStart(6)}   ratio ${(ms / baseMs).toFixed(2)}x`);
}
