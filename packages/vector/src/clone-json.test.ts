import { describe, expect, it } from 'vitest';
import { cloneJson } from './clone-json.ts';

describe('cloneJson', () => {
  it('copies nested objects and arrays without sharing references', () => {
    const source = { a: 1, b: 'x', c: null, d: [1, { e: true }], f: { g: { h: [2] } }, date: new Date(5) };
    const copy = cloneJson(source);
    expect(copy).toEqual(source);
    expect(copy.d).not.toBe(source.d);
    expect(copy.f.g).not.toBe(source.f.g);
    expect(copy.date).not.toBe(source.date);
    (copy.d[1] as { e: boolean }).e = false;
    expect(source.d[1]).toEqual({ e: true });
  });
});
