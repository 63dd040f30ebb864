import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TypeValidationError } from '../errors/type-validation-error.ts';
import { jsonSchema, safeValidate, toJSONSchema, validate } from './schema.ts';
import { createTool } from './tool.ts';

describe('schemas', () => {
  it('converts zod to draft-07 JSON Schema once per schema', () => {
    const schema = z.object({ city: z.string().describe('City name'), days: z.number().int().optional() });
    const first = toJSONSchema(schema);
    expect(first).toEqual({ type: 'object', properties: { city: { type: 'string', description: 'City name' }, days: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 } }, required: ['city'] });
    expect(toJSONSchema(schema)).toBe(first);
  });

  it('validates and reports paths', async () => {
    const schema = z.object({ items: z.array(z.object({ qty: z.number() })) });
    const result = await safeValidate(schema, { items: [{ qty: 'x' }] }, 'order');
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]?.path).toEqual(['items', 0, 'qty']);
    await expect(validate(schema, {})).rejects.toSatisfy(TypeValidationError.isInstance);
    expect(await validate(schema, { items: [] })).toEqual({ items: [] });
  });

  it('wraps plain JSON Schema', async () => {
    const schema = jsonSchema<{ a: number }>({ type: 'object', properties: { a: { type: 'number' } } });
    expect(toJSONSchema(schema)).toEqual({ type: 'object', properties: { a: { type: 'number' } } });
    expect(await validate(schema, { a: 1 })).toEqual({ a: 1 });
  });

  it('marks tools so they can be told from look-alike objects', async () => {
    const { isTool } = await import('./tool.ts');
    expect(isTool(createTool({ id: 't', execute: async () => 1 }))).toBe(true);
    expect(isTool({ id: 't', execute: async () => 1 })).toBe(false);
    expect(isTool(null)).toBe(false);
  });

  it('createTool refuses a tool without id', () => {
    expect(() => createTool({ id: '' })).toThrow('createTool: id is required');
  });
});
