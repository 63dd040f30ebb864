import { describe, expect, it } from 'vitest';
import { generateId } from './generate-id.ts';

describe('generateId', () => {
  it('is unique and sorts in creation order', () => {
    const ids = Array.from({ length: 5000 }, () => generateId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-z]{26}$/);
  });
});
