// Logging throughput (lines per CPU second): createLogger (redaction on) vs a plain pino logger, same destination, same run.
// Run: pnpm --filter @mastra-ts/telemetry bench
import { pino } from 'pino';
import { createLogBuffer, createLogger } from '../src/index.ts';

const lines = 100_000;
const rounds = 12;
// a destination that drops lines measures the loggers' own CPU cost (a real file or pipe adds the same I/O to both)
const destination = (): { write(line: string): void } => ({ write: (line: string) => void (sink += line.length) });
let sink = 0;
const fields = { runId: 'run_8f3a2c', agentId: 'support', model: 'gpt-4o-mini', inputTokens: 1234, outputTokens: 321, url: 'https://api.openai.com/v1/chat/completions' };

interface Subject {
  name: string;
  make: () => { info: (fields: Record<string, unknown>, message: string) => void };
}

const subjects: Subject[] = [
  { name: 'pino (plain)', make: () => pino({}, destination()) },
  { name: 'pino child({ runId })', make: () => pino({}, destination()).child({ runId: 'run_8f3a2c' }) },
  { name: 'createLogger (redaction)', make: () => createLogger({ destination: destination(), pretty: false }) },
  { name: 'createLogger child({ runId })', make: () => createLogger({ destination: destination(), pretty: false }).child({ runId: 'run_8f3a2c' }) },
  { name: 'createLogger (redaction off)', make: () => createLogger({ destination: destination(), pretty: false, redact: false }) },
  { name: 'createLogger + log buffer', make: () => createLogger({ destination: destination(), pretty: false, buffer: createLogBuffer({ capacity: 10_000 }) }) },
];

// process CPU time (user + system) rather than wall time: it stays meaningful on a shared, loaded machine
function run(subject: Subject): number {
  const logger = subject.make();
  const start = process.cpuUsage();
  for (let index = 0; index < lines; index++) logger.info(fields, 'model call finished');
  const usage = process.cpuUsage(start);
  return lines / ((usage.user + usage.system) / 1_000_000);
}

console.log(`logger throughput: ${lines.toLocaleString()} lines to a discarding destination (best of ${rounds}, rounds interleaved), node ${process.version}`);
const results = new Map<string, number>();
for (const subject of subjects) run(subject);
for (let round = 0; round < rounds; round++) {
  // a different order each round, so that no subject always pays for the previous one's garbage
  const order = subjects.map((subject, index) => ({ subject, key: (index * 7 + round * 3) % subjects.length })).sort((a, b) => a.key - b.key);
  for (const { subject } of order) results.set(subject.name, Math.max(results.get(subject.name) ?? 0, run(subject)));
}
for (const subject of subjects) console.log(`${subject.name.padEnd(32)} ${(results.get(subject.name)! / 1000).toFixed(0).padStart(6)} k lines/s`);
if (sink < 0) console.log(sink);
const base = results.get('pino (plain)')!;
const child = results.get('pino child({ runId })')!;
console.log('');
console.log(`createLogger / pino                 ${(results.get('createLogger (redaction)')! / base).toFixed(2)}x`);
console.log(`createLogger child / pino child     ${(results.get('createLogger child({ runId })')! / child).toFixed(2)}x`);
console.log(`createLogger (redaction off) / pino ${(results.get('createLogger (redaction off)')! / base).toFixed(2)}x`);
console.log(`createLogger + buffer / pino        ${(results.get('createLogger + log buffer')! / base).toFixed(2)}x`);
console.log(`redaction on / off (createLogger)   ${(results.get('createLogger (redaction)')! / results.get('createLogger (redaction off)')!).toFixed(2)}x`);
