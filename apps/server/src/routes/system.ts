import { z } from 'zod';
import { buildOpenApi } from '../openapi.ts';
import { playgroundHtml } from '../playground.ts';
import { defineRoute, json, type RouteDefinition } from '../route.ts';

/** Settings the system routes need. */
export interface SystemRouteSettings {
  apiPrefix: string;
  metrics: (() => string | Promise<string>) | undefined;
  playground: boolean;
  authEnabled: boolean;
}

const startedAt = Date.now();

/** `/health`, `/metrics`, `/api/openapi.json` and the playground page. */
export function systemRoutes(settings: SystemRouteSettings): RouteDefinition[] {
  const routes: RouteDefinition[] = [
    defineRoute({
      method: 'GET',
      path: '/health',
      family: 'system',
      summary: 'Liveness: 200 while the server accepts requests',
      root: true,
      public: true,
      handler() {
        return { kind: 'response', response: new Response('{"status":"ok"}', { headers: { 'content-type': 'application/json; charset=utf-8' } }) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/metrics',
      family: 'system',
      summary: 'Prometheus metrics (HTTP, plus telemetry when configured)',
      root: true,
      async handler({ state }) {
        const extra = settings.metrics ? await settings.metrics() : '';
        const uptime = `# HELP mastra_process_uptime_seconds Seconds since the server module loaded.\n# TYPE mastra_process_uptime_seconds gauge\nmastra_process_uptime_seconds ${(Date.now() - startedAt) / 1000}\n`;
        const body = `${state.metrics.render(state.activeStreams.size)}${uptime}${extra && !extra.endsWith('\n') ? `${extra}\n` : extra}`;
        return { kind: 'response', response: new Response(body, { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } }) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      family: 'system',
      summary: 'This OpenAPI document, generated from the route schemas',
      query: z.object({}),
      handler({ state }) {
        return json(buildOpenApi(state.routes(), { title: 'mastra-ts server', version: '0.0.0' }));
      },
    }),
  ];
  if (settings.playground) {
    const html = playgroundHtml({ apiPrefix: settings.apiPrefix, authEnabled: settings.authEnabled });
    routes.push(
      defineRoute({
        method: 'GET',
        path: '/',
        family: 'system',
        summary: 'The playground page (its API calls carry the bearer token when auth is on)',
        root: true,
        public: true,
        handler() {
          return {
            kind: 'response',
            response: new Response(html, {
              headers: {
                'content-type': 'text/html; charset=utf-8',
                'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
                'x-content-type-options': 'nosniff',
                'referrer-policy': 'no-referrer',
              },
            }),
          };
        },
      }),
    );
  }
  return routes;
}
