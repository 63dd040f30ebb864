import { headersToRecord } from '@mastra-ts/core/provider-utils';

/**
 * A result's `response` whose `headers` are converted from the fetch `Headers` when first read: reading every header
 * of a response costs microseconds per call, and most callers never look at them.
 */
export class LazyResponseHeaders {
  readonly #source: Headers;
  #headers: Record<string, string> | undefined;

  constructor(source: Headers) {
    this.#source = source;
  }

  get headers(): Record<string, string> {
    return (this.#headers ??= headersToRecord(this.#source)!);
  }

  toJSON(): { headers: Record<string, string> } {
    return { headers: this.headers };
  }
}
