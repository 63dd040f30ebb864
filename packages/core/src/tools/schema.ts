import { TypeValidationError } from '../errors/type-validation-error.ts';
import type { JSONSchema7 } from '../shared/json-value.ts';

/**
 * The Standard Schema interface (https://standardschema.dev), implemented by zod 4, valibot, arktype and others.
 * Core depends on this interface instead of on zod, so it imports nothing at runtime.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardSchemaV1Result<Output> | Promise<StandardSchemaV1Result<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
    /** The Standard JSON Schema extension (zod >= 4.2). */
    readonly jsonSchema?: { readonly input: (options: { target: string }) => Record<string, unknown> } | undefined;
  };
}

/** The result of a Standard Schema validation. */
export type StandardSchemaV1Result<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> };

/** Any schema core accepts: a Standard Schema (zod, valibot, …) or `jsonSchema(...)`. */
export type Schema<Output = unknown> = StandardSchemaV1<unknown, Output>;

/** The output type of a schema. */
export type InferSchemaOutput<S> = S extends StandardSchemaV1<unknown, infer Output> ? Output : unknown;

const jsonSchemaSymbol = Symbol.for('mastra-ts.json-schema');

/**
 * Wraps a plain JSON Schema as a schema for tools or structured output, with an optional validator.
 * Without `validate`, values are accepted as they are.
 */
export function jsonSchema<T = unknown>(schema: JSONSchema7, options: { validate?: (value: unknown) => StandardSchemaV1Result<T> } = {}): Schema<T> {
  return {
    [jsonSchemaSymbol]: schema,
    '~standard': {
      version: 1,
      vendor: 'mastra-ts',
      validate: options.validate ?? ((value: unknown) => ({ value: value as T })),
      jsonSchema: { input: () => schema },
    },
  } as Schema<T>;
}

const jsonSchemaCache = new WeakMap<object, JSONSchema7>();

/** The JSON Schema (draft-07) of a schema, computed once per schema object. */
export function toJSONSchema(schema: Schema): JSONSchema7 {
  const cached = jsonSchemaCache.get(schema);
  if (cached) return cached;
  let result: Record<string, unknown> | undefined;
  const standard = schema['~standard'];
  if (standard?.jsonSchema) result = standard.jsonSchema.input({ target: 'draft-07' });
  else if (typeof (schema as { toJSONSchema?: unknown }).toJSONSchema === 'function') {
    result = (schema as unknown as { toJSONSchema: (options: { target: string }) => Record<string, unknown> }).toJSONSchema({ target: 'draft-7' });
  }
  if (result === undefined) {
    throw new TypeValidationError({
      value: standard?.vendor,
      context: 'schema',
      issues: [{ path: [], message: `cannot convert a ${String(standard?.vendor ?? 'non-standard')} schema to JSON Schema: use zod >= 4.2, or wrap a JSON Schema with jsonSchema()` }],
    });
  }
  const { $schema: _ignored, ...rest } = result;
  jsonSchemaCache.set(schema, rest as JSONSchema7);
  return rest as JSONSchema7;
}

/** Result of `safeValidate`. */
export type ValidationResult<T> = { success: true; value: T } | { success: false; error: TypeValidationError };

/** Validates a value; never throws for invalid values. `context` names what is validated in the error message. */
export async function safeValidate<T>(schema: Schema<T>, value: unknown, context?: string): Promise<ValidationResult<T>> {
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues === undefined) return { success: true, value: result.value };
  return {
    success: false,
    error: new TypeValidationError({
      value,
      ...(context === undefined ? {} : { context }),
      issues: result.issues.map((issue) => ({
        message: issue.message,
        path: (issue.path ?? []).map((segment) => (typeof segment === 'object' && segment !== null ? segment.key : segment)),
      })),
    }),
  };
}

/** Validates a value and returns it, or throws `TypeValidationError`. */
export async function validate<T>(schema: Schema<T>, value: unknown, context?: string): Promise<T> {
  const result = await safeValidate(schema, value, context);
  if (!result.success) throw result.error;
  return result.value;
}
