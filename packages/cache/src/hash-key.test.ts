import { describe, expect, it } from 'vitest';
import { canonicalJson, hashKey } from './hash-key.ts';

describe('canonicalJson / hashKey', () => {
  it('ignores key order and undefined members, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
    expect(hashKey({ a: 1, b: 2 })).toBe(hashKey({ b: 2, a: 1 }));
    expect(hashKey([1, 2])).not.toBe(hashKey([2, 1]));
    expect(hashKey({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('encodes dates, binary data and non-finite numbers distinctly', () => {
    expect(canonicalJson({ d: new Date(0), u: new Uint8Array([255]), n: Number.NaN })).toBe('{"d":"1970-01-01T00:00:00.000Z","n":"NaN","u":"base64:/w=="}');
    expect(hashKey({ u: new Uint8Array([1]) })).not.toBe(hashKey({ u: new Uint8Array([2]) }));
  });
});
