import { tracingChannel } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { ConfigError } from '@mastra-ts/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger as PinoLogger } from 'pino';
import { createLogger, runLogger } from './create-logger.ts';
import { createLogBuffer } from './log-buffer.ts';

function capture(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

const secrets = ['sk-live-1234567890abcdefXYZ', 'hunter2-password', 'tok_abcdef123456', 'AIzaSyA1234567890abcdefghijklmnopqrstu', 'basicpass'];

describe('createLogger', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes one JSON line per entry with level, time, name and message', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'api', level: 'debug', destination, pretty: false });
    logger.debug({ userId: 'u1' }, 'hello');
    logger.trace('dropped');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 20, name: 'api', msg: 'hello', userId: 'u1' });
    expect(typeof entry.time).toBe('number');
  });

  it('never writes a secret: nested keys, headers, URLs, error messages, bindings, Map and Headers', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination, pretty: false });
    logger.info({ config: { provider: { apiKey: secrets[0], nested: [{ password: secrets[1] }] } } }, 'configured');
    logger.info({ headers: { Authorization: `Bearer ${secrets[2]}`, 'x-api-key': secrets[0], 'content-type': 'application/json' } }, 'request');
    logger.info({ url: `https://generativelanguage.googleapis.com/v1/models?key=${secrets[3]}&alt=sse` }, 'calling');
    logger.warn(`retrying https://api.example.com/v1?access_token=${secrets[2]} for https://user:${secrets[4]}@db.internal/x`);
    logger.error({ err: new Error(`401 for key ${secrets[0]}`) }, 'failed');
    logger.child({ apiKey: secrets[0] }).info('child');
    logger.info({ headers: new Headers({ authorization: `Bearer ${secrets[2]}` }), map: new Map([['token', secrets[2]]]) }, 'collections');
    logger.info({ OPENAI_API_KEY: secrets[0], clientSecret: secrets[1] }, 'env');
    const output = lines.join('');
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(lines).toHaveLength(8);
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed[0].config.provider.apiKey).toBe('[REDACTED]');
    expect(parsed[0].config.provider.nested[0].password).toBe('[REDACTED]');
    expect(parsed[1].headers).toEqual({ Authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', 'content-type': 'application/json' });
    expect(parsed[2].url).toBe('https://generativelanguage.googleapis.com/v1/models?key=[REDACTED]&alt=sse');
    expect(parsed[3].msg).toBe('retrying https://api.example.com/v1?access_token=[REDACTED] for https://user:[REDACTED]@db.internal/x');
    expect(parsed[4].err.message).toBe('401 for key [REDACTED]');
    expect(parsed[4].err.type).toBe('Error');
    expect(parsed[5].apiKey).toBe('[REDACTED]');
    expect(parsed[6].headers.authorization).toBe('[REDACTED]');
    expect(parsed[6].map.token).toBe('[REDACTED]');
  });

  it('never writes a secret passed through message interpolation, as a non-string message, or as an error', () => {
    const { lines, destination } = capture();
    // pino's full call signatures (format arguments, an Error first), beyond core's Logger contract
    const logger = createLogger({ destination, pretty: false }) as unknown as PinoLogger;
    logger.info('config %o and %j', { apiKey: secrets[0] }, { headers: { 'x-api-key': secrets[1] } });
    logger.info('calling %s with %s', `https://x.dev/v1?key=${secrets[3]}`, `Bearer ${secrets[2]}`);
    logger.info({ step: 1 }, { password: secrets[1] } as unknown as string);
    logger.error(new Error(`401 for https://u:${secrets[4]}@db.internal/x`));
    logger.child({ runId: 'r1' }).child({ token: secrets[2] }).info({ msg: `Bearer ${secrets[2]}` });
    const output = lines.join('');
    for (const secret of secrets) expect(output).not.toContain(secret);
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed[0].msg).toBe('config {"apiKey":"[REDACTED]"} and {"headers":{"x-api-key":"[REDACTED]"}}');
    expect(parsed[1].msg).toBe('calling https://x.dev/v1?key=[REDACTED] with Bearer [REDACTED]');
    expect(parsed[2]).toMatchObject({ step: 1, msg: { password: '[REDACTED]' } });
    expect(parsed[3].msg).toBe('401 for https://u:[REDACTED]@db.internal/x');
    expect(parsed[4]).toMatchObject({ runId: 'r1', token: '[REDACTED]', msg: 'Bearer [REDACTED]' });
  });

  it('writes records with nothing to redact byte for byte as pino does', () => {
    const error = new Error('boom "quoted"');
    const write = (logger: PinoLogger): void => {
      logger.info('message only');
      logger.info({});
      logger.info({ count: 1, ratio: 0.5, nan: Number.NaN, infinite: Number.POSITIVE_INFINITY, zero: -0, yes: true, no: false, none: null, missing: undefined, fn: () => 1 }, 'scalars');
      logger.info({ quoted: 'say "hi" \\ there', newline: 'a\nb', unicode: 'h\u00e9llo \u{1F600}', long: 'x'.repeat(150), tab: 'a\tb' }, 'strings');
      logger.info({ nested: { a: [1, 'two', { three: 3 }], when: new Date(0) }, list: [1, 2], empty: [] }, 'objects');
      logger.error({ err: error }, 'failed');
      logger.error(error);
      logger.warn('interpolated %s %d %o %j %%', 'text', 42, { a: 1 }, [1, 2]);
      logger.info(42 as unknown as string);
      logger.info({ msg: 'inner message', other: 1 });
      logger.child({ runId: 'run-1', agentId: 'support' }).child({ stepId: 'fetch' }, { serializers: { custom: () => 'serialized' } }).info({ custom: { a: 1 } }, 'child');
    };
    const redacted = capture();
    const plain = capture();
    write(createLogger({ destination: redacted.destination, pretty: false, name: 'api', level: 'trace' }) as unknown as PinoLogger);
    write(createLogger({ destination: plain.destination, pretty: false, name: 'api', level: 'trace', redact: false }) as unknown as PinoLogger);
    const withoutTime = (line: string): string => line.replace(/"time":\d+,/, '');
    expect(redacted.lines.map(withoutTime)).toEqual(plain.lines.map(withoutTime));
    expect(redacted.lines).toHaveLength(11);
  });

  it("still reports each line on pino's pino_asJson tracing channel", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination, pretty: false });
    const seen: unknown[] = [];
    const handlers = { start: (message: unknown) => void seen.push(message), end: () => {}, asyncStart: () => {}, asyncEnd: () => {}, error: () => {} };
    const channel = tracingChannel('pino_asJson');
    channel.subscribe(handlers);
    try {
      logger.info({ apiKey: 'sk-should-not-appear-123456' }, 'traced');
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(seen).toEqual([expect.objectContaining({ instance: logger })]);
    expect(JSON.parse(lines[0]!)).toMatchObject({ apiKey: '[REDACTED]', msg: 'traced' });
  });

  it('does not mutate the logged objects, and leaves clean values alone', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination, pretty: false });
    const fields = { headers: { authorization: 'Bearer abcdefghijk' }, inputTokens: 3, maxTokens: 10 };
    logger.info(fields, 'x');
    expect(fields.headers.authorization).toBe('Bearer abcdefghijk');
    expect(JSON.parse(lines[0]!)).toMatchObject({ inputTokens: 3, maxTokens: 10 });
  });

  it('redacts extra keys, and can be turned off', () => {
    const { lines, destination } = capture();
    createLogger({ destination, pretty: false, redact: { keys: ['ssn'] } }).info({ ssn: '123-45-6789', apiKey: 'k' }, 'x');
    createLogger({ destination, pretty: false, redact: false }).info({ apiKey: 'visible' }, 'x');
    expect(JSON.parse(lines[0]!)).toMatchObject({ ssn: '[REDACTED]', apiKey: '[REDACTED]' });
    expect(JSON.parse(lines[1]!).apiKey).toBe('visible');
  });

  it('child loggers carry runId, agentId and workflowId on every line', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination, pretty: false, bindings: { service: 'api' } });
    const run = runLogger(logger, { runId: 'run-1', agentId: 'support', workflowId: undefined });
    run.info('step one');
    run.child({ stepId: 'fetch' }).warn({ attempt: 2 }, 'retry');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ service: 'api', runId: 'run-1', agentId: 'support', msg: 'step one' }),
      expect.objectContaining({ service: 'api', runId: 'run-1', agentId: 'support', stepId: 'fetch', attempt: 2, msg: 'retry', level: 40 }),
    ]);
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('workflowId');
  });

  it('reads the level from LOG_LEVEL, and rejects an unknown level with ConfigError', () => {
    const { lines, destination } = capture();
    vi.stubEnv('LOG_LEVEL', 'warn');
    const logger = createLogger({ destination, pretty: false });
    logger.info('dropped');
    logger.warn('kept');
    expect(lines).toHaveLength(1);
    expect(logger.level).toBe('warn');
    vi.stubEnv('LOG_LEVEL', 'verbose');
    let caught: unknown;
    try {
      createLogger({ destination, pretty: false });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/LOG_LEVEL is "verbose": use one of trace, debug, info/);
  });

  it('loads pino-pretty only when pretty output is asked for', () => {
    const loaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('pino-pretty'));
    const { lines, destination } = capture();
    createLogger({ destination, pretty: false }).info('json');
    expect(loaded()).toBe(false);
    const pretty = capture();
    createLogger({ destination: pretty.destination, pretty: true, name: 'dev' }).info({ apiKey: 'sk-should-not-appear-123456' }, 'pretty line');
    expect(loaded()).toBe(true);
    const text = pretty.lines.join('');
    expect(text).toContain('pretty line');
    expect(text).toContain('INFO');
    expect(text).not.toContain('sk-should-not-appear');
    expect(() => JSON.parse(text)).toThrow();
    expect(lines).toHaveLength(1);
  });

  it('copies every line into a log buffer', () => {
    const { destination } = capture();
    const buffer = createLogBuffer({ capacity: 10 });
    const logger = createLogger({ destination, buffer, pretty: false });
    logger.child({ runId: 'r1' }).info({ authorization: 'Bearer xyzxyzxyzxyz' }, 'hello');
    const { logs } = buffer.query({ runId: 'r1' });
    expect(logs).toEqual([expect.objectContaining({ level: 'info', msg: 'hello', runId: 'r1', authorization: '[REDACTED]' })]);
  });
});
