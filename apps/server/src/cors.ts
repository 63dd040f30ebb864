/** CORS settings: explicit origins only (no `*`), off when absent. */
export interface CorsOptions {
  /** Allowed origins, e.g. `['https://app.example.com']`. */
  origins: string[];
  /** Extra request headers to allow (Authorization and Content-Type always are). */
  allowHeaders?: string[];
  /** Send `Access-Control-Allow-Credentials: true` (default true). */
  credentials?: boolean;
  /** Preflight cache in seconds (default 600). */
  maxAge?: number;
}

/** Validated CORS policy. */
export interface CorsPolicy {
  /** The headers for a request from `origin`, or undefined when the origin is not allowed. */
  headers(origin: string | null): Record<string, string> | undefined;
  /** Headers of a preflight answer. */
  preflight(origin: string | null, requestHeaders: string | null): Record<string, string> | undefined;
}

/** Builds the CORS policy; refuses `*`. */
export function createCorsPolicy(options: CorsOptions): CorsPolicy {
  if (!Array.isArray(options.origins)) throw new TypeError('createServer: cors.origins must be an array of origins such as ["https://app.example.com"]');
  for (const origin of options.origins) {
    if (origin === '*' || origin.includes('*')) {
      throw new TypeError(`createServer: cors.origins must list explicit origins; "${origin}" would let any site call the API with your users' credentials`);
    }
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new TypeError(`createServer: cors.origins entry "${origin}" is not an origin: use scheme://host[:port], e.g. "https://app.example.com"`);
    }
    if (parsed.origin !== origin.replace(/\/$/, '')) throw new TypeError(`createServer: cors.origins entry "${origin}" has a path: use "${parsed.origin}"`);
  }
  const allowed = new Set(options.origins.map((origin) => origin.replace(/\/$/, '')));
  const credentials = options.credentials ?? true;
  const allowHeaders = ['authorization', 'content-type', 'x-request-id', ...(options.allowHeaders ?? []).map((header) => header.toLowerCase())];
  const base = (origin: string): Record<string, string> => ({
    'access-control-allow-origin': origin,
    vary: 'Origin',
    ...(credentials ? { 'access-control-allow-credentials': 'true' } : {}),
  });
  return {
    headers(origin) {
      if (origin === null || !allowed.has(origin)) return undefined;
      return { ...base(origin), 'access-control-expose-headers': 'x-request-id' };
    },
    preflight(origin, requestHeaders) {
      if (origin === null || !allowed.has(origin)) return undefined;
      const requested = (requestHeaders ?? '').split(',').map((header) => header.trim().toLowerCase()).filter(Boolean);
      return {
        ...base(origin),
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': [...new Set([...allowHeaders, ...requested.filter((header) => allowHeaders.includes(header))])].join(', '),
        'access-control-max-age': String(options.maxAge ?? 600),
      };
    },
  };
}
