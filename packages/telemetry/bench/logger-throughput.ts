// Logging throughput (lines per CPU second): createLogger (redaction on) vs a plain pino logger, same run.
// Baseline: `pino({}, destination)` with pino's defaults (level info, pid/hostname, epoch time), writing the same record
// (an object with six fields + a message; and a second record with secrets in it) to the same kind of destination: one that only counts characters, so the
// figure is the loggers' own CPU cost (a real file or pipe adds the same I/O to both).
// Each round measures every subject once, in a shuffled order, after a full GC (so that no subject pays for the
// previous one's garbage, e.g. the log buffer's retained lines); a round's ratio compares subjects measured seconds
// apart, so the median of those ratios holds on a shared, loaded machine. Best-of-rounds throughput is printed too.
// Run: pnpm --filter @mastra-ts/telemetry bench   (options: --rounds=N, --lines=N)
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { createLogBuffer, createLogger } from '../src/index.ts';

const argument = (name: string, fallback: number): number => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const lines = argument('lines', 50_000);
const rounds = argument('rounds', 24);
let sink = 0;
const destination = (): { write(line: string): void } => ({ write: (line: string) => void (sink += line.length) });
// a new object per call, as real call sites build it
const record = (index: number): Record<string, unknown> => ({ runId: 'run_8f3a2c', agentId: 'support', model: 'gpt-4o-mini', inputTokens: 1234 + (index & 7), outputTokens: 321, url: 'https://api.openai.com/v1/chat/completions' });

// the same shape with secrets in it (a header, a URL token): redaction copies and rewrites, plain pino writes them as is
const secretRecord = (index: number): Record<string, unknown> => ({ runId: 'run_8f3a2c', headers: { authorization: 'Bearer sk-live-abcdefghijklmnop', 'content-type': 'application/json' }, inputTokens: 1234 + (index & 7), url: 'https://generativelanguage.googleapis.com/v1/models?key=AIzaSyA1234567890abcdef' });

interface Subject {
  name: string;
  record?: (index: number) => Record<string, unknown>;
  make: () => { info: (fields: Record<string, unknown>, message: string) => void };
}

const subjects: Subject[] = [
  { name: 'pino (plain)', make: () => pino({}, destination()) },
  { name: 'pino child({ runId })', make: () => pino({}, destination()).child({ runId: 'run_8f3a2c' }) },
  { name: 'createLogger (redaction)', make: () => createLogger({ destination: destination(), pretty: false }) },
  { name: 'createLogger child({ runId })', make: () => createLogger({ destination: destination(), pretty: false }).child({ runId: 'run_8f3a2c' }) },
  { name: 'createLogger (redaction off)', make: () => createLogger({ destination: destination(), pretty: false, redact: false }) },
  { name: 'createLogger + log buffer', make: () => createLogger({ destination: destination(), pretty: false, buffer: createLogBuffer({ capacity: 10_000 }) }) },
  { name: 'pino, record with secrets', record: secretRecord, make: () => pino({}, destination()) },
  { name: 'createLogger, record with secrets', record: secretRecord, make: () => createLogger({ destination: destination(), pretty: false }) },
];

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

// process CPU time (user + system) rather than wall time
function run(subject: Subject): number {
  const logger = subject.make();
  const make = subject.record ?? record;
  collect();
  const start = process.cpuUsage();
  for (let index = 0; index < lines; index++) logger.info(make(index), 'model call finished');
  const usage = process.cpuUsage(start);
  return lines / ((usage.user + usage.system) / 1_000_000);
}

console.log(`logger throughput: ${lines.toLocaleString()} lines per measurement, ${rounds} rounds (order shuffled each round), node ${process.version}`);
let seed = 42;
const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const samples = new Map<string, number[]>(subjects.map((subject) => [subject.name, []]));
for (let warm = 0; warm < 2; warm++) for (const subject of subjects) run(subject);
for (let round = 0; round < rounds; round++) {
  const order = subjects.map((subject) => ({ subject, key: random() })).sort((a, b) => a.key - b.key);
  for (const { subject } of order) samples.get(subject.name)!.push(run(subject));
}
if (sink < 0) console.log(sink);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const best = (name: string): number => Math.max(...samples.get(name)!);
const ratios = (name: string, base: string): number[] => samples.get(name)!.map((value, round) => value / samples.get(base)![round]!);

console.log(`${'subject'.padEnd(32)} ${'best'.padStart(9)} ${'median'.padStart(9)}`);
for (const subject of subjects) {
  console.log(`${subject.name.padEnd(32)} ${(best(subject.name) / 1000).toFixed(0).padStart(5)} k/s ${(median(samples.get(subject.name)!) / 1000).toFixed(0).padStart(5)} k/s`);
}
console.log('');
console.log(`${'ratio'.padEnd(38)} ${'median of rounds'.padStart(16)} ${'[p25, p75]'.padStart(14)} ${'best/best'.padStart(10)}`);
const quartile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const report = (label: string, name: string, base: string): void => {
  const values = ratios(name, base);
  console.log(`${label.padEnd(38)} ${`${median(values).toFixed(2)}x`.padStart(16)} ${`[${quartile(values, 0.25).toFixed(2)}, ${quartile(values, 0.75).toFixed(2)}]`.padStart(14)} ${`${(best(name) / best(base)).toFixed(2)}x`.padStart(10)}`);
};
report('createLogger / pino', 'createLogger (redaction)', 'pino (plain)');
report('createLogger child / pino child', 'createLogger child({ runId })', 'pino child({ runId })');
report('createLogger (redaction off) / pino', 'createLogger (redaction off)', 'pino (plain)');
report('createLogger + buffer / pino', 'createLogger + log buffer', 'pino (plain)');
report('redaction on / off (createLogger)', 'createLogger (redaction)', 'createLogger (redaction off)');
report('with secrets: createLogger / pino', 'createLogger, record with secrets', 'pino, record with secrets');
