const linkKey: unique symbol = Symbol('@mastra-ts/llm-openai request abort link');

type LinkedInit = RequestInit & { [linkKey]?: RequestAbortLink };

/** `fetchOptions` carrying a link (a class: an object literal with a computed symbol key is built on a slow path). */
class LinkFetchOptions {
  readonly [linkKey]: RequestAbortLink;

  constructor(link: RequestAbortLink) {
    this[linkKey] = link;
  }
}

/**
 * Carries a call's abort signal to the SDK's `fetch` beside the SDK's own request signal. Given as the SDK's `signal`
 * option, a caller's signal is composed with `AbortSignal.any` plus weak references on every request, which costs
 * about 20 µs a call; here each request gets one controller, aborted by the caller's signal (one listener, removed by
 * `dispose()` when the call ends) or by the SDK's signal (its timeout, a `break` out of its stream).
 */
export class RequestAbortLink {
  readonly #signal: AbortSignal;
  #controller: AbortController | undefined;
  #listening = false;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
  }

  /** The signal one fetch of the call is given. */
  requestSignal(sdkSignal: AbortSignal | null | undefined): AbortSignal {
    const controller = new AbortController();
    this.#controller = controller;
    const caller = this.#signal;
    if (caller.aborted) controller.abort(caller.reason);
    else if (!this.#listening) {
      this.#listening = true;
      caller.addEventListener('abort', this.#onAbort, { once: true });
    }
    if (sdkSignal) {
      if (sdkSignal.aborted) controller.abort(sdkSignal.reason);
      else sdkSignal.addEventListener('abort', () => controller.abort(sdkSignal.reason), { once: true });
    }
    return controller.signal;
  }

  /** The SDK request options that carry the link to `fetch` (its `fetchOptions` are passed to `fetch` as they are). */
  fetchOptions(): { [linkKey]: RequestAbortLink } {
    return new LinkFetchOptions(this);
  }

  /** Removes the listener from the caller's signal. */
  dispose(): void {
    if (this.#listening) {
      this.#listening = false;
      this.#signal.removeEventListener('abort', this.#onAbort);
    }
  }

  readonly #onAbort = (): void => {
    this.#listening = false;
    this.#controller?.abort(this.#signal.reason);
  };
}

/** A `fetch` for the SDK client that honours the `RequestAbortLink` of a request (and is `base` otherwise). */
export function createLinkedFetch(base: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const link = (init as LinkedInit | undefined)?.[linkKey];
    if (link === undefined) return base(input, init);
    return base(input, { ...init, signal: link.requestSignal(init!.signal) });
  };
}
