/** The SDK request options of a model call: its `abortSignal` as `signal`, its headers without the undefined ones. */
export function openAICompatibleRequestOptions(options: { abortSignal?: AbortSignal | undefined; headers?: Record<string, string | undefined> | undefined }): { signal?: AbortSignal; headers?: Record<string, string> } {
  const request: { signal?: AbortSignal; headers?: Record<string, string> } = {};
  if (options.abortSignal) request.signal = options.abortSignal;
  if (options.headers) {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.headers)) if (value !== undefined) headers[key] = value;
    request.headers = headers;
  }
  return request;
}
