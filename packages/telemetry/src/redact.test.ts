import { describe, expect, it } from 'vitest';
import { createRedactor, defaultRedactKeys, redactString } from './redact.ts';

// the reference rule every key decision must agree with (also after any faster key filter): normalized name in the set, or ending in a secret suffix
const suffixes = ['apikey', 'secret', 'password', 'accesstoken', 'refreshtoken', 'authtoken', 'privatekey'];
const normalize = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');
const isSecret = (key: string, names: readonly string[], withSuffixes: boolean): boolean => {
  const normalized = normalize(key);
  return names.map(normalize).includes(normalized) || (withSuffixes && suffixes.some((suffix) => normalized.endsWith(suffix)));
};

const keys = [
  ...defaultRedactKeys,
  ...defaultRedactKeys.map((key) => key.toUpperCase()),
  ...defaultRedactKeys.map((key) => `${key}_`),
  ...defaultRedactKeys.map((key) => `${key}-`),
  'OPENAI_API_KEY', 'openaiApiKey', 'dbPassword', 'DB_PASSWORD', 'githubAccessToken', 'AUTH_TOKEN_', 'api_key__', 'a-p-i-k-e-y',
  'Authorization', 'AUTHORIZATION', 'x-Api-Key', 'X_API_KEY', 'PrivateKey', 'passWD',
  // the Kelvin sign lowercases to an ASCII 'k'; U+0130 lowercases to two characters
  'api\u212Aey', 'apiKe\u0130', 'ssn', 'SSN', 's', 'S', 'x',
  'runId', 'agentId', 'model', 'inputTokens', 'outputTokens', 'maxTokens', 'url', 'tokenizer', 'secretary', 'passwords', 'id', 'y', '',
  'keys', 'key', 'monkey', 'cookies', 'cookie_jar', 'Set-Cookie',
  // endings the key pre-check must pass on: case mixes, separators between or after the last two characters, non-ASCII
  'apiKeY', 'SECRET', 'secreT', 'pass_w-d', 'passw_d', 'API_KEY__', 'tOkEn', 'to-ken', 'toke_n', 'Token2', 'userToken', 'SESSION-TOKEN',
  '-', '_', 'a-', '-a', 'ke\u212A', 'x\u0130', 'CL\u00C9', 'cl\u00E9', 'cl_\u00E9', 'PIN2', 'pin_2', 'pin', 'n2',
];

describe('createRedactor', () => {
  it('decides every key exactly as normalized matching does, whatever its case, separators or characters', () => {
    const configurations = [
      { options: {}, names: defaultRedactKeys, withSuffixes: true },
      { options: { keys: ['ssn', 'x'] }, names: [...defaultRedactKeys, 'ssn', 'x'], withSuffixes: true },
      { options: { keys: ['S_S_N'], replaceDefaults: true }, names: ['S_S_N'], withSuffixes: false },
      { options: { keys: ['apiKey'], replaceDefaults: true }, names: ['apiKey'], withSuffixes: false },
      { options: { keys: ['cl\u00E9', 'pin2', 'x\u0130'] }, names: [...defaultRedactKeys, 'cl\u00E9', 'pin2', 'x\u0130'], withSuffixes: true },
      { options: { keys: ['-'] }, names: [...defaultRedactKeys, '-'], withSuffixes: true },
    ];
    for (const { options, names, withSuffixes } of configurations) {
      const redact = createRedactor(options);
      for (const key of keys) {
        const output = redact({ [key]: 'value' }) as Record<string, unknown>;
        expect({ key, options, redacted: output[key] === '[REDACTED]' }).toEqual({ key, options, redacted: isSecret(key, names, withSuffixes) });
      }
    }
  });

  it('scrubs strings exactly as redactString does, and returns clean strings unchanged', () => {
    const redact = createRedactor();
    const texts = [
      'model call finished', 'https://api.openai.com/v1/chat/completions', 'gpt-4o-mini', 'run_8f3a2c', '',
      'https://x.dev/v1?key=abc123', 'https://u:pw@db.internal/x', 'Authorization: Bearer abcdefghijkl', 'Basic dXNlcjpwYXNzd29yZA==',
      'key sk-proj-abcdefghijklmnopqrstuv', 'gsk_abcdefghijklmnopqrstu', 'xai-abcdefghijklmnopqrstu', 'AIzaSyA1234567890abcdefghijklmnopqrstu',
      'a=b', 'x@y', 'Bob', 'sk-short', `${'padding '.repeat(40)}?token=abc`,
    ];
    for (const text of texts) {
      expect(redact(text)).toBe(redactString(text));
      expect((redact({ note: text }) as { note: string }).note).toBe(redactString(text));
      expect((redact([text]) as string[])[0]).toBe(redactString(text));
    }
    // twice: the second pass is served from the memo
    for (const text of texts) expect(redact(text)).toBe(redactString(text));
  });

  it('leaves inherited properties alone and copies only changed objects', () => {
    const redact = createRedactor();
    const clean = { runId: 'run_1', inputTokens: 3, url: 'https://api.openai.com/v1' };
    expect(redact(clean)).toBe(clean);
    const inherited = Object.create({ apiKey: 'inherited' }) as Record<string, unknown>;
    inherited.note = 'https://x.dev/?key=abc';
    const output = redact(inherited) as Record<string, unknown>;
    expect(Object.keys(output)).toEqual(['note']);
    expect(output.note).toBe('https://x.dev/?key=[REDACTED]');
  });
});
