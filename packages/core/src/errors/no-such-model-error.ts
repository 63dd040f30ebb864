import { MastraTsError } from './mastra-ts-error.ts';

const name = 'NoSuchModelError';
const marker = `mastra-ts.error.${name}`;

/** A model id or routing string could not be resolved to a model. */
export class NoSuchModelError extends MastraTsError {

  /** The model id that was asked for, e.g. `openai/gpt-4o-mini`. */
  readonly modelId: string;
  /** The provider part of the routing string, when there was one. */
  readonly providerId: string | undefined;
  /** The package that provides this provider, when known. */
  readonly packageName: string | undefined;

  constructor({
    modelId,
    providerId,
    packageName,
    message,
    cause,
  }: {
    modelId: string;
    providerId?: string;
    packageName?: string;
    message: string;
    cause?: unknown;
  }) {
    super({ name, message, cause });
    this.modelId = modelId;
    this.providerId = providerId;
    this.packageName = packageName;
  }

  static override isInstance(error: unknown): error is NoSuchModelError {
    return MastraTsError.hasMarker(error, marker);
  }
}
