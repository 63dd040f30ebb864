import { MastraTsError } from './mastra-ts-error.ts';

const name = 'TypeValidationError';
const marker = `mastra-ts.error.${name}`;

/** A value failed validation against a schema (tool input, structured output, config, request body). */
export class TypeValidationError extends MastraTsError {

  /** The value that failed validation. */
  readonly value: unknown;
  /** The schema issues: a path to the field and a message for each. */
  readonly issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
  /** What was validated, e.g. `tool "weather" input`. */
  readonly context: string | undefined;

  constructor({
    value,
    issues,
    context,
    cause,
  }: {
    value: unknown;
    issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
    context?: string;
    cause?: unknown;
  }) {
    super({ name, message: formatIssues(context, issues), cause });
    this.value = value;
    this.issues = issues;
    this.context = context;
  }

  static override isInstance(error: unknown): error is TypeValidationError {
    return MastraTsError.hasMarker(error, marker);
  }
}

function formatIssues(
  context: string | undefined,
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): string {
  const details = issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  return `${context ? `Invalid ${context}` : 'Type validation failed'}: ${details}`;
}
