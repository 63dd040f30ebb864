const marker = 'mastra-ts.error';
const symbol = Symbol.for(marker);

/**
 * Base class of every error thrown by mastra-ts packages.
 *
 * Checks use a `Symbol.for` marker instead of `instanceof`, so they work across
 * duplicated copies of `@mastra-ts/core` in one process.
 */
export class MastraTsError extends Error {
  constructor({ name, message, cause }: { name: string; message: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
    // markers for isInstance: one for every mastra-ts error, one for this error class
    Object.defineProperty(this, symbol, { value: true });
    Object.defineProperty(this, Symbol.for(`${marker}.${name}`), { value: true });
  }

  /** True when `error` is any mastra-ts error, from any copy of core. */
  static isInstance(error: unknown): error is MastraTsError {
    return MastraTsError.hasMarker(error, marker);
  }

  protected static hasMarker(error: unknown, markerName: string): boolean {
    const markerSymbol = Symbol.for(markerName);
    return (
      error != null &&
      typeof error === 'object' &&
      markerSymbol in error &&
      typeof (error as Record<symbol, unknown>)[markerSymbol] === 'boolean' &&
      (error as Record<symbol, unknown>)[markerSymbol] === true
    );
  }
}
