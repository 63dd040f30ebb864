import { createHash, timingSafeEqual } from 'node:crypto';

/** Bearer-token authentication: a static token, or a verifier for tokens you issue. */
export type AuthOptions = { token: string } | { verify(token: string, request: Request): boolean | Promise<boolean> };

/** Returns a function that checks a request's `Authorization: Bearer …` header. */
export function createAuthCheck(auth: AuthOptions): (request: Request) => Promise<boolean> {
  if ('token' in auth) {
    if (typeof auth.token !== 'string' || auth.token.length === 0) {
      throw new TypeError('createServer: auth.token must be a non-empty string (or set MASTRA_TS_API_KEY); pass auth: undefined to disable auth');
    }
    const expected = digest(auth.token);
    return async (request) => {
      const token = bearer(request);
      // compare digests so that timing depends on neither the token's content nor its length
      return token !== undefined && timingSafeEqual(digest(token), expected);
    };
  }
  if (typeof auth.verify !== 'function') throw new TypeError('createServer: auth must be { token } or { verify(token) }');
  return async (request) => {
    const token = bearer(request);
    if (token === undefined) return false;
    try {
      return (await auth.verify(token, request)) === true;
    } catch {
      return false;
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function bearer(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header === null) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
