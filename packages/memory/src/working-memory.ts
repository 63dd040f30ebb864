import { createTool, jsonSchema, safeValidate, toJSONSchema, TypeValidationError, type JSONSchema7, type Tool } from '@mastra-ts/core';
import { deepMerge } from './deep-merge.ts';
import type { WorkingMemoryOptions } from './memory-types.ts';

/** The template used when working memory has neither a template nor a schema (Mastra's default). */
export const defaultWorkingMemoryTemplate: string = `# User Information
- **First Name**:
- **Last Name**:
- **Location**:
- **Occupation**:
- **Interests**:
- **Goals**:
- **Events**:
- **Facts**:
- **Projects**:
`;

/** The name of the built-in tool the agent updates working memory with. */
export const updateWorkingMemoryToolName = 'updateWorkingMemory';

/** Applies an update: a template replaces the text; a schema deep-merges, validates and returns JSON text. */
export async function applyWorkingMemoryUpdate(options: WorkingMemoryOptions, current: string | undefined, update: unknown): Promise<string> {
  if (!options.schema) {
    if (typeof update !== 'string') {
      throw new TypeValidationError({ value: update, context: 'working memory update', issues: [{ path: ['memory'], message: 'expected the whole updated markdown as a string' }] });
    }
    return update;
  }
  let patch = update;
  if (typeof patch === 'string') {
    try {
      patch = JSON.parse(patch);
    } catch (cause) {
      throw new TypeValidationError({ value: update, cause, context: 'working memory update', issues: [{ path: ['memory'], message: 'expected a JSON object with the fields to change' }] });
    }
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new TypeValidationError({ value: update, context: 'working memory update', issues: [{ path: ['memory'], message: 'expected an object with the fields to change (null deletes a field)' }] });
  }
  const merged = deepMerge(parseStructured(current), patch);
  const result = await safeValidate(options.schema, merged, 'working memory');
  if (!result.success) throw result.error;
  return JSON.stringify(result.value);
}

/** Parses stored structured working memory; anything unreadable counts as empty. */
export function parseStructured(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The system text that shows the agent its working memory and how to update it. */
export function workingMemorySystemText(options: WorkingMemoryOptions, current: string | undefined): string {
  const structured = options.schema !== undefined;
  const shown = structured ? JSON.stringify(parseStructured(current), null, 2) : (current ?? options.template ?? defaultWorkingMemoryTemplate);
  const how = structured
    ? `Call ${updateWorkingMemoryToolName} with only the fields that changed: they are deep-merged into the stored object, arrays are replaced whole, and null deletes a field. The object must satisfy this JSON Schema: ${JSON.stringify(toJSONSchema(options.schema!))}`
    : `Call ${updateWorkingMemoryToolName} with the whole updated markdown, keeping the template's structure and every fact still true.`;
  return [
    'WORKING MEMORY: persistent notes about the user and this conversation, kept across messages' + (options.scope === 'resource' ? ' and conversations.' : '.'),
    `When you learn something worth remembering (names, preferences, goals, facts, decisions), update it. ${how}`,
    'Do not mention working memory or the tool to the user; use what it holds to answer.',
    `<working_memory>\n${shown}\n</working_memory>`,
  ].join('\n');
}

/** The `updateWorkingMemory` tool, bound to one thread and resource by `apply`. */
export function createUpdateWorkingMemoryTool(options: WorkingMemoryOptions, apply: (update: unknown) => Promise<string>): Tool<{ memory: unknown }, { success: true }> {
  const memorySchema: JSONSchema7 = options.schema
    ? { ...withoutRequired(toJSONSchema(options.schema)), description: 'Only the fields to change; null deletes a field.' }
    : { type: 'string', description: 'The whole updated working memory, as markdown.' };
  return createTool({
    id: updateWorkingMemoryToolName,
    description: 'Update the working memory: persistent notes about the user and the conversation.',
    inputSchema: jsonSchema<{ memory: unknown }>(
      { type: 'object', properties: { memory: memorySchema }, required: ['memory'], additionalProperties: false },
      {
        validate: (value) =>
          value !== null && typeof value === 'object' && 'memory' in value
            ? { value: value as { memory: unknown } }
            : { issues: [{ message: 'expected { memory: ... } with the working memory update', path: ['memory'] }] },
      },
    ),
    execute: async ({ memory }) => {
      await apply(memory);
      return { success: true as const };
    },
  });
}

function withoutRequired(schema: JSONSchema7): JSONSchema7 {
  if (schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((item) => withoutRequired(item as JSONSchema7)) as unknown as JSONSchema7;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required') continue;
    if (key === 'properties' && value && typeof value === 'object') {
      copy[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, nullable(withoutRequired(property as JSONSchema7))]));
    } else copy[key] = value !== null && typeof value === 'object' ? withoutRequired(value as JSONSchema7) : value;
  }
  return copy as JSONSchema7;
}

function nullable(schema: JSONSchema7): JSONSchema7 {
  if (typeof schema !== 'object' || schema === null) return schema;
  return { anyOf: [schema, { type: 'null' }] } as JSONSchema7;
}
