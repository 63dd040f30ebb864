import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './create-logger.ts';

// A pino whose internals the redacting serializer does not recognise: redaction goes through pino's formatters.
vi.mock('./redacting-serializer.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('./redacting-serializer.ts')>()), redactingSerializerSupported: false }));

const secrets = ['sk-live-1234567890abcdefXYZ', 'hunter2-password', 'tok_abcdef123456', 'basicpass'];

describe('createLogger without the redacting serializer (fallback through pino formatters)', () => {
  it('still never writes a secret: nested keys, headers, URLs in fields and messages, errors, bindings', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) }, pretty: false });
    logger.info({ config: { provider: { apiKey: secrets[0], nested: [{ password: secrets[1] }] } } }, 'configured');
    logger.info({ headers: { Authorization: `Bearer ${secrets[2]}`, 'content-type': 'application/json' } }, 'request');
    logger.warn(`retrying https://api.example.com/v1?access_token=${secrets[2]} for https://user:${secrets[3]}@db.internal/x`);
    logger.error({ err: new Error(`401 for key ${secrets[0]}`) }, 'failed');
    logger.child({ apiKey: secrets[0] }).info('child');
    (logger.info as (...args: unknown[]) => void)('interpolated %o', { token: secrets[2] });
    const output = lines.join('');
    for (const secret of secrets) expect(output).not.toContain(secret);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, any>);
    expect(parsed).toHaveLength(6);
    expect(parsed[0]!.config.provider.apiKey).toBe('[REDACTED]');
    expect(parsed[1]!.headers).toEqual({ Authorization: '[REDACTED]', 'content-type': 'application/json' });
    expect(parsed[2]!.msg).toBe('retrying https://api.example.com/v1?access_token=[REDACTED] for https://user:[REDACTED]@db.internal/x');
    expect(parsed[3]!.err.message).toBe('401 for key [REDACTED]');
    expect(parsed[4]!.apiKey).toBe('[REDACTED]');
  });
});
