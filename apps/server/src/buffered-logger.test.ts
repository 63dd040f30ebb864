import { noopLogger } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { teeLogger } from './buffered-logger.ts';

describe('teeLogger', () => {
  it('writes redacted lines to the buffer: secret keys, headers and tokens in URLs never reach /api/logs', () => {
    const lines: string[] = [];
    const logger = teeLogger(noopLogger, { write: (line) => lines.push(line) }, { service: 'server' }).child({ requestId: 'req-1' });
    logger.info({ headers: { authorization: 'Bearer sk-live-123456', 'x-api-key': 'key-987654' }, config: { apiKey: 'sk-abcdef' }, url: 'https://api.example.com/v1?api_key=tok-555555' }, 'outgoing call');
    logger.warn('plain line');
    expect(lines).toHaveLength(2);
    for (const secret of ['sk-live-123456', 'key-987654', 'sk-abcdef', 'tok-555555']) expect(lines.join('\n')).not.toContain(secret);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ level: 30, service: 'server', requestId: 'req-1', msg: 'outgoing call' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 40, msg: 'plain line' });
  });
});
